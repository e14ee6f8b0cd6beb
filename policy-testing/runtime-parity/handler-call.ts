// Calls a mode's runtime handler factory, the one its generated handler calls, with the event API Gateway would send
// for the routed request, and reads the answer as API Gateway does.
import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { HandlerShape } from '../../generator/model/build-model.js';
import {
  httpRequestEvent,
  methodArn,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type IncomingRequest,
} from '../../local/gateway/authorizer-events.js';
import { evaluatePolicy } from '../../local/gateway/iam-policy.js';
import type { AuthorizerOptions } from '../../runtime/authorizer.js';
import { httpAuthorizer, restRequestAuthorizer, restTokenAuthorizer, UNAUTHORIZED, webSocketAuthorizer } from '../../runtime/handlers.js';
import { routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import type { RoutedRequest } from './route-choice.js';

export type HandlerFactory = HandlerShape['factory'];

/** What the caller gets from API Gateway: through, refused (403) or unauthenticated (401). */
export type GatewayVerdict = 'allow' | 'deny' | 'unauthorized';

export interface ParityHandler {
  call(routed: RoutedRequest, token: string): Promise<GatewayVerdict>;
}

/** When no case says where a request comes from: an address of TEST-NET-2 (RFC 5737). */
const DEFAULT_SOURCE_IP = '198.51.100.7';

/** Builds the handler once, as the generated authorizer.ts does at module scope; each call sends one event. */
export function createParityHandler(factory: HandlerFactory, options: AuthorizerOptions): ParityHandler {
  const { mode } = options;
  const api: ApiIdentity = { apiId: `parity-${mode.name}`, stage: mode.api.type === 'http' ? '$default' : 'prod' };
  const incoming = (routed: RoutedRequest, token: string): IncomingRequest => ({
    method: routed.input.method ?? 'GET',
    path: routed.input.path ?? '/',
    rawQuery: new URLSearchParams(defined(routed.input.query)).toString(),
    headers: { ...defined(routed.input.headers), [mode.api.tokenHeader]: `Bearer ${token}` },
    sourceIp: routed.input.requestContext?.sourceIp ?? DEFAULT_SOURCE_IP,
  });
  const requestTime = (routed: RoutedRequest): number | undefined => routed.input.requestContext?.requestTimeEpochMs;

  switch (factory) {
    case 'restRequestAuthorizer': {
      const handler = restRequestAuthorizer(options);
      return {
        call: (routed, token) =>
          gateway(async () => {
            const request = incoming(routed, token);
            const event = restRequestEvent(api, request, routed.route.path ?? '', { ...routed.pathParameters });
            const result = await handler(atTime(event, requestTime(routed)));
            return evaluatePolicy(result, event.methodArn) === 'allow' ? 'allow' : 'deny';
          }),
      };
    }
    case 'restTokenAuthorizer': {
      const handler = restTokenAuthorizer(options);
      return {
        call: (routed, token) =>
          gateway(async () => {
            const request = incoming(routed, token);
            const result = await handler(restTokenEvent(api, request, `Bearer ${token}`));
            return evaluatePolicy(result, methodArn(api, request.method, request.path)) === 'allow' ? 'allow' : 'deny';
          }),
      };
    }
    case 'webSocketAuthorizer': {
      const handler = webSocketAuthorizer(options);
      return {
        call: (routed, token) =>
          gateway(async () => {
            const event = webSocketConnectEvent(api, incoming(routed, token), randomUUID());
            const result = await handler(atTime(event, requestTime(routed)));
            return evaluatePolicy(result, event.methodArn) === 'allow' ? 'allow' : 'deny';
          }),
      };
    }
    case 'httpAuthorizer': {
      const handler = httpAuthorizer(options);
      return {
        call: (routed, token) =>
          gateway(async () => {
            const request = incoming(routed, token);
            const query = new URLSearchParams(request.rawQuery);
            // API Gateway calls the authorizer only when every identity source is present, in this order.
            const inputs = routeRequestInputs(routed.route).map((input) =>
              input.in === 'header' ? (routed.input.headers[input.name] ?? '') : (query.get(input.name) ?? ''),
            );
            const event = httpRequestEvent(api, request, routed.route.key, { ...routed.pathParameters }, [`Bearer ${token}`, request.method, request.path, ...inputs]);
            const result = await handler(atHttpTime(event, requestTime(routed)));
            // A simple response has no 401; the decision record tells a refused token apart.
            return result.isAuthorized ? 'allow' : 'deny';
          }),
      };
    }
  }
}

function defined(record: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).flatMap(([name, value]): [string, string][] => (value !== undefined ? [[name, value]] : [])));
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

/** API Gateway stamps the time it received the request; a case that reads it says which time that was. */
function atTime(event: APIGatewayRequestAuthorizerEvent, epochMs: number | undefined): APIGatewayRequestAuthorizerEvent {
  return epochMs === undefined ? event : { ...event, requestContext: { ...event.requestContext, requestTimeEpoch: epochMs } };
}

function atHttpTime(event: APIGatewayRequestAuthorizerEventV2, epochMs: number | undefined): APIGatewayRequestAuthorizerEventV2 {
  return epochMs === undefined ? event : { ...event, requestContext: { ...event.requestContext, time: new Date(epochMs).toISOString(), timeEpoch: epochMs } };
}
