// The route identity check: the route the authorizer decides on must be the route API Gateway routed the request to.
import type { HttpRoute } from '../config.js';
import { AuthorizerError } from '../errors.js';

/**
 * The route API Gateway routed a request to, as its event names it:
 * - `resource`: a REST REQUEST event's `resource` (the path template, `/accounts/{id}`) and `httpMethod`;
 * - `route-key`: an HTTP API payload 2.0 event's `routeKey` (`GET /accounts/{id}`) and the `pathParameters` API Gateway
 *   extracted, which carry neither the stage nor a custom domain's API mapping key.
 */
export type RouteIdentity =
  | { readonly kind: 'resource'; readonly resource: string; readonly httpMethod: string }
  | { readonly kind: 'route-key'; readonly routeKey: string; readonly pathParameters: Readonly<Record<string, string>> };

/**
 * The event names a route (REST `resource` + `httpMethod`) other than the one matched from its method and path: the
 * authorizer would decide for a route API Gateway did not send the request to, so it denies.
 */
export class RouteMismatchError extends AuthorizerError {
  override readonly name = 'RouteMismatchError';
  readonly outcome = 'deny';
  readonly kind = 'route-mismatch';
}

/**
 * Throws RouteMismatchError unless `route` is the route the event says API Gateway chose. An `ANY` route is chosen
 * for any `httpMethod`; its `resource` must still be the route's path template.
 */
export function assertRouteIdentity(route: HttpRoute, identity: RouteIdentity): void {
  const eventRoute = identity.kind === 'route-key' ? identity.routeKey : `${identity.httpMethod} ${identity.resource}`;
  const samePath = identity.kind === 'route-key' ? eventRoute === route.key : identity.resource === route.path;
  const sameMethod = identity.kind === 'route-key' || route.method === 'ANY' || identity.httpMethod === route.method;
  if (!samePath || !sameMethod) {
    throw new RouteMismatchError(`route-mismatch: the event was routed to ${eventRoute}, but its method and path match ${route.key}`);
  }
}
