// The values of a request, beyond token, method and path, that a route's decision depends on.
import type { ConnectRoute, ModeConfig, RouteConfig } from '../config.js';

export interface RequestInput {
  readonly in: 'header' | 'query';
  readonly name: string;
}

/**
 * API Gateway caches an authorizer's answer on its identity sources. Every request-derived value the decision reads
 * (context from headers or the query string, a resource id from the query string) must be part of that key, or a
 * cached answer for one value would answer for another. Sorted, so the key and the generated stacks are stable.
 */
export function routeRequestInputs(route: RouteConfig): RequestInput[] {
  const inputs = new Map<string, RequestInput>();
  for (const value of route.context) {
    if (value.source === 'header') inputs.set(`header:${value.key.toLowerCase()}`, { in: 'header', name: value.key });
    if (value.source === 'query') inputs.set(`query:${value.key}`, { in: 'query', name: value.key });
  }
  if (route.resource.queryParameter !== undefined) {
    inputs.set(`query:${route.resource.queryParameter}`, { in: 'query', name: route.resource.queryParameter });
  }
  return [...inputs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, input]) => input);
}

/** Routes grouped by the inputs they add to the cache key: API Gateway needs one authorizer per group. */
export function groupRoutesByRequestInputs(
  mode: ModeConfig,
): { readonly inputs: readonly RequestInput[]; readonly routes: readonly RouteConfig[] }[] {
  const groups = new Map<string, { inputs: RequestInput[]; routes: RouteConfig[] }>();
  for (const route of mode.routes) {
    const inputs = routeRequestInputs(route);
    const key = JSON.stringify(inputs);
    const group = groups.get(key) ?? { inputs, routes: [] };
    group.routes.push(route);
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) => a.inputs.length - b.inputs.length || (JSON.stringify(a.inputs) < JSON.stringify(b.inputs) ? -1 : 1),
  );
}

/**
 * The one identity source of a WebSocket `$connect`. API Gateway answers 401 without calling the authorizer when it
 * is absent, and the token may come in a header or in the query string, so it is the route's query-string resource id
 * when there is one, else the token header. WebSocket authorizers never cache, so this is no cache key.
 */
export function connectIdentityInput(mode: ModeConfig, connect: ConnectRoute): RequestInput {
  return connect.resource.queryParameter !== undefined
    ? { in: 'query', name: connect.resource.queryParameter }
    : { in: 'header', name: mode.api.tokenHeader };
}
