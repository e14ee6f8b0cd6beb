// The request path, independent of API type: token → claims → entities → policy store → engine → outcome.
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Fetcher } from 'aws-jwt-verify/https';
import { TtlLruCache } from './cache/ttl-lru.js';
import { ownClaim, principalFromClaims, type Principal } from './claims/principal-entity.js';
import { claimToCedar, textToCedar, ValueTypeError } from './claims/typed-value.js';
import type { ModeConfig, PolicyBundle, RouteConfig } from './config.js';
import { asUid } from './engine/avp-values.js';
import type { Decision, Engine } from './engine/decision.js';
import { createLocalEngine } from './engine/local-engine.js';
import { DynamoEntityStore, entityKey, type EntityStore } from './entities/entity-store.js';
import { ClaimError, EngineError, EntityStoreError, outcomeOf, RouteError, TenantError } from './errors.js';
import { powertoolsTelemetry, type Telemetry } from './observability/telemetry.js';
import type { AuthorizerContext } from './response/responses.js';
import { RouteTable, type RouteMatch } from './routes/route-table.js';
import { staticPolicyStore, TenantPolicyStoreResolver, type PolicyStoreResolver } from './tenancy/policy-store-resolver.js';
import { headerValue, normalizeBearer, queryValue } from './token/extract-token.js';
import { createTokenVerifier, type TokenVerifier, type VerifiedToken } from './token/verify-token.js';

/** A request as every API type can describe it. */
export interface AuthorizationInput {
  readonly rawToken: string | undefined;
  /** `GET`, `POST`...; absent for WebSocket $connect. */
  readonly method?: string;
  /** The concrete path, `/accounts/acct-1`; absent for WebSocket $connect. */
  readonly path?: string;
  readonly connect?: boolean;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** What the event's request context says; a TOKEN authorizer's event has none. */
  readonly requestContext?: RequestFacts;
}

/** Facts API Gateway records about a request, read by `request` context sources. */
export interface RequestFacts {
  /** The client's address, as API Gateway saw it (`requestContext.identity.sourceIp` or `.http.sourceIp`). */
  readonly sourceIp?: string;
  /** When API Gateway received the request, in epoch milliseconds (`requestTimeEpoch` or `timeEpoch`). */
  readonly requestTimeEpochMs?: number;
}

export interface Outcome {
  readonly result: 'allow' | 'deny' | 'unauthorized';
  readonly principalId: string;
  readonly context: AuthorizerContext;
  readonly cacheHit: boolean;
}

/** Replaceable parts. Production uses the defaults; local development and tests inject loopback endpoints. */
export interface RuntimeDependencies {
  readonly jwksFetcher?: Fetcher;
  readonly dynamoDb?: DynamoDBClient;
  readonly verifiedPermissions?: VerifiedPermissionsClient;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly telemetry?: Telemetry;
  readonly now?: () => number;
}

export interface AuthorizerOptions {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly dependencies?: RuntimeDependencies;
}

/** The answer for every route of the mode at once, for a token authorizer whose cache key is the token alone. */
export interface RoutesOutcome {
  readonly result: 'evaluated' | 'unauthorized' | 'deny';
  readonly principalId: string;
  readonly context: AuthorizerContext;
  /** The keys (`GET /reports/daily`) of the routes this token may call. */
  readonly allowedRoutes: readonly string[];
  readonly cacheHit: boolean;
}

export interface Authorizer {
  readonly mode: ModeConfig;
  authorize(input: AuthorizationInput): Promise<Outcome>;
  /**
   * Evaluates, in one batch, every route whose resource is fixed. Only the token matters: it is what a cached TOKEN
   * authorizer's answer is keyed on, so the answer must list exactly the routes this token may call.
   */
  authorizeAllRoutes(rawToken: string | undefined): Promise<RoutesOutcome>;
}

const ANONYMOUS = 'anonymous';

export function createAuthorizer({ mode, bundle, dependencies = {} }: AuthorizerOptions): Authorizer {
  const env = dependencies.env ?? process.env;
  const now = dependencies.now ?? Date.now;
  const telemetry = dependencies.telemetry ?? powertoolsTelemetry(mode.name);
  const routes = new RouteTable(mode.routes);
  const verifier: TokenVerifier = createTokenVerifier(mode.identitySource, {
    jwksTimeoutMs: mode.timeouts.jwksMs,
    env,
    ...(dependencies.jwksFetcher ? { fetcher: dependencies.jwksFetcher } : {}),
  });
  const dynamoDb = dependencies.dynamoDb ?? (mode.entityStore || mode.tenancy.kind === 'multi' ? new DynamoDBClient({}) : undefined);
  const engine = createEngine(mode, bundle, dependencies);
  const storeResolver = createStoreResolver(mode, env, dynamoDb);
  const entityStore: EntityStore | undefined =
    mode.entityStore && dynamoDb
      ? new DynamoEntityStore({
          client: dynamoDb,
          table: (mode.entityStore.tableEnv && env[mode.entityStore.tableEnv]) || mode.entityStore.table,
          keyAttribute: mode.entityStore.keyAttribute,
          cacheTtlMs: mode.entityStore.cacheTtlSeconds * 1000,
          timeoutMs: mode.timeouts.entityStoreMs,
        })
      : undefined;
  // A hit returns these prebuilt objects as they are: the hit path allocates as little as it can.
  const decisions = new TtlLruCache<string, { readonly outcome: Outcome; readonly record: DecisionDetails }>(mode.cache.decisionCacheSize, now);

  async function evaluate(input: AuthorizationInput, token: string, match: RouteMatch, cacheKey: string): Promise<{ outcome: Outcome; record: DecisionDetails }> {
    const verified = await verifier.verify(token);
    const principal = principalFromClaims(verified.claims, mode.claims);
    assertTenantMatchesPath(principal, match);
    const resource = resourceUid(match, input);
    const context = requestContext(match.route, input, verified);
    const policyStoreId = await storeResolver.resolve(principal.tenantId);
    const entities = [...principal.entities, ...(await resourceEntities(resource))];
    const action = { type: mode.actionEntityType, id: match.route.action };
    const decision = await engine.isAuthorized({ principal: principal.uid, action, resource, context, entities }, policyStoreId ? { policyStoreId } : {});
    const outcome: Outcome = {
      result: decision.decision,
      principalId: principal.uid.id,
      context: responseContext(principal, decision),
      cacheHit: false,
    };
    const record: DecisionDetails = {
      principal: `${principal.uid.type}::"${principal.uid.id}"`,
      action: match.route.action,
      resource: `${resource.type}::"${resource.id}"`,
      determiningPolicies: decision.determiningPolicies,
      ...(decision.errors.length > 0 ? { reason: `evaluation errors: ${decision.errors.join('; ')}`, errorKind: 'evaluation' } : {}),
    };
    // Never cached beyond the mode's TTL nor beyond the token's own expiry.
    const ttlMs = Math.min(mode.cache.ttlSeconds * 1000, verified.expiresAt * 1000 - now());
    decisions.set(cacheKey, { outcome: { ...outcome, cacheHit: true }, record }, ttlMs);
    return { outcome, record };
  }

  /** A route's resource must exist in the entity store: no entity means no access. */
  async function resourceEntities(resource: TypeAndId): Promise<EntityJson[]> {
    const entities = await loadResources([resource]);
    if (entityStore && !entities.some((entity) => entityKey(uidOf(entity)) === entityKey(resource))) {
      throw new EntityStoreError(`no entity ${entityKey(resource)}: no entity means no access`);
    }
    return entities;
  }

  function assertTenantMatchesPath(principal: Principal, match: RouteMatch): void {
    if (mode.tenancy.kind !== 'multi' || !mode.tenancy.pathParameter) return;
    const named = match.pathParameters[mode.tenancy.pathParameter];
    if (named !== undefined && named !== principal.tenantId) {
      throw new TenantError(`the path names tenant ${JSON.stringify(named)} but the token belongs to ${JSON.stringify(principal.tenantId)}`);
    }
  }

  function resourceUid(match: RouteMatch, input: AuthorizationInput): TypeAndId {
    const { resource } = match.route;
    const id = resource.id !== undefined ? resource.id : resource.pathParameter !== undefined ? match.pathParameters[resource.pathParameter] : resource.queryParameter !== undefined ? queryValue(input.query, resource.queryParameter) : undefined;
    if (id === undefined || id === '') throw new RouteError(`route ${match.route.key} has no resource id in the request`);
    return { type: resource.type, id };
  }

  function requestContext(route: RouteConfig, input: AuthorizationInput, verified: VerifiedToken): Record<string, CedarValueJson> {
    const context: Record<string, CedarValueJson> = {};
    for (const value of route.context) {
      const raw = value.source === 'header' ? headerValue(input.headers, value.key) : value.source === 'query' ? queryValue(input.query, value.key) : ownClaim(verified.claims, value.key);
      // A claim comes from the token, not the event: a missing or mistyped one is a claims error, as for the principal.
      const Failure = value.source === 'claim' ? ClaimError : RouteError;
      if (raw === undefined) {
        if (value.required) throw new Failure(`context ${value.name} (${value.source} ${value.key}) is missing`);
        continue;
      }
      try {
        context[value.name] = value.source === 'claim' ? claimToCedar(raw, value.type) : textToCedar(String(raw), value.type);
      } catch (error) {
        if (error instanceof ValueTypeError) throw new Failure(`context ${value.name} (${value.source} ${value.key}): ${error.message}`, { cause: error });
        throw error;
      }
    }
    return context;
  }

  function matchRoute(input: AuthorizationInput): RouteMatch {
    if (input.connect) {
      const route = routes.connectRoute();
      if (!route) throw new RouteError('this mode has no $connect route');
      return { route, pathParameters: {} };
    }
    if (input.method === undefined || input.path === undefined) throw new RouteError('the event has no method or path');
    const match = routes.match(input.method, input.path);
    if (!match) throw new RouteError(`no route for ${input.method} ${input.path}`);
    return match;
  }

  /** Everything that can change the decision: the exact token, the route, its parameters and its context inputs. */
  function decisionCacheKey(token: string, match: RouteMatch, input: AuthorizationInput): string {
    const inputs = match.route.context.filter((c) => c.source !== 'claim').map((c) => (c.source === 'header' ? headerValue(input.headers, c.key) : queryValue(input.query, c.key)) ?? null);
    const resourceQuery = match.route.resource.queryParameter !== undefined ? queryValue(input.query, match.route.resource.queryParameter) ?? null : null;
    return createHash('sha256').update(JSON.stringify([token, match.route.key, match.pathParameters, resourceQuery, inputs])).digest('base64');
  }

  const routeDecisions = new TtlLruCache<string, RoutesOutcome>(mode.cache.decisionCacheSize, now);

  /** One decision line per request. Telemetry must never change an answer, so its failures are swallowed. */
  function recordDecision(started: number, result: Outcome['result'], cacheHit: boolean, details: DecisionDetails): void {
    try {
      telemetry.record({ mode: mode.name, result, determiningPolicies: [], ...details, latencyMs: performance.now() - started, cacheHit });
    } catch {
      // Nothing to do: the answer stands.
    }
  }

  async function evaluateAllRoutes(token: string, cacheKey: string): Promise<RoutesOutcome> {
    const verified = await verifier.verify(token);
    const principal = principalFromClaims(verified.claims, mode.claims);
    const fixed = mode.routes.filter((route) => route.resource.id !== undefined);
    const policyStoreId = await storeResolver.resolve(principal.tenantId);
    const resources = fixed.map((route) => ({ type: route.resource.type, id: route.resource.id ?? '' }));
    const entities = [...principal.entities, ...(await loadResources(resources))];
    const requests = fixed.map((route, index) => ({
      principal: principal.uid,
      action: { type: mode.actionEntityType, id: route.action },
      resource: resources[index] ?? { type: route.resource.type, id: '' },
      context: requestContext(route, { rawToken: token, headers: {}, query: {} }, verified),
      entities,
    }));
    const decisions = await engine.isAuthorizedBatch(requests, policyStoreId ? { policyStoreId } : {});
    const allowedRoutes = fixed.filter((_, index) => decisions[index]?.decision === 'allow').map((route) => route.key);
    const outcome: RoutesOutcome = {
      result: 'evaluated',
      principalId: principal.uid.id,
      context: { ...responseContext(principal, { decision: allowedRoutes.length > 0 ? 'allow' : 'deny', determiningPolicies: [], errors: [] }), allowedRoutes: allowedRoutes.join(',') },
      allowedRoutes,
      cacheHit: false,
    };
    routeDecisions.set(cacheKey, outcome, Math.min(mode.cache.ttlSeconds * 1000, verified.expiresAt * 1000 - now()));
    return outcome;
  }

  /**
   * Resources and their parents, so `resource in ...` can follow the hierarchy (a payment in its account). Without
   * an entity store a resource is its bare uid, and policies reading its attributes error into a Deny.
   */
  async function loadResources(resources: readonly TypeAndId[]): Promise<EntityJson[]> {
    if (!entityStore || resources.length === 0) return resources.map((uid) => ({ uid, attrs: {}, parents: [] }));
    const found = await entityStore.load(resources);
    const known = new Set(found.map((entity) => entityKey(uidOf(entity))));
    const missingParents = found.flatMap((entity) => entity.parents.map(asUid)).filter((uid) => !known.has(entityKey(uid)));
    return [...found, ...(missingParents.length > 0 ? await entityStore.load(missingParents) : [])];
  }

  return {
    mode,
    async authorizeAllRoutes(rawToken) {
      const started = performance.now();
      let outcome: RoutesOutcome;
      let reason: DecisionDetails = {};
      try {
        const token = normalizeBearer(rawToken);
        const cacheKey = createHash('sha256').update(JSON.stringify([token, '*all-routes*'])).digest('base64');
        const cached = routeDecisions.get(cacheKey);
        outcome = cached ? { ...cached, cacheHit: true } : await evaluateAllRoutes(token, cacheKey);
      } catch (error) {
        const failure = failureOf(error);
        outcome = { ...failure.outcome, allowedRoutes: [] };
        reason = failure.details;
      }
      const result = outcome.result === 'evaluated' ? (outcome.allowedRoutes.length > 0 ? 'allow' : 'deny') : outcome.result;
      recordDecision(started, result, outcome.cacheHit, { principal: outcome.principalId, action: '*all-routes*', ...reason });
      return outcome;
    },
    async authorize(input) {
      const started = performance.now();
      let record: DecisionDetails = {};
      let outcome: Outcome;
      try {
        const token = normalizeBearer(input.rawToken);
        const match = matchRoute(input);
        const cacheKey = decisionCacheKey(token, match, input);
        const cached = decisions.get(cacheKey);
        if (cached) {
          ({ outcome, record } = cached);
        } else {
          ({ outcome, record } = await evaluate(input, token, match, cacheKey));
        }
      } catch (error) {
        const failure = failureOf(error);
        outcome = failure.outcome;
        record = { ...record, ...failure.details };
      }
      recordDecision(started, outcome.result, outcome.cacheHit, record);
      return outcome;
    },
  };
}

/** Any error as the answer it gets (401 or Deny) and the reason the decision line logs. */
function failureOf(error: unknown): { outcome: Outcome & { readonly result: 'unauthorized' | 'deny' }; details: DecisionDetails } {
  const failure = outcomeOf(error);
  return {
    outcome: { result: failure.outcome, principalId: ANONYMOUS, context: { decision: failure.outcome, reason: failure.kind }, cacheHit: false },
    details: { reason: failure.reason, errorKind: failure.kind },
  };
}

function uidOf(entity: EntityJson): TypeAndId {
  return asUid(entity.uid);
}

/** What a decision line says beyond the mode, the result, the latency and the cache hit. */
type DecisionDetails = Partial<Parameters<Telemetry['record']>[0]>;

function responseContext(principal: Principal, decision: Decision): AuthorizerContext {
  return {
    principalId: principal.uid.id,
    principalType: principal.uid.type,
    ...(principal.tenantId !== undefined ? { tenantId: principal.tenantId } : {}),
    roles: principal.groups.join(','),
    decision: decision.decision,
    determiningPolicies: decision.determiningPolicies.join(','),
  };
}

function createEngine(mode: ModeConfig, bundle: PolicyBundle, dependencies: RuntimeDependencies): Engine {
  try {
    if (mode.engine.kind === 'local') return createLocalEngine(bundle);
    return lazyAvpEngine(mode.engine.maxRetries, mode.timeouts.engineMs, dependencies.verifiedPermissions);
  } catch (error) {
    // A broken bundle must not crash the Lambda's init: every request is denied and says why.
    const reason = error instanceof Error ? error.message : String(error);
    const refuse = async (): Promise<never> => {
      throw new EngineError(`the engine could not start: ${reason}`);
    };
    return { kind: mode.engine.kind, isAuthorized: refuse, isAuthorizedBatch: refuse };
  }
}

/**
 * The AVP engine and its SDK client load on first use, started at once in the background: local-engine modes never
 * pay the ~50 ms it costs to load the Verified Permissions SDK, and AVP modes load it during Lambda init.
 */
function lazyAvpEngine(maxRetries: number, timeoutMs: number, injected: VerifiedPermissionsClient | undefined): Engine {
  let loading: Promise<Engine> | undefined;
  const load = (): Promise<Engine> =>
    (loading ??= (async () => {
      const [{ createAvpEngine }, sdk] = await Promise.all([import('./engine/avp-engine.js'), import('@aws-sdk/client-verifiedpermissions')]);
      return createAvpEngine({ client: injected ?? new sdk.VerifiedPermissionsClient({ maxAttempts: maxRetries + 1 }), timeoutMs });
    })());
  load().catch(() => {
    // A failed load is reported by the first request that needs the engine (a Deny), not at init.
    loading = undefined;
  });
  return {
    kind: 'avp',
    isAuthorized: async (request, options) => (await load()).isAuthorized(request, options),
    isAuthorizedBatch: async (requests, options) => (await load()).isAuthorizedBatch(requests, options),
  };
}

function createStoreResolver(mode: ModeConfig, env: Readonly<Record<string, string | undefined>>, dynamoDb: DynamoDBClient | undefined): PolicyStoreResolver {
  if (mode.tenancy.kind === 'multi') {
    if (!dynamoDb) throw new Error('a multi-tenant mode needs a DynamoDB client');
    const lookup = mode.tenancy.policyStoreLookup;
    return new TenantPolicyStoreResolver({
      client: dynamoDb,
      lookup,
      table: (lookup.tableEnv && env[lookup.tableEnv]) || lookup.table,
      timeoutMs: mode.timeouts.entityStoreMs,
    });
  }
  if (mode.engine.kind === 'avp' && mode.engine.policyStore) {
    const { id, env: variable } = mode.engine.policyStore;
    return staticPolicyStore((variable && env[variable]) || id);
  }
  return staticPolicyStore(undefined);
}
