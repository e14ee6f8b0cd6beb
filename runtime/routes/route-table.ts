// Matches a request's method and path against the mode's routes; an unmatched request is never authorized.
import type { RouteConfig } from '../config.js';

export interface RouteMatch {
  readonly route: RouteConfig;
  readonly pathParameters: Readonly<Record<string, string>>;
}

type Segment = { readonly literal: string } | { readonly parameter: string };

interface CompiledRoute {
  readonly route: RouteConfig;
  readonly method: string;
  readonly segments: readonly Segment[];
}

export class RouteTable {
  private readonly compiled: readonly CompiledRoute[];

  constructor(readonly routes: readonly RouteConfig[]) {
    this.compiled = routes
      .filter((route) => route.method !== undefined && route.path !== undefined)
      .map((route) => ({
        route,
        method: route.method ?? '',
        segments: splitPath(route.path ?? '').map((segment) => {
          const parameter = /^\{([^}]+)\}$/.exec(segment)?.[1];
          return parameter !== undefined ? { parameter } : { literal: segment };
        }),
      }));
  }

  /** `path` as it arrives on the wire: percent-encoded segments are decoded one by one, never across `/`. */
  match(method: string, path: string): RouteMatch | undefined {
    const parts = splitPath(path);
    for (const candidate of this.compiled) {
      if (candidate.method !== method.toUpperCase() || candidate.segments.length !== parts.length) continue;
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

  connectRoute(): RouteConfig | undefined {
    return this.routes.find((route) => route.routeKey === '$connect');
  }
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
