// Matches a request's method and path against the mode's routes; an unmatched request is never authorized.
import type { ConnectRoute, HttpRoute, RouteConfig } from '../config.js';
import { RouteError } from '../errors.js';

export interface RouteMatch<Route extends RouteConfig = RouteConfig> {
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** Where a request goes, as its event says: a WebSocket `$connect`, or a method and path (absent from a malformed event). */
export interface RequestTarget {
  readonly connect?: boolean;
  readonly method?: string;
  readonly path?: string;
}

type Segment = { readonly literal: string } | { readonly parameter: string };

interface CompiledRoute {
  readonly route: HttpRoute;
  readonly segments: readonly Segment[];
}

export class RouteTable {
  private readonly compiled: readonly CompiledRoute[];
  private readonly connect: ConnectRoute | undefined;

  constructor(readonly routes: readonly RouteConfig[]) {
    this.compiled = httpRoutes(routes).map((route) => ({
      route,
      segments: splitPath(route.path).map((segment) => {
        const parameter = /^\{([^}]+)\}$/.exec(segment)?.[1];
        return parameter !== undefined ? { parameter } : { literal: segment };
      }),
    }));
    this.connect = connectRouteOf(routes);
  }

  /** `path` as it arrives on the wire: percent-encoded segments are decoded one by one, never across `/`. */
  match(method: string, path: string): RouteMatch<HttpRoute> | undefined {
    const parts = splitPath(path);
    for (const candidate of this.compiled) {
      if (candidate.route.method !== method.toUpperCase() || candidate.segments.length !== parts.length) continue;
      const parameters: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < parts.length && matched; i++) {
        const segment = candidate.segments[i];
        const part = parts[i] ?? '';
        if (!segment) matched = false;
        else if ('literal' in segment) matched = segment.literal === part;
        else {
          const value = decodeSegment(part);
          if (value === undefined || value === '') matched = false;
          else parameters[segment.parameter] = value;
        }
      }
      if (matched) return { route: candidate.route, pathParameters: parameters };
    }
    return undefined;
  }

  connectRoute(): ConnectRoute | undefined {
    return this.connect;
  }

  /** The route a request's event targets; a RouteError (a Deny) when it names none of the mode's routes. */
  matchTarget(target: RequestTarget): RouteMatch {
    if (target.connect) {
      if (!this.connect) throw new RouteError('this mode has no $connect route');
      return { route: this.connect, pathParameters: {} };
    }
    if (target.method === undefined || target.path === undefined) throw new RouteError('the event has no method or path');
    const match = this.match(target.method, target.path);
    if (!match) throw new RouteError(`no route for ${target.method} ${target.path}`);
    return match;
  }
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
