// Drives a mode's runtime handler factory (the one its generated handler calls) as API Gateway does: the event its API
// type sends for a routed request, and the verdict API Gateway reads from the answer. explain and runtime parity use it.
import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { HandlerShape } from '../../generator/model/build-model.js';
import type { AuthorizerOptions } from '../../runtime/authorizer.js';
import type { RouteConfig } from '../../runtime/config.js';
import { httpAuthorizer, restRequestAuthorizer, restTokenAuthorizer, UNAUTHORIZED, webSocketAuthorizer } from '../../runtime/handlers.js';
import { routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import { headerValue } from '../../runtime/token/extract-token.js';
import {
  httpRequestEvent,
  methodArn,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type IncomingRequest,
} from './authorizer-events.js';
import { evaluatePolicy } from './iam-policy.js';

/** What the caller gets from API Gateway: through, refused (403) or unauthenticated (401). */
export type GatewayVerdict = 'allow' | 'deny' | 'unauthorized';

/** A request API Gateway has already routed, as it reaches the authorizer. */
export interface GatewayCall {
  readonly request: IncomingRequest;
  readonly route: RouteConfig;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** When API Gateway received it, in epoch ms; the event's own clock when absent. */
  readonly requestTimeEpochMs?: number;
}

export type HandlerInvoker = (call: GatewayCall) => Promise<GatewayVerdict>;

/**
 * Builds the handler once, as the generated authorizer.ts does at module scope; each call sends one event. A simple
 * response (HTTP API) has no 401, so there `unauthorized` shows as `deny`: the runtime's decision record tells them apart.
 */
export function createHandlerInvoker(factory: HandlerShape['factory'], options: AuthorizerOptions, api: ApiIdentity): HandlerInvoker {
  const { tokenHeader } = options.mode.api;
  const tokenOf = (request: IncomingRequest): string => headerValue(request.headers, tokenHeader) ?? '';
  switch (factory) {
    case 'restTokenAuthorizer': {
      const handler = restTokenAuthorizer(options);
      return ({ request }) =>
        gateway(async () => {
          const result = await handler(restTokenEvent(api, request, tokenOf(request)));
          return evaluatePolicy(result, methodArn(api, request.method, request.path)) === 'allow' ? 'allow' : 'deny';
        });
    }
    case 'restRequestAuthorizer': {
      const handler = restRequestAuthorizer(options);
      return ({ request, route, pathParameters, requestTimeEpochMs }) =>
        gateway(async () => {
          // A REST API has only HTTP routes (validation refuses `$connect` there); the event names the route as API Gateway does.
          const event = restRequestEvent(api, request, route.kind === 'http' ? route.path : route.routeKey, { ...pathParameters });
          const result = await handler(atTime(event, requestTimeEpochMs));
          return evaluatePolicy(result, event.methodArn) === 'allow' ? 'allow' : 'deny';
        });
    }
    case 'webSocketAuthorizer': {
      const handler = webSocketAuthorizer(options);
      return ({ request, requestTimeEpochMs }) =>
        gateway(async () => {
          const event = webSocketConnectEvent(api, request, randomUUID());
          const result = await handler(atTime(event, requestTimeEpochMs));
          return evaluatePolicy(result, event.methodArn) === 'allow' ? 'allow' : 'deny';
        });
    }
    case 'httpAuthorizer': {
      const handler = httpAuthorizer(options);
      return ({ request, route, pathParameters, requestTimeEpochMs }) =>
        gateway(async () => {
          const query = new URLSearchParams(request.rawQuery);
          // API Gateway calls the authorizer only when every identity source is present, in this order.
          const inputs = routeRequestInputs(route).map((input) =>
            input.in === 'header' ? (headerValue(request.headers, input.name) ?? '') : (query.get(input.name) ?? ''),
          );
          const event = httpRequestEvent(api, request, route.key, { ...pathParameters }, [
            tokenOf(request),
            request.method,
            request.path,
            ...inputs,
          ]);
          const result = await handler(atHttpTime(event, requestTimeEpochMs));
          return result.isAuthorized ? 'allow' : 'deny';
        });
    }
  }
}

async function gateway(call: () => Promise<GatewayVerdict>): Promise<GatewayVerdict> {
  try {
    return await call();
  } catch (error) {
    // The handler's way of asking API Gateway for a 401.
    if (error instanceof Error && error.message === UNAUTHORIZED) return 'unauthorized';
    throw error;
  }
}

/** API Gateway stamps the time it received the request; a caller that reads it may say which time that was. */
function atTime(event: APIGatewayRequestAuthorizerEvent, epochMs: number | undefined): APIGatewayRequestAuthorizerEvent {
  return epochMs === undefined ? event : { ...event, requestContext: { ...event.requestContext, requestTimeEpoch: epochMs } };
}

function atHttpTime(event: APIGatewayRequestAuthorizerEventV2, epochMs: number | undefined): APIGatewayRequestAuthorizerEventV2 {
  return epochMs === undefined
    ? event
    : { ...event, requestContext: { ...event.requestContext, time: new Date(epochMs).toISOString(), timeEpoch: epochMs } };
}
