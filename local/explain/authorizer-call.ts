// Calls the mode's runtime handler factory, the one its generated handler calls, with the event API Gateway would send.
import { randomUUID } from 'node:crypto';
import type { HandlerShape } from '../../generator/model/build-model.js';
import type { ModeConfig, PolicyBundle, RouteConfig } from '../../runtime/config.js';
import { httpAuthorizer, restRequestAuthorizer, restTokenAuthorizer, UNAUTHORIZED, webSocketAuthorizer, type RuntimeDependencies } from '../../runtime/index.js';
import { routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import { RouteTable } from '../../runtime/routes/route-table.js';
import { headerValue } from '../../runtime/token/extract-token.js';
import {
  httpRequestEvent,
  methodArn,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type IncomingRequest,
} from '../gateway/authorizer-events.js';
import { evaluatePolicy } from '../gateway/iam-policy.js';
import type { TargetInput } from './args.js';
import { ExplainUsageError } from './errors.js';

/** The route API Gateway picked for the request, before any authorizer runs. */
export interface RoutedRequest {
  readonly route: RouteConfig;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly request: IncomingRequest;
}

/** API Gateway's verdict on the handler's answer: what the caller would get. */
export type GatewayVerdict = 'allow' | 'deny' | 'unauthorized';

/** The loopback address every explained request comes from, so `request: sourceIp` context reads one fixed value. */
export const EXPLAIN_SOURCE_IP = '127.0.0.1';

/**
 * Routes the request as API Gateway would. A request no route matches never reaches an authorizer (API Gateway
 * answers it alone), so there is nothing to explain: a usage error that lists the routes.
 */
export function routeRequest(mode: ModeConfig, target: TargetInput, headers: readonly (readonly [string, string])[], token: string): RoutedRequest {
  const allHeaders: Record<string, string> = Object.fromEntries(headers);
  // The token travels in the mode's token header, as a client of this API sends it; it replaces any --header of that name.
  for (const name of Object.keys(allHeaders)) if (name.toLowerCase() === mode.api.tokenHeader.toLowerCase()) delete allHeaders[name];
  allHeaders[mode.api.tokenHeader] = `Bearer ${token}`;
  if (target.kind === 'connect') {
    const route = mode.routes.find((candidate) => candidate.routeKey === '$connect');
    if (mode.api.type !== 'websocket' || !route) throw new ExplainUsageError(`mode "${mode.name}" is a ${mode.api.type} API with no $connect route; use --method and --path`);
    return { route, pathParameters: {}, request: { method: 'GET', path: '/', rawQuery: target.rawQuery, headers: allHeaders, sourceIp: EXPLAIN_SOURCE_IP } };
  }
  if (mode.api.type === 'websocket') throw new ExplainUsageError(`mode "${mode.name}" is a WebSocket API: explain its $connect with --connect`);
  const match = new RouteTable(mode.routes).match(target.method, target.path);
  if (!match) {
    const routes = mode.routes.map((route) => route.key).join(', ');
    throw new ExplainUsageError(`${target.method} ${target.path} matches no route of mode "${mode.name}", so API Gateway would answer without its authorizer; the routes are: ${routes}`);
  }
  return {
    route: match.route,
    pathParameters: match.pathParameters,
    request: { method: target.method, path: target.path, rawQuery: target.rawQuery, headers: allHeaders, sourceIp: EXPLAIN_SOURCE_IP },
  };
}

export interface AuthorizerCallOptions {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly handler: HandlerShape;
  readonly dependencies: RuntimeDependencies;
  readonly routed: RoutedRequest;
}

/** Builds the handler exactly as the generated authorizer.ts does, sends it one event and reads the answer as API Gateway. */
export async function callAuthorizer({ mode, bundle, handler, dependencies, routed }: AuthorizerCallOptions): Promise<GatewayVerdict> {
  const options = { mode, bundle, dependencies };
  const api: ApiIdentity = { apiId: `local-${mode.name}`, stage: mode.api.type === 'http' ? '$default' : 'prod' };
  const { request, route, pathParameters } = routed;
  const token = headerValue(request.headers, mode.api.tokenHeader) ?? '';
  try {
    switch (handler.factory) {
      case 'restTokenAuthorizer': {
        const result = await restTokenAuthorizer(options)(restTokenEvent(api, request, token));
        return evaluatePolicy(result, methodArn(api, request.method, request.path)) === 'allow' ? 'allow' : 'deny';
      }
      case 'restRequestAuthorizer': {
        const result = await restRequestAuthorizer(options)(restRequestEvent(api, request, route.path ?? '', { ...pathParameters }));
        return evaluatePolicy(result, methodArn(api, request.method, request.path)) === 'allow' ? 'allow' : 'deny';
      }
      case 'webSocketAuthorizer': {
        const event = webSocketConnectEvent(api, request, randomUUID());
        const result = await webSocketAuthorizer(options)(event);
        return evaluatePolicy(result, event.methodArn) === 'allow' ? 'allow' : 'deny';
      }
      case 'httpAuthorizer': {
        const inputs = routeRequestInputs(route).map((input) =>
          input.in === 'header' ? (headerValue(request.headers, input.name) ?? '') : (new URLSearchParams(request.rawQuery).get(input.name) ?? ''),
        );
        const identitySource = [token, request.method, request.path, ...inputs];
        const result = await httpAuthorizer(options)(httpRequestEvent(api, request, route.key, { ...pathParameters }, identitySource));
        // A simple response has no 401: the runtime's own decision record tells a refused token from a deny.
        return result.isAuthorized ? 'allow' : 'deny';
      }
    }
  } catch (error) {
    if (error instanceof Error && error.message === UNAUTHORIZED) return 'unauthorized';
    throw error;
  }
}
