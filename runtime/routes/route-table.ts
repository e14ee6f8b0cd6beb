// Matches a request's method and path against the mode's routes; an unmatched request is never authorized.
import type { ConnectRoute, HttpRoute, RouteConfig } from '../config.js';
import { assertRouteIdentity, type RouteIdentity } from '../decisions/route-identity.js';
import { RouteError } from '../errors.js';

export interface RouteMatch<Route extends RouteConfig = RouteConfig> {
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/**
 * Where a request goes, as its event says: a WebSocket `$connect`, or a method and path (absent from a malformed event),
 * and the route API Gateway itself chose, where the event names it.
 */
export interface RequestTarget {
  readonly connect?: boolean;
  readonly method?: string;
  readonly path?: string;
  readonly routeIdentity?: RouteIdentity;
}

/**
 * How a path template segment matches: a literal only itself, a `{parameter}` any one non-empty segment, a greedy
 * `{name+}` (last only) one or more segments. The rank is API Gateway's precedence: a lower rank wins.
 */
type Segment =
  | { readonly kind: 'literal'; readonly literal: string }
  | { readonly kind: 'parameter'; readonly parameter: string }
  | { readonly kind: 'greedy'; readonly parameter: string };

const SEGMENT_RANK: Readonly<Record<Segment['kind'], number>> = { literal: 0, parameter: 1, greedy: 2 };

/** `ANY` matches every method, but a route with the request's own method on the same resource wins over it. */
export const ANY_METHOD = 'ANY';

interface CompiledRoute {
  readonly route: HttpRoute;
  readonly segments: readonly Segment[];
}

export class RouteTable {
  /** In API Gateway's order of precedence, so the first route that matches a request is the one API Gateway picks. */
  private readonly compiled: readonly CompiledRoute[];
  private readonly byKey: ReadonlyMap<string, CompiledRoute>;
  private readonly connect: ConnectRoute | undefined;

  constructor(readonly routes: readonly RouteConfig[]) {
    this.compiled = httpRoutes(routes)
      .map((route) => ({ route, segments: compileTemplate(route.path) }))
      .sort(byPrecedence);
    this.byKey = new Map(this.compiled.map((compiled) => [routeKeyOf(compiled.route), compiled]));
    this.connect = connectRouteOf(routes);
  }

  /**
   * The route API Gateway would pick for this method and path, independent of the order the routes are listed in
   * (see `byPrecedence`). `path` as it arrives on the wire: percent-encoded segments are decoded one by one, never
   * across `/`.
   */
  match(method: string, path: string): RouteMatch<HttpRoute> | undefined {
    const parts = splitPath(path);
    const upper = method.toUpperCase();
    for (const candidate of this.compiled) {
      if (candidate.route.method !== upper && candidate.route.method !== ANY_METHOD) continue;
      const pathParameters = matchSegments(candidate.segments, parts);
      if (pathParameters) return { route: candidate.route, pathParameters };
    }
    return undefined;
  }

  /**
   * The route an HTTP API event names by its `routeKey` (`GET /tenants/{id}`), with the `pathParameters` API Gateway
   * extracted. No path is read, so a stage or a custom domain's API mapping key in `rawPath` changes nothing.
   */
  matchRouteKey(routeKey: string, pathParameters: Readonly<Record<string, string>>): RouteMatch<HttpRoute> {
    const compiled = this.byKey.get(routeKey);
    if (!compiled) throw new RouteError(`no route for ${routeKey}`);
    const parameters: Record<string, string> = {};
    for (const segment of compiled.segments) {
      if (segment.kind === 'literal') continue;
      const value = Object.hasOwn(pathParameters, segment.parameter) ? pathParameters[segment.parameter] : undefined;
      if (typeof value !== 'string' || value === '') throw new RouteError(`the event has no path parameter ${segment.parameter}`);
      parameters[segment.parameter] = value;
    }
    return { route: compiled.route, pathParameters: parameters };
  }

  connectRoute(): ConnectRoute | undefined {
    return this.connect;
  }

  /**
   * The route a request's event targets; a RouteError (a Deny) when it names none of the mode's routes, and a
   * RouteMismatchError (a Deny) when the route matched from its method and path is not the one the event names.
   */
  matchTarget(target: RequestTarget): RouteMatch {
    if (target.connect) {
      if (!this.connect) throw new RouteError('this mode has no $connect route');
      return { route: this.connect, pathParameters: {} };
    }
    const identity = target.routeIdentity;
    if (identity?.kind === 'route-key') return this.matchRouteKey(identity.routeKey, identity.pathParameters);
    if (target.method === undefined || target.path === undefined) throw new RouteError('the event has no method or path');
    const match = this.match(target.method, target.path);
    if (!match) throw new RouteError(`no route for ${target.method} ${target.path}`);
    if (identity) assertRouteIdentity(match.route, identity);
    return match;
  }
}

/** `METHOD /path/{template}`: the form of an HTTP API's `routeKey` and of a route's `key`. */
function routeKeyOf(route: HttpRoute): string {
  return `${route.method} ${route.path}`;
}

/** A path template's segments; a greedy `{name+}` is recognised only as the last one, as API Gateway requires. */
function compileTemplate(path: string): Segment[] {
  const parts = splitPath(path);
  return parts.map((part, index) => {
    const greedy = /^\{([^}]+)\+\}$/.exec(part)?.[1];
    if (greedy !== undefined && index === parts.length - 1) return { kind: 'greedy', parameter: greedy };
    const parameter = /^\{([^}+]+)\}$/.exec(part)?.[1];
    return parameter !== undefined ? { kind: 'parameter', parameter } : { kind: 'literal', literal: part };
  });
}

/**
 * API Gateway's route precedence ("Create routes for HTTP APIs", Routing API requests,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html; REST "Set up a proxy
 * integration with a proxy resource", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html):
 * compared segment by segment, a literal wins over a `{parameter}`, which wins over a greedy `{proxy+}`; on the same
 * path template a route with an exact method wins over `ANY`. Routes that can never match the same request keep
 * whatever order; ties that can (duplicates) are validation errors, and keep YAML order.
 */
function byPrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (!left || !right) break;
    const rank = SEGMENT_RANK[left.kind] - SEGMENT_RANK[right.kind];
    if (rank !== 0) return rank;
  }
  if (a.segments.length !== b.segments.length) return a.segments.length - b.segments.length;
  return Number(a.route.method === ANY_METHOD) - Number(b.route.method === ANY_METHOD);
}

/** A route as validation sees it: its method and path template. */
export interface RouteTemplate {
  readonly method: string;
  readonly path: string;
}

/**
 * Whether some request can match both templates, and if so which one API Gateway picks (`first` is `a`). Templates
 * that differ only in parameter names, on one method, are duplicates, not overlaps: this answers undefined for them.
 */
export function routeOverlap(a: RouteTemplate, b: RouteTemplate): 'first' | 'second' | undefined {
  const methodsMeet = a.method === b.method || a.method === ANY_METHOD || b.method === ANY_METHOD;
  if (!methodsMeet) return undefined;
  const left = compileTemplate(a.path);
  const right = compileTemplate(b.path);
  if (!templatesMeet(left, right)) return undefined;
  const sameShape = left.length === right.length && left.every((segment, i) => sameSegment(segment, right[i]));
  if (sameShape && a.method === b.method) return undefined;
  const order = byPrecedence({ route: asRoute(a), segments: left }, { route: asRoute(b), segments: right });
  return order <= 0 ? 'first' : 'second';
}

function asRoute(template: RouteTemplate): HttpRoute {
  return { kind: 'http', key: `${template.method} ${template.path}`, ...template, action: '', resource: { type: '' }, context: [] };
}

function sameSegment(a: Segment, b: Segment | undefined): boolean {
  if (!b || a.kind !== b.kind) return false;
  return a.kind !== 'literal' || (b.kind === 'literal' && a.literal === b.literal);
}

/** Whether one concrete path fits both templates: literals agree wherever both have one, and the lengths can meet. */
function templatesMeet(a: readonly Segment[], b: readonly Segment[]): boolean {
  const greedyA = a[a.length - 1]?.kind === 'greedy';
  const greedyB = b[b.length - 1]?.kind === 'greedy';
  if (!greedyA && !greedyB && a.length !== b.length) return false;
  if (greedyA && !greedyB && b.length < a.length) return false;
  if (greedyB && !greedyA && a.length < b.length) return false;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const left = a[i];
    const right = b[i];
    if (left?.kind === 'literal' && right?.kind === 'literal' && left.literal !== right.literal) return false;
  }
  return true;
}

/** The path parameters when `parts` fit the template, else undefined. */
function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const last = segments[segments.length - 1];
  const greedy = last?.kind === 'greedy';
  if (greedy ? parts.length < segments.length : parts.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (!segment) return undefined;
    if (segment.kind === 'literal') {
      if (segment.literal !== parts[i]) return undefined;
      continue;
    }
    // A greedy parameter takes every remaining segment, each decoded on its own and none empty.
    const taken = segment.kind === 'greedy' ? parts.slice(i) : [parts[i] ?? ''];
    const decoded = taken.map(decodeSegment);
    if (decoded.some((value) => value === undefined || value === '')) return undefined;
    parameters[segment.parameter] = decoded.join('/');
  }
  return parameters;
}

/** A REST or HTTP API mode's routes, all of them (validation allows no other kind there). */
export function httpRoutes(routes: readonly RouteConfig[]): HttpRoute[] {
  return routes.filter((route): route is HttpRoute => route.kind === 'http');
}

/** A WebSocket mode's `$connect` route. */
export function connectRouteOf(routes: readonly RouteConfig[]): ConnectRoute | undefined {
  return routes.find((route): route is ConnectRoute => route.kind === 'connect');
}

function splitPath(path: string): string[] {
  // A leading slash is expected; empty segments (`//`, a trailing `/`) stay and so fail to match.
  return path.replace(/^\//, '').split('/');
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** `arn:aws:execute-api:region:account:api/stage/METHOD/path/parts` → method and `/path/parts`. */
export function parseMethodArn(methodArn: string): { method: string; path: string; base: string } | undefined {
  const match = /^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/]+\/[^/]+)\/([A-Z*]+)\/(.*)$/.exec(methodArn);
  if (!match?.[1] || !match[2] || match[3] === undefined) return undefined;
  return { base: match[1], method: match[2], path: `/${match[3]}` };
}
