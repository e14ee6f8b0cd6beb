// The API Gateway side of the event-boundary fuzzer: which route a request reaches (written here from AWS's documented
// precedence, not taken from the runtime), and the authorizer event each API type sends for it, noise included.
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import {
  httpRequestEvent,
  restRequestEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type WireRequest,
} from '../../../local/gateway/authorizer-events.js';
import type { FuzzRequest, TokenCase, TokenCopy } from './fuzz-requests.js';

/** A route as API Gateway holds it: a method (or `ANY`) on a path template. */
export interface GatewayRoute {
  readonly method: string;
  readonly path: string;
}

export interface RoutedRequest {
  readonly route: GatewayRoute;
  /** Decoded, as API Gateway hands them to the authorizer. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

type TemplateSegment = { readonly literal: string } | { readonly parameter: string; readonly greedy: boolean };

function templateSegments(path: string): TemplateSegment[] {
  const parts = path.replace(/^\//, '').split('/');
  return parts.map((part, i) => {
    const name = /^\{(.+?)(\+)?\}$/.exec(part);
    if (!name?.[1]) return { literal: part };
    return { parameter: name[1], greedy: name[2] === '+' && i === parts.length - 1 };
  });
}

function decoded(segment: string): string | undefined {
  try {
    const value = decodeURIComponent(segment);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

function fitTemplate(template: readonly TemplateSegment[], segments: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    if ('literal' in part) {
      if (segments[i] !== part.literal) return undefined;
      continue;
    }
    const taken = part.greedy ? segments.slice(i) : segments.slice(i, i + 1);
    const values = taken.map(decoded);
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    parameters[part.parameter] = values.join('/');
    if (part.greedy) return parameters;
  }
  return template.length === segments.length ? parameters : undefined;
}

/** 0 for a literal, 1 for a `{parameter}`, 2 for a greedy `{proxy+}`: the lower, the more specific. */
function specificity(template: readonly TemplateSegment[]): number[] {
  return template.map((part) => ('literal' in part ? 0 : part.greedy ? 2 : 1));
}

/**
 * The route API Gateway sends a request to, or undefined when it would answer 404/403 without calling the authorizer.
 * "Routing API requests" (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
 * the most specific match wins, segment by segment a literal before a `{parameter}`, a greedy `{proxy+}` last, and a
 * route with the request's own method before `ANY`. REST resources follow the same order ("Set up a proxy integration
 * with a proxy resource", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html).
 * The fuzzed REST and HTTP modes carry `ANY` and `{proxy+}` routes (tests/runtime/event-boundary.property.test.ts); a
 * greedy parameter takes one or more segments, each decoded, joined with `/`, so `/files/` itself has no route.
 */
export function gatewayRoute(routes: readonly GatewayRoute[], method: string, segments: readonly string[]): RoutedRequest | undefined {
  const candidates = routes.flatMap((route) => {
    if (route.method !== method && route.method !== 'ANY') return [];
    const template = templateSegments(route.path);
    const pathParameters = fitTemplate(template, segments);
    return pathParameters ? [{ route, pathParameters, rank: specificity(template) }] : [];
  });
  candidates.sort((a, b) => {
    for (let i = 0; i < Math.min(a.rank.length, b.rank.length); i++) {
      const d = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
      if (d !== 0) return d;
    }
    return b.rank.length - a.rank.length || Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY');
  });
  const [best] = candidates;
  return best && { route: best.route, pathParameters: best.pathParameters };
}

/** A header line or query pair as the client sent it; token ones remember which token they carry. */
export interface WireLine {
  readonly name: string;
  readonly value: string;
  readonly token?: TokenCopy;
}

export type TokenText = (token: TokenCase) => string;

export const HOST = 'api-id.execute-api.eu-west-1.amazonaws.com';
const CUSTOM_DOMAIN = 'api.example.com';

/** Every header line in order: Host, then the token copies, then the others. */
export function headerLinesOf(request: FuzzRequest, text: TokenText): WireLine[] {
  const tokens = request.tokens
    .filter((c) => c.in === 'header')
    .map((c) => ({ name: c.name, value: `${c.spelling}${text(c.token)}`, token: c }));
  return [
    { name: 'Host', value: request.entry.kind === 'mapping' ? CUSTOM_DOMAIN : HOST },
    ...tokens,
    ...request.headerLines.map(([name, value]) => ({ name, value })),
  ];
}

export function queryPairsOf(request: FuzzRequest, text: TokenText): WireLine[] {
  const tokens = request.tokens
    .filter((c) => c.in === 'query')
    .map((c) => ({ name: c.name, value: `${c.spelling}${text(c.token)}`, token: c }));
  return [...request.queryPairs.map(([name, value]) => ({ name, value })), ...tokens];
}

export function pathOf(request: FuzzRequest): string {
  return `/${request.segments.join('/')}`;
}

function wire(request: FuzzRequest, text: TokenText): WireRequest {
  return {
    method: request.method,
    path: pathOf(request),
    rawQuery: new URLSearchParams(queryPairsOf(request, text).map((p): [string, string] => [p.name, p.value])).toString(),
    headerLines: headerLinesOf(request, text).map((l) => [l.name, l.value] as const),
    sourceIp: '198.51.100.7',
  };
}

/** REST-style maps keyed under each spelling the client used (the `split` layout). */
function splitHeaderMaps(lines: readonly WireLine[]) {
  // No prototype: the fuzzer sends names like `toString` and `__proto__`.
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (const { name, value } of lines) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

const UNKNOWN_FIELDS = { fuzzUnknown: { nested: [1, null, 'x'] }, version: '1.0', enhancedAuthContext: null };

/**
 * The map with own keys named like Object.prototype members, as a Lambda event parsed from JSON can have them: each
 * name once in the single-value form, and in the multi-value form `valueOf` with no copy at all.
 */
function withPrototypeKeys<T>(map: T, multi: boolean): T {
  if (map === null || typeof map !== 'object') return map;
  const extra = multi
    ? '"__proto__":["p"],"toString":["t"],"constructor":["c"],"valueOf":[]'
    : '"__proto__":"p","toString":"t","constructor":"c"';
  const own = JSON.stringify(map).slice(1, -1);
  return JSON.parse(`{${extra}${own ? `,${own}` : ''}}`) as T;
}

function arnOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export interface BuiltEvent {
  readonly event: unknown;
  /** The ARN an IAM policy answer must name (REST and WebSocket). */
  readonly methodArn: string;
}

export function restEvent(request: FuzzRequest, routes: readonly GatewayRoute[], text: TokenText): BuiltEvent {
  const api: ApiIdentity = { apiId: 'api-id', stage: 'prod' };
  const routed = gatewayRoute(routes, request.method, request.segments);
  // `resource` is the template (`/files/{proxy+}`), `pathParameters.proxy` the rest of the path, and `httpMethod` and
  // the methodArn carry the request's own verb, also through an `ANY` method ("Input to an API Gateway Lambda
  // authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html;
  // "Set up a proxy integration with a proxy resource",
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html).
  // Unrouted: API Gateway would not call the authorizer; the event names the raw path, as a forged one would.
  const resource = routed?.route.path ?? pathOf(request);
  const base = restRequestEvent(api, wire(request, text), resource, { ...(routed?.pathParameters ?? {}) });
  const lines = headerLinesOf(request, text);
  const mapped = request.entry.kind === 'mapping' ? `/${request.entry.key}${pathOf(request)}` : undefined;
  const shaped: APIGatewayRequestAuthorizerEvent = {
    ...base,
    ...(request.layout === 'split' ? splitHeaderMaps(lines) : {}),
    // Behind a custom domain's base path mapping, `path` keeps the mapping key; the methodArn never has it.
    ...(mapped ? { path: mapped, requestContext: { ...base.requestContext, path: mapped } } : {}),
  };
  const other = routes.find((r) => r.path !== resource) ?? { path: '/elsewhere', method: 'GET' };
  // From here on the event may leave aws-lambda's type (null maps, missing fields), as a hostile or garbled one does.
  let event: Record<string, unknown> = { ...shaped };
  switch (request.mutation) {
    case 'extra-fields':
      event = { ...event, ...UNKNOWN_FIELDS, requestContext: { ...shaped.requestContext, ...UNKNOWN_FIELDS } };
      break;
    case 'prototype-keys':
      event = {
        ...event,
        headers: withPrototypeKeys(shaped.headers, false),
        multiValueHeaders: withPrototypeKeys(shaped.multiValueHeaders, true),
        queryStringParameters: withPrototypeKeys(shaped.queryStringParameters ?? {}, false),
        multiValueQueryStringParameters: withPrototypeKeys(shaped.multiValueQueryStringParameters ?? {}, true),
      };
      break;
    case 'multi-value-null':
      event = { ...event, multiValueHeaders: null, multiValueQueryStringParameters: null };
      break;
    case 'headers-null':
      event = { ...event, headers: null, multiValueHeaders: null };
      break;
    case 'single-headers-null':
      event = { ...event, headers: null };
      break;
    case 'maps-disagree': {
      // The single-value map names another token than the multi-value map: a copy API Gateway never made.
      const headers = Object.fromEntries(
        Object.entries(shaped.headers ?? {}).map(([name, value]) => [name, name.toLowerCase() === 'authorization' ? `${value}x` : value]),
      );
      event = { ...event, headers };
      break;
    }
    case 'route-identity-dropped': {
      const { resource: _resource, httpMethod: _method, ...rest } = shaped;
      event = { ...rest };
      break;
    }
    case 'resource-swapped':
      event = { ...event, resource: other.path };
      break;
    case 'method-arn-garbled':
      event = { ...event, methodArn: `arn:aws:execute-api:eu-west-1:123456789012:api-id/prod/${request.method}` };
      break;
  }
  return { event, methodArn: arnOf(event['methodArn']) };
}

export function httpEvent(request: FuzzRequest, routes: readonly GatewayRoute[], text: TokenText): BuiltEvent {
  const api: ApiIdentity = { apiId: 'api-id', stage: '$default' };
  const routed = gatewayRoute(routes, request.method, request.segments);
  // The route's own key, so `ANY /tenants/{tenantId}/files/{proxy+}` whatever the method ("Working with routes for HTTP
  // APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
  const routeKey = routed ? `${routed.route.method} ${routed.route.path}` : '$default';
  const authorization = headerLinesOf(request, text)
    .filter((l) => l.token)
    .map((l) => l.value);
  const base = httpRequestEvent(
    api,
    wire(request, text),
    routeKey,
    { ...(routed?.pathParameters ?? {}) },
    authorization.length > 0 ? [authorization.join(',')] : [],
  );
  const { entry } = request;
  const prefix = entry.kind === 'stage' ? `/${entry.stage}` : entry.kind === 'mapping' ? `/${entry.key}` : '';
  const rawPath = `${prefix}${pathOf(request)}`;
  const domainName = entry.kind === 'mapping' ? CUSTOM_DOMAIN : HOST;
  const shaped: APIGatewayRequestAuthorizerEventV2 = {
    ...base,
    rawPath,
    requestContext: {
      ...base.requestContext,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? '',
      stage: entry.kind === 'default-stage' ? '$default' : 'prod',
      http: { ...base.requestContext.http, path: rawPath },
    },
  };
  let event: Record<string, unknown> = { ...shaped };
  switch (request.mutation) {
    case 'extra-fields':
      event = { ...event, ...UNKNOWN_FIELDS, version: '2.0', requestContext: { ...shaped.requestContext, ...UNKNOWN_FIELDS } };
      break;
    case 'prototype-keys':
      event = {
        ...event,
        headers: withPrototypeKeys(shaped.headers, false),
        queryStringParameters: withPrototypeKeys(shaped.queryStringParameters ?? {}, false),
        pathParameters: withPrototypeKeys(shaped.pathParameters ?? {}, false),
      };
      break;
    case 'headers-null':
      event = { ...event, headers: null, identitySource: [] };
      break;
    case 'route-key-undeclared':
      event = { ...event, routeKey: '$default', requestContext: { ...shaped.requestContext, routeKey: '$default' } };
      break;
    case 'route-keys-disagree':
      event = { ...event, requestContext: { ...shaped.requestContext, routeKey: `${request.method} /elsewhere/{id}` } };
      break;
    case 'path-parameters-null':
      event = { ...event, pathParameters: null };
      break;
  }
  return { event, methodArn: arnOf(event['routeArn']) };
}

export function connectEvent(request: FuzzRequest, text: TokenText): BuiltEvent {
  const api: ApiIdentity = { apiId: 'api-id', stage: 'prod' };
  const base = webSocketConnectEvent(api, wire(request, text), 'Abc123=');
  const shaped: APIGatewayRequestAuthorizerEvent = {
    ...base,
    ...(request.layout === 'split' ? splitHeaderMaps(headerLinesOf(request, text)) : {}),
  };
  let event: Record<string, unknown> = { ...shaped };
  switch (request.mutation) {
    case 'extra-fields':
      event = { ...event, ...UNKNOWN_FIELDS, requestContext: { ...shaped.requestContext, ...UNKNOWN_FIELDS } };
      break;
    case 'headers-null':
      event = { ...event, headers: null, multiValueHeaders: null };
      break;
    case 'query-null':
      event = { ...event, queryStringParameters: null, multiValueQueryStringParameters: null };
      break;
    case 'single-query-null':
      event = { ...event, queryStringParameters: null };
      break;
    case 'prototype-keys':
      event = {
        ...event,
        headers: withPrototypeKeys(shaped.headers, false),
        multiValueHeaders: withPrototypeKeys(shaped.multiValueHeaders, true),
        queryStringParameters: withPrototypeKeys(shaped.queryStringParameters ?? {}, false),
        multiValueQueryStringParameters: withPrototypeKeys(shaped.multiValueQueryStringParameters ?? {}, true),
      };
      break;
    case 'not-connect':
      event = { ...event, requestContext: { ...shaped.requestContext, routeKey: '$default', eventType: 'MESSAGE' } };
      break;
    case 'request-context-missing': {
      const { requestContext: _context, ...rest } = shaped;
      event = { ...rest };
      break;
    }
  }
  return { event, methodArn: arnOf(event['methodArn']) };
}
