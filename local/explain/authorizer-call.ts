// Calls the mode's runtime handler factory, the one its generated handler calls, with the event API Gateway would send.
import type { HandlerShape } from '../../generator/model/build-model.js';
import type { ModeConfig, PolicyBundle, RouteConfig } from '../../runtime/config.js';
import type { RuntimeDependencies } from '../../runtime/index.js';
import { connectRouteOf, RouteTable } from '../../runtime/routes/route-table.js';
import type { ApiIdentity, IncomingRequest } from '../gateway/authorizer-events.js';
import { createHandlerInvoker, type GatewayVerdict } from '../gateway/handler-invoker.js';
import type { TargetInput } from './args.js';
import { ExplainUsageError } from './errors.js';

/** The route API Gateway picked for the request, before any authorizer runs. */
export interface RoutedRequest {
  readonly route: RouteConfig;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly request: IncomingRequest;
}

export type { GatewayVerdict };

/** The loopback address every explained request comes from, so `request: sourceIp` context reads one fixed value. */
export const EXPLAIN_SOURCE_IP = '127.0.0.1';

/**
 * Routes the request as API Gateway would. A request no route matches never reaches an authorizer (API Gateway
 * answers it alone), so there is nothing to explain: a usage error that lists the routes.
 */
export function routeRequest(
  mode: ModeConfig,
  target: TargetInput,
  headers: readonly (readonly [string, string])[],
  token: string,
): RoutedRequest {
  const allHeaders: Record<string, string> = Object.fromEntries(headers);
  // The token travels in the mode's token header, as a client of this API sends it; it replaces any --header of that name.
  for (const name of Object.keys(allHeaders)) if (name.toLowerCase() === mode.api.tokenHeader.toLowerCase()) delete allHeaders[name];
  allHeaders[mode.api.tokenHeader] = `Bearer ${token}`;
  if (target.kind === 'connect') {
    const route = connectRouteOf(mode.routes);
    if (mode.api.type !== 'websocket' || !route)
      throw new ExplainUsageError(`mode "${mode.name}" is a ${mode.api.type} API with no $connect route; use --method and --path`);
    return {
      route,
      pathParameters: {},
      request: { method: 'GET', path: '/', rawQuery: target.rawQuery, headers: allHeaders, sourceIp: EXPLAIN_SOURCE_IP },
    };
  }
  if (mode.api.type === 'websocket')
    throw new ExplainUsageError(`mode "${mode.name}" is a WebSocket API: explain its $connect with --connect`);
  const match = new RouteTable(mode.routes).match(target.method, target.path);
  if (!match) {
    const routes = mode.routes.map((route) => route.key).join(', ');
    throw new ExplainUsageError(
      `${target.method} ${target.path} matches no route of mode "${mode.name}", so ` +
        `API Gateway would answer without its authorizer; the routes are: ${routes}`,
    );
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
  const api: ApiIdentity = { apiId: `local-${mode.name}`, stage: mode.api.type === 'http' ? '$default' : 'prod' };
  return createHandlerInvoker(handler.factory, { mode, bundle, dependencies }, api)(routed);
}
