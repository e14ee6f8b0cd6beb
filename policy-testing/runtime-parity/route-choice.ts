// Picks the mode's route for a case's action and resource type, and builds the request that reaches it: the resource
// id in the path parameter, query parameter or fixed id, and each context value where the route reads it.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationInput, RequestFacts } from '../../runtime/authorizer.js';
import { parseValueType, type ParsedValueType } from '../../runtime/claims/value-type.js';
import type { ContextValueConfig, HttpRoute, ModeConfig, RouteConfig } from '../../runtime/config.js';
import { RouteTable } from '../../runtime/routes/route-table.js';
import { formatEntityUid } from '../entity-uid.js';
import type { TestRequest } from '../evaluate.js';
import { expressed, unreachable, type Expressed, type NotExpressed } from './unreachable.js';
import { claimSpelling, textSpelling } from './value-spelling.js';

export interface ContextClaim {
  readonly claim: string;
  readonly value: unknown;
  /** The context value it carries. */
  readonly name: string;
}

export interface RoutedRequest {
  readonly route: RouteConfig;
  /** Everything but the token. */
  readonly input: Omit<AuthorizationInput, 'rawToken'>;
  /** The path parameters API Gateway decodes from the path (none for $connect). */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Context values that travel in the token. */
  readonly contextClaims: readonly ContextClaim[];
}

/** A path parameter the runtime does not read still needs a value for the path to match. */
const UNREAD_PARAMETER = 'parity';

/** The first route that can carry the case; when none can, why the first candidate cannot. */
export function chooseRoute(mode: ModeConfig, request: TestRequest, tenantId: string | undefined): Expressed<RoutedRequest> {
  const candidates = mode.routes.filter((route) => route.action === request.action.id && route.resource.type === request.resource.type);
  if (candidates.length === 0) {
    return unreachable('no-route', `mode ${mode.name} routes no ${request.action.id} on a ${request.resource.type}`);
  }
  const table = new RouteTable(mode.routes);
  let first: NotExpressed | undefined;
  for (const route of candidates) {
    const routed = routeRequest(mode, table, route, request, tenantId);
    if (routed.ok) return routed;
    first ??= routed;
  }
  return first ?? unreachable('no-route', `mode ${mode.name} routes no ${request.action.id} on a ${request.resource.type}`);
}

function routeRequest(
  mode: ModeConfig,
  table: RouteTable,
  route: RouteConfig,
  request: TestRequest,
  tenantId: string | undefined,
): Expressed<RoutedRequest> {
  const resourceId = request.resource.id;
  const resourceName = formatEntityUid(request.resource);
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const { resource } = route;
  if (resource.id !== undefined && resource.id !== resourceId) {
    return unreachable(
      'resource-not-nameable',
      `route ${route.key} always names ${formatEntityUid({ type: resource.type, id: resource.id })}, not ${resourceName}`,
    );
  }
  if ((resource.pathParameter !== undefined || resource.queryParameter !== undefined) && resourceId === '') {
    return unreachable('resource-not-nameable', `route ${route.key} cannot carry the empty id of ${resourceName}`);
  }
  if (resource.queryParameter !== undefined) query[resource.queryParameter] = resourceId;

  let target: { readonly method: string; readonly path: string } | undefined;
  let pathParameters: Readonly<Record<string, string>> = {};
  if (route.kind === 'http') {
    const filled = fillPath(mode, route, resourceId, tenantId);
    if (!filled.ok) return filled;
    const path = filled.value;
    target = { method: route.method, path };
    // The runtime's own route table must pick this route for this path: an earlier route may capture it.
    const match = table.match(route.method, path);
    if (match?.route.key !== route.key) {
      return unreachable(
        'resource-not-nameable',
        `${route.method} ${path} (${resourceName}) is matched by ${match ? `route ${match.route.key}` : 'no route'}, not ${route.key}`,
      );
    }
    pathParameters = match.pathParameters;
  }

  const contextClaims: ContextClaim[] = [];
  const facts: { sourceIp?: string; requestTimeEpochMs?: number } = {};
  const read = new Set(route.context.map((value) => value.name));
  const unread = Object.keys(request.context)
    .filter((name) => !read.has(name))
    .sort();
  if (unread.length > 0) {
    return unreachable(
      'context-value',
      `context ${unread.map((name) => `\`${name}\``).join(', ')}: route ${route.key} supplies no such value`,
    );
  }
  for (const value of route.context) {
    const given = Object.hasOwn(request.context, value.name) ? request.context[value.name] : undefined;
    if (given === undefined) {
      // A request-context value is always there: the case cannot leave it out.
      if (value.source === 'request')
        return unreachable(
          'context-value',
          `route ${route.key} always supplies \`${value.name}\` from the request's ${value.key}; the case has none`,
        );
      continue;
    }
    const placed = placeContext(route, value, given, { headers, query, facts, contextClaims });
    if (placed) return placed;
  }

  const requestContext: RequestFacts = facts;
  const input: Omit<AuthorizationInput, 'rawToken'> =
    target === undefined ? { connect: true, headers, query, requestContext } : { ...target, headers, query, requestContext };
  return expressed({ route, input, pathParameters, contextClaims });
}

function fillPath(mode: ModeConfig, route: HttpRoute, resourceId: string, tenantId: string | undefined): Expressed<string> {
  const tenantParameter = mode.tenancy.kind === 'multi' ? mode.tenancy.pathParameter : undefined;
  const segments: string[] = [];
  for (const segment of route.path.split('/')) {
    const parameter = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (parameter === undefined) segments.push(segment);
    else if (parameter === route.resource.pathParameter) segments.push(encodeURIComponent(resourceId));
    else if (parameter === tenantParameter) {
      if (tenantId === undefined) return unreachable('tenant', `route ${route.key} names a tenant, and the principal has none`);
      segments.push(encodeURIComponent(tenantId));
    } else segments.push(UNREAD_PARAMETER);
  }
  return expressed(segments.join('/'));
}

interface Placement {
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  readonly facts: { sourceIp?: string; requestTimeEpochMs?: number };
  readonly contextClaims: ContextClaim[];
}

function placeContext(
  route: RouteConfig,
  value: ContextValueConfig,
  given: CedarValueJson,
  placement: Placement,
): NotExpressed | undefined {
  const type = parseValueType(value.type);
  const where = `context \`${value.name}\` (${value.source} ${value.key}, ${value.type}) on route ${route.key}`;
  switch (value.source) {
    case 'header': {
      const text = textSpelling(given, type);
      if (!text.ok) return unreachable('context-value', `${where}: ${text.problem}`);
      // HTTP trims a header's surrounding whitespace and carries no line breaks.
      if (text.value.trim() !== text.value || /[\r\n\0]/.test(text.value))
        return unreachable('context-value', `${where}: ${JSON.stringify(text.value)} does not survive as a header value`);
      placement.headers[value.key] = text.value;
      return undefined;
    }
    case 'query': {
      const text = textSpelling(given, type);
      if (!text.ok) return unreachable('context-value', `${where}: ${text.problem}`);
      placement.query[value.key] = text.value;
      return undefined;
    }
    case 'claim': {
      const claim = claimSpelling(given, type, { encoding: value.encoding });
      if (!claim.ok) return unreachable('context-value', `${where}: ${claim.problem}`);
      placement.contextClaims.push({ claim: value.key, value: claim.value, name: value.name });
      return undefined;
    }
    case 'request':
      return placeRequestFact(where, value.key, given, type, placement.facts);
  }
}

/**
 * API Gateway records one source address (never a range) and the time it received the request, in epoch
 * milliseconds; the route reads them as `ipaddr` or `String`, and as `datetime` or `Long`.
 */
function placeRequestFact(
  where: string,
  key: 'sourceIp' | 'requestTime',
  given: CedarValueJson,
  type: ParsedValueType,
  facts: Placement['facts'],
): NotExpressed | undefined {
  if (key === 'sourceIp') {
    const text = type.kind === 'Extension' || type.kind === 'String' ? textSpelling(given, type) : undefined;
    if (!text?.ok) return unreachable('context-value', `${where}: ${text ? text.problem : 'the request context holds no such type'}`);
    if (text.value === '' || text.value.includes('/'))
      return unreachable('context-value', `${where}: ${JSON.stringify(text.value)} is not the one address a request comes from`);
    facts.sourceIp = text.value;
    return undefined;
  }
  if (type.kind === 'Long') {
    if (typeof given !== 'number' || !Number.isSafeInteger(given))
      return unreachable('context-value', `${where}: ${JSON.stringify(given)} is not a Long`);
    facts.requestTimeEpochMs = given;
    return undefined;
  }
  const text = type.kind === 'Extension' ? textSpelling(given, type) : undefined;
  if (!text?.ok) return unreachable('context-value', `${where}: ${text ? text.problem : 'the request context holds no such type'}`);
  // Cedar writes offsets as ±hhmm; Date.parse wants ±hh:mm.
  const epochMs = Date.parse(text.value.replace(/([+-][0-9]{2})([0-9]{2})$/, '$1:$2'));
  if (!Number.isFinite(epochMs)) return unreachable('context-value', `${where}: ${text.value} is not a time API Gateway can record`);
  facts.requestTimeEpochMs = epochMs;
  return undefined;
}
