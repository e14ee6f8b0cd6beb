// The request path, independent of API type: token → claims → entities → policy store → engine → outcome.
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Fetcher } from 'aws-jwt-verify/https';
import { TtlLruCache } from './cache/ttl-lru.js';
import { compileClaims, principalFromClaims, type ClaimsMapping, type Principal } from './claims/principal-entity.js';
import type { ModeConfig, PolicyBundle } from './config.js';
import type { Decision, Engine, EngineOptions } from './engine/decision.js';
import { entityKey } from './entities/entity-store.js';
import { ConfigError, outcomeOf, reasonOf, RouteError, TenantError } from './errors.js';
import { powertoolsTelemetry, type Telemetry } from './observability/telemetry.js';
import type { AuthorizerContext } from './response/responses.js';
import { RequestMapping } from './routes/request-mapping.js';
import { RouteTable, type RouteMatch } from './routes/route-table.js';
import { normalizeBearer } from './token/extract-token.js';
import { createTokenVerifier, type TokenVerifier, type VerifiedToken } from './token/verify-token.js';
import { createParts, type AuthorizerParts } from './wiring/authorizer-parts.js';

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
  /**
   * Wraps the mode's engine, to observe exactly what it is asked and answers (`npm run explain` records the request,
   * context and entities this way). The wrapper must pass requests and decisions through unchanged.
   */
  readonly wrapEngine?: (engine: Engine) => Engine;
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

/** The mode's spellings, parsed once at init. */
interface Compiled {
  readonly claims: ClaimsMapping;
  readonly requests: RequestMapping;
}

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
  const parts: AuthorizerParts = createParts({
    mode,
    bundle,
    env,
    now,
    ...(dependencies.dynamoDb ? { dynamoDb: dependencies.dynamoDb } : {}),
    ...(dependencies.verifiedPermissions ? { verifiedPermissions: dependencies.verifiedPermissions } : {}),
  });
  const engine = dependencies.wrapEngine ? dependencies.wrapEngine(parts.engine) : parts.engine;
  const compiled = compile(mode);
  // A hit returns these prebuilt objects as they are: the hit path allocates as little as it can.
  const decisions = new TtlLruCache<string, { readonly outcome: Outcome; readonly record: DecisionDetails }>(
    mode.cache.decisionCacheSize,
    now,
  );
  const routeDecisions = new TtlLruCache<string, RoutesOutcome>(mode.cache.decisionCacheSize, now);

  /** Token → principal, checked against the path's tenant: the first steps every evaluation shares. */
  async function identify(token: string): Promise<{ verified: VerifiedToken; principal: Principal; mapping: Compiled }> {
    if (compiled instanceof ConfigError) throw compiled;
    const verified = await verifier.verify(token);
    return { verified, principal: principalFromClaims(verified.claims, compiled.claims), mapping: compiled };
  }

  /** Entities, policy store and template links for one principal and its resources, read in parallel where they can be. */
  async function gather(principal: Principal, resources: readonly TypeAndId[], resourcesRequired: boolean) {
    const [store, loading] = await Promise.allSettled([
      parts.storeResolver.resolve(principal.tenantId),
      parts.entityLoader.load({ principal, resources, resourcesRequired }),
    ]);
    // Both run at once; when both fail, the tenant's failure is the reason, as it comes first in the pipeline.
    if (store.status === 'rejected') throw store.reason;
    if (loading.status === 'rejected') throw loading.reason;
    const policyStoreId = store.value;
    const loaded = loading.value;
    const links = parts.linkStore ? await parts.linkStore.linksFor([principal.uid, ...loaded.principalAncestors]) : undefined;
    const options: EngineOptions = {
      ...(policyStoreId ? { policyStoreId } : {}),
      ...(links ? { templateLinks: [...links].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) } : {}),
    };
    return { entities: loaded.entities, options };
  }

  async function evaluate(
    input: AuthorizationInput,
    token: string,
    match: RouteMatch,
    cacheKey: string,
  ): Promise<{ outcome: Outcome; record: DecisionDetails }> {
    const { verified, principal, mapping } = await identify(token);
    assertTenantMatchesPath(principal, match);
    const resource = mapping.requests.resource(match, input);
    const context = mapping.requests.context(match.route, input, verified.claims);
    const { entities, options } = await gather(principal, [resource], true);
    const action = { type: mode.actionEntityType, id: match.route.action };
    const decision = await engine.isAuthorized({ principal: principal.uid, action, resource, context, entities }, options);
    const outcome: Outcome = {
      result: decision.decision,
      principalId: principal.uid.id,
      context: responseContext(principal, decision),
      cacheHit: false,
    };
    const record: DecisionDetails = {
      principal: entityKey(principal.uid),
      action: match.route.action,
      resource: entityKey(resource),
      determiningPolicies: decision.determiningPolicies,
      ...(decision.errors.length > 0 ? { reason: `evaluation errors: ${decision.errors.join('; ')}`, errorKind: 'evaluation' } : {}),
    };
    // Never cached beyond the mode's TTL nor beyond the token's own expiry.
    const ttlMs = Math.min(mode.cache.ttlSeconds * 1000, verified.expiresAt * 1000 - now());
    decisions.set(cacheKey, { outcome: { ...outcome, cacheHit: true }, record }, ttlMs);
    return { outcome, record };
  }

  function assertTenantMatchesPath(principal: Principal, match: RouteMatch): void {
    if (mode.tenancy.kind !== 'multi' || !mode.tenancy.pathParameter) return;
    const named = match.pathParameters[mode.tenancy.pathParameter];
    if (named !== undefined && named !== principal.tenantId) {
      throw new TenantError(
        `the path names tenant ${JSON.stringify(named)} but the token belongs to ${JSON.stringify(principal.tenantId)}`,
      );
    }
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

  /**
   * Everything that can change the decision: the exact token, the route, its parameters and every request value it
   * reads (headers, query, source IP, request time).
   */
  function decisionCacheKey(token: string, match: RouteMatch, input: AuthorizationInput): string {
    const inputs = compiled instanceof ConfigError ? [] : compiled.requests.cacheInputs(match, input);
    return createHash('sha256')
      .update(JSON.stringify([token, match.route.key, match.pathParameters, inputs]))
      .digest('base64');
  }

  /** One decision line per request. Telemetry must never change an answer, so its failures are swallowed. */
  function recordDecision(started: number, result: Outcome['result'], cacheHit: boolean, details: DecisionDetails): void {
    try {
      telemetry.record({ mode: mode.name, result, determiningPolicies: [], ...details, latencyMs: performance.now() - started, cacheHit });
    } catch {
      // Nothing to do: the answer stands.
    }
  }

  async function evaluateAllRoutes(token: string, cacheKey: string): Promise<RoutesOutcome> {
    const { verified, principal, mapping } = await identify(token);
    const fixed = mode.routes.filter((route) => route.resource.id !== undefined);
    const resources = fixed.map((route) => ({ type: route.resource.type, id: route.resource.id ?? '' }));
    const { entities, options } = await gather(principal, resources, false);
    const requests = fixed.map((route, index) => ({
      principal: principal.uid,
      action: { type: mode.actionEntityType, id: route.action },
      resource: resources[index] ?? { type: route.resource.type, id: '' },
      // A TOKEN authorizer's event has no headers, query or request context: a route needing them is denied.
      context: mapping.requests.context(route, { headers: {}, query: {} }, verified.claims),
      entities,
    }));
    const answers = await engine.isAuthorizedBatch(requests, options);
    const allowedRoutes = fixed.filter((_, index) => answers[index]?.decision === 'allow').map((route) => route.key);
    const outcome: RoutesOutcome = {
      result: 'evaluated',
      principalId: principal.uid.id,
      context: {
        ...responseContext(principal, { decision: allowedRoutes.length > 0 ? 'allow' : 'deny', determiningPolicies: [], errors: [] }),
        allowedRoutes: allowedRoutes.join(','),
      },
      allowedRoutes,
      cacheHit: false,
    };
    routeDecisions.set(cacheKey, outcome, Math.min(mode.cache.ttlSeconds * 1000, verified.expiresAt * 1000 - now()));
    return outcome;
  }

  return {
    mode,
    async authorizeAllRoutes(rawToken) {
      const started = performance.now();
      let outcome: RoutesOutcome;
      let reason: DecisionDetails = {};
      try {
        const token = normalizeBearer(rawToken);
        const cacheKey = createHash('sha256')
          .update(JSON.stringify([token, '*all-routes*']))
          .digest('base64');
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

/** The mode's claim mapping and routes with their types parsed; a misspelled type denies every request, saying why. */
function compile(mode: ModeConfig): Compiled | ConfigError {
  try {
    return { claims: compileClaims(mode.claims), requests: new RequestMapping(mode.routes) };
  } catch (error) {
    return new ConfigError(`mode ${mode.name} cannot be used: ${reasonOf(error)}`, { cause: error });
  }
}

/** Any error as the answer it gets (401 or Deny) and the reason the decision line logs. */
function failureOf(error: unknown): { outcome: Outcome & { readonly result: 'unauthorized' | 'deny' }; details: DecisionDetails } {
  const failure = outcomeOf(error);
  return {
    outcome: {
      result: failure.outcome,
      principalId: ANONYMOUS,
      context: { decision: failure.outcome, reason: failure.kind },
      cacheHit: false,
    },
    details: { reason: failure.reason, errorKind: failure.kind },
  };
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
