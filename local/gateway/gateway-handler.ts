// The authorizer a local gateway calls, tagged with the event it takes: the gateway switches on `kind`, never casts.
import type {
  APIGatewayAuthorizerResult,
  APIGatewayAuthorizerResultContext,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import type { AuthorizerContext } from '../../runtime/response/responses.js';

export type GatewayHandler =
  /** REST API, TOKEN authorizer: sees the token and the method ARN only. */
  | { readonly kind: 'token'; readonly handle: (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> }
  /** REST API, REQUEST authorizer: the whole request, answered with an IAM policy. */
  | { readonly kind: 'request'; readonly handle: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> }
  /** HTTP API (payload 2.0), answered with a simple response. */
  | {
      readonly kind: 'http';
      readonly handle: (
        event: APIGatewayRequestAuthorizerEventV2,
      ) => Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>>;
    }
  /** WebSocket API: `$connect` only, answered with an IAM policy. */
  | { readonly kind: 'websocket'; readonly handle: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> };

/** An IAM-policy answer's context as the backend gets it: API Gateway drops null and undefined values. */
export function policyContext(context: APIGatewayAuthorizerResultContext | null | undefined): AuthorizerContext {
  const kept: AuthorizerContext = {};
  for (const [key, value] of Object.entries(context ?? {})) if (value !== null && value !== undefined) kept[key] = value;
  return kept;
}
