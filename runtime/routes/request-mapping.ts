// Maps a matched route and its request to Cedar's resource and context, with every value type parsed once at init.
import type { CedarValueJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { extensionValue } from '../claims/extension-text.js';
import { ownClaim } from '../claims/principal-entity.js';
import { encodedClaimToCedar, textToCedar, ValueTypeError } from '../claims/typed-value.js';
import { parseValueType, type ParsedValueType } from '../claims/value-type.js';
import type { ContextValueConfig, RouteConfig } from '../config.js';
import { ClaimError, RouteError } from '../errors.js';
import type { Claims } from '../token/verify-token.js';
import { readHeader, readQuery, singleOrThrow, type ValueMap, type ValueShape } from '../request/single-value.js';
import type { RouteMatch } from './route-table.js';

/** What the mapping reads from a request beyond the token: the authorizer input narrowed to it. */
export interface RequestValues {
  readonly headers: ValueMap;
  readonly query: ValueMap;
  readonly requestContext?: { readonly sourceIp?: string; readonly requestTimeEpochMs?: number };
}

interface CompiledValue {
  readonly config: ContextValueConfig;
  readonly type: ParsedValueType;
}

export class RequestMapping {
  private readonly compiled = new Map<RouteConfig, readonly CompiledValue[]>();

  /** Throws ValueTypeSpellingError when a route's context type is misspelled. */
  constructor(routes: readonly RouteConfig[]) {
    for (const route of routes)
      this.compiled.set(
        route,
        route.context.map((config) => ({ config, type: parseValueType(config.type) })),
      );
  }

  resource(match: RouteMatch, request: RequestValues): TypeAndId {
    const { resource } = match.route;
    const id =
      resource.id !== undefined
        ? resource.id
        : resource.pathParameter !== undefined
          ? match.pathParameters[resource.pathParameter]
          : resource.queryParameter !== undefined
            ? singleOrThrow(readQuery(request.query, resource.queryParameter, 'scalar'))
            : undefined;
    if (id === undefined || id === '') throw new RouteError(`route ${match.route.key} has no resource id in the request`);
    return { type: resource.type, id };
  }

  context(route: RouteConfig, request: RequestValues, claims: Claims): Record<string, CedarValueJson> {
    const context: Record<string, CedarValueJson> = {};
    for (const { config, type } of this.compiled.get(route) ?? []) {
      // A claim comes from the token, not the event: a missing or mistyped one is a claims error, as for the principal.
      const Failure = config.source === 'claim' ? ClaimError : RouteError;
      const where = `context ${config.name} (${config.source} ${config.key})`;
      try {
        const value = config.source === 'claim' ? claimContextValue(config, type, claims) : requestContextValue(config, type, request);
        if (value !== undefined) context[config.name] = value;
        else if (config.required) {
          const why =
            config.source === 'request' && !request.requestContext
              ? ': this event carries no request context (a TOKEN authorizer has none)'
              : '';
          throw new Failure(`${where} is missing${why}`);
        }
      } catch (error) {
        if (error instanceof ValueTypeError) throw new Failure(`${where}: ${error.message}`, { cause: error });
        throw error;
      }
    }
    return context;
  }

  /**
   * Every request value the route's decision reads (not claims: the token is in the key already), in a fixed order.
   * Throws AmbiguousInputError when one arrived more than once, so an ambiguous request is never keyed nor cached.
   */
  cacheInputs(match: RouteMatch, request: RequestValues): readonly (string | number | null)[] {
    const inputs: (string | number | null)[] = [];
    for (const { config, type } of this.compiled.get(match.route) ?? [])
      if (config.source !== 'claim') inputs.push(requestValue(config, type, request) ?? null);
    const { queryParameter } = match.route.resource;
    inputs.push(queryParameter !== undefined ? (singleOrThrow(readQuery(request.query, queryParameter, 'scalar')) ?? null) : null);
    return inputs;
  }
}

function claimContextValue(
  config: Extract<ContextValueConfig, { source: 'claim' }>,
  type: ParsedValueType,
  claims: Claims,
): CedarValueJson | undefined {
  const raw = ownClaim(claims, config.key);
  return raw === undefined ? undefined : encodedClaimToCedar(raw, type, config.encoding);
}

function requestContextValue(
  config: Exclude<ContextValueConfig, { source: 'claim' }>,
  type: ParsedValueType,
  request: RequestValues,
): CedarValueJson | undefined {
  const raw = requestValue(config, type, request);
  if (raw === undefined) return undefined;
  return config.source === 'request' ? requestContextToCedar(config.key, raw, type) : textToCedar(String(raw), type);
}

function requestValue(
  config: Exclude<ContextValueConfig, { source: 'claim' }>,
  type: ParsedValueType,
  request: RequestValues,
): string | number | undefined {
  switch (config.source) {
    case 'header':
      return singleOrThrow(readHeader(request.headers, config.key, shapeOf(type)));
    case 'query':
      return singleOrThrow(readQuery(request.query, config.key, shapeOf(type)));
    case 'request':
      return config.key === 'sourceIp' ? request.requestContext?.sourceIp : request.requestContext?.requestTimeEpochMs;
  }
}

/**
 * A Set, or a Record or nested list read as JSON text, may hold commas of its own; every other type is one scalar,
 * where a comma in payload 2.0 text may be API Gateway joining two copies.
 */
function shapeOf(type: ParsedValueType): ValueShape {
  return type.kind === 'Set' || type.kind === 'Record' ? 'list' : 'scalar';
}

/**
 * API Gateway's source IP as an `ipaddr` (or its text, typed String); the request time as a `datetime` in ISO-8601 UTC
 * with milliseconds (or epoch milliseconds, typed Long).
 */
function requestContextToCedar(key: 'sourceIp' | 'requestTime', raw: string | number, type: ParsedValueType): CedarValueJson {
  if (key === 'sourceIp') {
    if (typeof raw !== 'string') throw new ValueTypeError(`expected the source IP as text, got ${typeof raw}`);
    return textToCedar(raw, type);
  }
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) throw new ValueTypeError('expected the request time in epoch milliseconds');
  if (type.kind === 'Long') return raw;
  const iso = new Date(raw).toISOString();
  if (type.kind === 'Extension' && type.name === 'datetime') return extensionValue('datetime', iso);
  if (type.kind === 'String') return iso;
  throw new ValueTypeError('the request time is a datetime, a Long (epoch milliseconds) or a String (ISO-8601)');
}
