// Calls a mode's runtime handler factory, the one its generated handler calls, with the event API Gateway would send
// for the routed request, and reads the answer as API Gateway does (local/gateway/handler-invoker.ts).
import type { HandlerShape } from '../../generator/model/build-model.js';
import type { ApiIdentity, IncomingRequest } from '../../local/gateway/authorizer-events.js';
import { createHandlerInvoker, type GatewayVerdict } from '../../local/gateway/handler-invoker.js';
import type { AuthorizerOptions } from '../../runtime/authorizer.js';
import type { ValueMap } from '../../runtime/request/single-value.js';
import type { RoutedRequest } from './route-choice.js';

export type HandlerFactory = HandlerShape['factory'];
export type { GatewayVerdict };

export interface ParityHandler {
  call(routed: RoutedRequest, token: string): Promise<GatewayVerdict>;
}

/** When no case says where a request comes from: an address of TEST-NET-2 (RFC 5737). */
const DEFAULT_SOURCE_IP = '198.51.100.7';

/** Builds the handler once, as the generated authorizer.ts does at module scope; each call sends one event. */
export function createParityHandler(factory: HandlerFactory, options: AuthorizerOptions): ParityHandler {
  const { mode } = options;
  const api: ApiIdentity = { apiId: `parity-${mode.name}`, stage: mode.api.type === 'http' ? '$default' : 'prod' };
  const invoke = createHandlerInvoker(factory, options, api);
  const incoming = (routed: RoutedRequest, token: string): IncomingRequest => ({
    method: routed.input.method ?? 'GET',
    path: routed.input.path ?? '/',
    rawQuery: new URLSearchParams(defined(routed.input.query)).toString(),
    headers: { ...defined(routed.input.headers), [mode.api.tokenHeader]: `Bearer ${token}` },
    sourceIp: routed.input.requestContext?.sourceIp ?? DEFAULT_SOURCE_IP,
  });
  return {
    call: (routed, token) => {
      const requestTimeEpochMs = routed.input.requestContext?.requestTimeEpochMs;
      return invoke({
        request: incoming(routed, token),
        route: routed.route,
        pathParameters: routed.pathParameters,
        ...(requestTimeEpochMs !== undefined ? { requestTimeEpochMs } : {}),
      });
    },
  };
}

/** A case's headers or query values are single strings; the runtime's multi-copy forms never come from a case. */
function defined(record: ValueMap): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).flatMap(([name, value]): [string, string][] => (typeof value === 'string' ? [[name, value]] : [])),
  );
}
