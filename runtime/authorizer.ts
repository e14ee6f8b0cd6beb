// The request path, independent of API type, wired from its parts: token → claims → entities → policy store → engine
// → outcome, with the decision caches in front and one decision line per request.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SYSTEM_CLOCK, type Clock } from '../common/clock.js';
import { policyBundleVersion } from './cache/bundle-version.js';
import { DecisionCache } from './cache/decision-cache.js';
import type { ModeConfig, PolicyBundle } from './config.js';
import { decideAllRoutes } from './decisions/all-routes-decision.js';
import { decideRoute, type RouteDecider } from './decisions/route-decision.js';
import type { Engine } from './engine/decision.js';
import { createRequestLoader } from './entities/request-loader.js';
import { cacheMetricsReporter } from './observability/cache-metrics.js';
import { recordDecision, type DecisionDetails } from './observability/decision-line.js';
import { recordingEngine } from './observability/decision-record.js';
import { powertoolsTelemetry, type Telemetry } from './observability/telemetry.js';
import { failureOf, type Outcome, type RoutesOutcome } from './response/outcome.js';
import type { AuthorizationInput } from './routes/authorization-input.js';
import { RouteTable } from './routes/route-table.js';
import { normalizeBearer } from './token/extract-token.js';
import { createTokenVerifier } from './token/verify-token.js';
import { compileMode } from './wiring/compile-mode.js';
import { createParts } from './wiring/authorizer-parts.js';

export type { AuthorizationInput, RequestFacts } from './routes/authorization-input.js';
export type { Outcome, RoutesOutcome } from './response/outcome.js';

/** Replaceable parts. Production uses the defaults; local development and tests inject loopback endpoints. */
export interface RuntimeDependencies {
  readonly jwksFetcher?: Fetcher;
  readonly dynamoDb?: DynamoDBClient;
  readonly verifiedPermissions?: VerifiedPermissionsClient;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly telemetry?: Telemetry;
  /** The one clock every cache of this authorizer expires by (decisions, JWKS, entities, tenants, template links). */
  readonly clock?: Clock;
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

/**
 * Why the answer's form cannot carry an Allow, known before deciding (a REST/WebSocket `methodArn` holding a `*`). An
 * Allow becomes this Deny before the decision line is written, so the log and the metrics say what was answered.
 */
export interface AllowRefusal {
  readonly kind: string;
  readonly reason: string;
}

export interface Authorizer {
  readonly mode: ModeConfig;
  authorize(input: AuthorizationInput, refuseAllow?: AllowRefusal): Promise<Outcome>;
  /**
   * Evaluates, in one batch, every route whose resource is fixed. Only the token matters: it is what a cached TOKEN
   * authorizer's answer is keyed on, so the answer must list exactly the routes this token may call.
   */
  authorizeAllRoutes(rawToken: string | undefined, refuseAllow?: AllowRefusal): Promise<RoutesOutcome>;
}

const ALL_ROUTES = '*all-routes*';

export function createAuthorizer({ mode, bundle, dependencies = {} }: AuthorizerOptions): Authorizer {
  const env = dependencies.env ?? process.env;
  const clock = dependencies.clock ?? SYSTEM_CLOCK;
  const line = { telemetry: dependencies.telemetry ?? powertoolsTelemetry(mode.name), modeName: mode.name };
  const routes = new RouteTable(mode.routes);
  const verifier = createTokenVerifier(mode.identitySource, {
    jwksTimeoutMs: mode.timeouts.jwksMs,
    env,
    clock,
    ...(dependencies.jwksFetcher ? { fetcher: dependencies.jwksFetcher } : {}),
  });
  const parts = createParts({
    mode,
    bundle,
    env,
    clock,
    ...(dependencies.dynamoDb ? { dynamoDb: dependencies.dynamoDb } : {}),
    ...(dependencies.verifiedPermissions ? { verifiedPermissions: dependencies.verifiedPermissions } : {}),
  });
  const compiled = compileMode(mode);
  // Computed once, at init: every cached decision is keyed under the bundle that made it, and every record names it.
  const policyVersion = policyBundleVersion(bundle);
  const engine = dependencies.wrapEngine ? dependencies.wrapEngine(parts.engine) : parts.engine;
  const decider: RouteDecider = {
    mode,
    // Wrapped only when the mode asks for records: with them off, the request path is exactly what it was.
    engine: mode.decisionRecords
      ? recordingEngine(engine, { mode, bundleVersion: policyVersion, telemetry: line.telemetry, clock })
      : engine,
    load: createRequestLoader({ compiled, verifier, ...parts }),
  };
  const cacheOptions = { maxEntries: mode.cache.decisionCacheSize, ttlSeconds: mode.cache.ttlSeconds, clock, policyVersion };
  // A hit returns these prebuilt objects as they are: the hit path allocates as little as it can.
  const decisions = new DecisionCache<{ readonly outcome: Outcome; readonly record: DecisionDetails }>({
    ...cacheOptions,
    name: 'Decisions',
  });
  const routeDecisions = new DecisionCache<RoutesOutcome>({ ...cacheOptions, name: 'AllRoutesDecisions' });
  const reportCacheSizes = cacheMetricsReporter({
    telemetry: line.telemetry,
    caches: [decisions, routeDecisions, verifier.cache, ...parts.caches, parts.engine.cache],
    clock,
  });

  return {
    mode,
    async authorizeAllRoutes(rawToken, refuseAllow) {
      const started = performance.now();
      let outcome: RoutesOutcome;
      let reason: DecisionDetails = {};
      try {
        const token = normalizeBearer(rawToken);
        const cacheKey = routeDecisions.key([token, ALL_ROUTES]);
        const cached = routeDecisions.get(cacheKey);
        if (cached) outcome = { ...cached, cacheHit: true };
        else {
          const decided = await decideAllRoutes(decider, token);
          routeDecisions.set(cacheKey, decided.outcome, decided.tokenExpiresAt);
          outcome = decided.outcome;
        }
      } catch (error) {
        const failure = failureOf(error);
        outcome = { ...failure.outcome, allowedRoutes: [] };
        reason = failure.details;
      }
      if (refuseAllow && outcome.result === 'evaluated' && outcome.allowedRoutes.length > 0) {
        const context = { ...outcome.context, decision: 'deny', reason: refuseAllow.kind };
        outcome = { ...outcome, result: 'deny', allowedRoutes: [], context };
        reason = { ...reason, errorKind: refuseAllow.kind, reason: refuseAllow.reason };
      }
      const result = outcome.result === 'evaluated' ? (outcome.allowedRoutes.length > 0 ? 'allow' : 'deny') : outcome.result;
      const details = { principal: outcome.principalId, action: ALL_ROUTES, ...reason };
      recordDecision(line, { started, result, cacheHit: outcome.cacheHit, details });
      reportCacheSizes();
      return outcome;
    },
    async authorize(input, refuseAllow) {
      const started = performance.now();
      let record: DecisionDetails = {};
      let outcome: Outcome;
      try {
        const token = normalizeBearer(input.rawToken);
        const match = routes.matchTarget(input);
        // Everything that can change the decision: the exact token, the route, its parameters and every request value
        // it reads (headers, query, source IP, request time).
        const inputs = 'requests' in compiled ? compiled.requests.cacheInputs(match, input) : [];
        const cacheKey = decisions.key([token, match.route.key, match.pathParameters, inputs]);
        const cached = decisions.get(cacheKey);
        if (cached) ({ outcome, record } = cached);
        else {
          const decided = await decideRoute(decider, { input, token, match });
          decisions.set(cacheKey, { outcome: { ...decided.outcome, cacheHit: true }, record: decided.record }, decided.tokenExpiresAt);
          ({ outcome, record } = decided);
        }
      } catch (error) {
        const failure = failureOf(error);
        outcome = failure.outcome;
        record = { ...record, ...failure.details };
      }
      if (refuseAllow && outcome.result === 'allow') {
        outcome = { ...outcome, result: 'deny', context: { ...outcome.context, decision: 'deny', reason: refuseAllow.kind } };
        record = { ...record, errorKind: refuseAllow.kind, reason: refuseAllow.reason };
      }
      recordDecision(line, { started, result: outcome.result, cacheHit: outcome.cacheHit, details: record });
      reportCacheSizes();
      return outcome;
    },
  };
}
