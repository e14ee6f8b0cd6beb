// Where the full cache miss spends its time beyond the floor: each stage of the request path timed on its own, in turns
// with the full miss and the floor, in one run. `npx tsx bench/floor-breakdown.ts [--iterations 5000]`; also used by
// the `decision` section of `npm run bench`. Stages are the runtime's own parts, built as runtime/authorizer.ts builds
// them, so a stage here is the code a miss runs, not a re-implementation.
import { preparsePolicySet, preparseSchema, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { fileURLToPath } from 'node:url';
import { SYSTEM_CLOCK } from '../common/clock.js';
import { demoPrincipal } from '../local/demo-world/demo-data.js';
import { mintDemoToken } from '../local/demo-world/demo-tokens.js';
import { createTables, putEntities, startLocalDynamo } from '../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer } from '../local/issuer/token-issuer.js';
import { policyBundleVersion } from '../runtime/cache/bundle-version.js';
import { DecisionCache } from '../runtime/cache/decision-cache.js';
import { principalFromClaims } from '../runtime/claims/principal-entity.js';
import type { ModeConfig } from '../runtime/config.js';
import { createAuthorizer } from '../runtime/index.js';
import { recordDecision } from '../runtime/observability/decision-line.js';
import { responseContext } from '../runtime/response/outcome.js';
import { RouteTable } from '../runtime/routes/route-table.js';
import { normalizeBearer } from '../runtime/token/extract-token.js';
import { createTokenVerifier } from '../runtime/token/verify-token.js';
import { compileMode } from '../runtime/wiring/compile-mode.js';
import { createParts } from '../runtime/wiring/authorizer-parts.js';
import { interleave } from './lib/interleave.js';
import type { LatencyStats } from './lib/measure.js';
import { userRequestAuthorizerMode, workloadDemo } from './lib/fixture-workload.js';
import { quietTelemetry } from './lib/quiet-telemetry.js';

export interface BreakdownRow {
  readonly stage: string;
  /** The runtime code the stage runs. */
  readonly code: string;
  readonly stats: LatencyStats;
}

export interface FloorBreakdown {
  readonly fullMiss: LatencyStats;
  readonly floor: LatencyStats;
  readonly stages: readonly BreakdownRow[];
  /** Full miss p50 minus the sum of the stages' p50s: promise hops, allocation and GC between the stages. */
  readonly unaccountedP50Us: number;
}

export async function benchFloorBreakdown(iterations = 5_000): Promise<FloorBreakdown> {
  const demo = workloadDemo();
  const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: bundle } = userRequestAuthorizerMode();
  const [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  try {
    const entityStore = CUSTOMER.entityStore;
    if (!entityStore) throw new Error(`the ${CUSTOMER.name} mode has no entity store`);
    await createTables(dynamo.client, [{ name: entityStore.table, keyAttribute: entityStore.keyAttribute }]);
    await putEntities(dynamo.client, entityStore.table, demo.entities);
    const token = mintDemoToken(issuer, CUSTOMER, demoPrincipal(demo, CUSTOMER.name, 'alice'));
    const mode: ModeConfig = {
      ...CUSTOMER,
      entityStore: { ...entityStore, cacheTtlSeconds: 300 },
      cache: { ttlSeconds: 300, decisionCacheSize: 0 },
    };
    const input = { rawToken: `Bearer ${token}`, method: 'GET', path: '/accounts/acct-1', headers: {}, query: {} };
    const full = createAuthorizer({
      mode,
      bundle,
      dependencies: { jwksFetcher: issuer.fetcher, dynamoDb: dynamo.client, telemetry: quietTelemetry, env: {} },
    });

    // The parts, as runtime/authorizer.ts wires them.
    const routes = new RouteTable(mode.routes);
    const verifier = createTokenVerifier(mode.identitySource, { jwksTimeoutMs: 1500, env: {}, fetcher: issuer.fetcher });
    const parts = createParts({ mode, bundle, env: {}, clock: SYSTEM_CLOCK, dynamoDb: dynamo.client });
    const compiled = compileMode(mode);
    if (compiled instanceof Error) throw compiled;
    const decisions = new DecisionCache<unknown>({
      maxEntries: 0,
      ttlSeconds: 300,
      clock: SYSTEM_CLOCK,
      policyVersion: policyBundleVersion(bundle),
    });
    const line = { telemetry: quietTelemetry, modeName: mode.name };

    const verified = await verifier.verify(token);
    const principal = principalFromClaims(verified.claims, compiled.claims);
    const match = routes.matchTarget(input);
    const resource = compiled.requests.resource(match, input);
    const loaded = await parts.entityLoader.load({ principal, resources: [resource], resourcesRequired: true });
    const request = {
      principal: principal.uid,
      action: { type: mode.actionEntityType, id: match.route.action },
      resource,
      context: compiled.requests.context(match.route, input, verified.claims),
      entities: loaded.entities,
    };
    const decision = await parts.engine.isAuthorized(request, {});
    if (decision.decision !== 'allow') throw new Error(`the breakdown's request should be allowed, got ${decision.decision}`);

    const source = mode.identitySource;
    if (source.kind !== 'cognito') throw new Error('the breakdown needs a Cognito mode');
    const floorVerifier = CognitoJwtVerifier.create({
      userPoolId: source.userPoolId,
      tokenUse: source.tokenUse,
      clientId: [...source.clientIds],
    });
    floorVerifier.cacheJwks(issuer.jwks() as Parameters<typeof floorVerifier.cacheJwks>[0]);
    const registryId = 'bench-floor-breakdown';
    const parsed = preparsePolicySet(registryId, {
      staticPolicies: { ...bundle.policies },
      templates: { ...bundle.templates },
      templateLinks: [],
    });
    const schema = preparseSchema(registryId, bundle.schema as Parameters<typeof preparseSchema>[1]);
    if (parsed.type === 'failure' || schema.type === 'failure') throw new Error('the floor could not preparse the bundle');
    const floorCedar = () =>
      statefulIsAuthorized({
        ...request,
        context: { ...request.context },
        entities: [...request.entities],
        preparsedPolicySetId: registryId,
        preparsedSchemaName: registryId,
        validateRequest: true,
      });

    const stages = {
      'full miss': () => full.authorize(input),
      floor: () => {
        floorVerifier.verifySync(token);
        floorCedar();
      },
      'token text + route match + cache key': () => {
        const raw = normalizeBearer(input.rawToken);
        const found = routes.matchTarget(input);
        decisions.key([raw, found.route.key, found.pathParameters, compiled.requests.cacheInputs(found, input)]);
      },
      'verify (ours: async, alg check, JWKS cache)': () => verifier.verify(token),
      'verifySync (floor)': () => floorVerifier.verifySync(token),
      'claims → principal entity': () => principalFromClaims(verified.claims, compiled.claims),
      'route resource + context': () => {
        compiled.requests.resource(match, input);
        compiled.requests.context(match.route, input, verified.claims);
      },
      'tenant + entities (warm cache)': () =>
        Promise.all([
          parts.storeResolver.resolve(principal.tenantId),
          parts.entityLoader.load({ principal, resources: [resource], resourcesRequired: true }),
        ]),
      'engine.isAuthorized (ours)': () => parts.engine.isAuthorized(request, {}),
      'statefulIsAuthorized (floor)': floorCedar,
      'outcome + decision line': () => {
        responseContext(principal, decision);
        recordDecision(line, {
          started: performance.now(),
          result: 'allow',
          cacheHit: false,
          details: { determiningPolicies: decision.determiningPolicies },
        });
      },
    } as const;
    const stats = await interleave(stages, { iterations });
    const code: Record<string, string> = {
      'token text + route match + cache key':
        'runtime/token/extract-token.ts, runtime/routes/route-table.ts, runtime/cache/decision-cache.ts',
      'verify (ours: async, alg check, JWKS cache)': 'runtime/token/verify-token.ts',
      'verifySync (floor)': 'aws-jwt-verify',
      'claims → principal entity': 'runtime/claims/principal-entity.ts',
      'route resource + context': 'runtime/routes/request-mapping.ts',
      'tenant + entities (warm cache)': 'runtime/tenancy, runtime/entities',
      'engine.isAuthorized (ours)': 'runtime/engine/local-engine.ts',
      'statefulIsAuthorized (floor)': 'cedar-wasm',
      'outcome + decision line': 'runtime/response/outcome.ts, runtime/observability/decision-line.ts',
    };
    const rows = Object.keys(code).map((stage) => ({ stage, code: code[stage] ?? '', stats: stats[stage as keyof typeof stages] }));
    const ours = rows.filter((row) => !row.stage.includes('(floor)'));
    const sum = ours.reduce((total, row) => total + row.stats.p50Us, 0);
    return {
      fullMiss: stats['full miss'],
      floor: stats.floor,
      stages: rows,
      unaccountedP50Us: Math.round((stats['full miss'].p50Us - sum) * 10) / 10,
    };
  } finally {
    await Promise.all([issuer.close(), dynamo.close()]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const iterations = Number(process.argv[process.argv.indexOf('--iterations') + 1] ?? '') || 5_000;
  const r = await benchFloorBreakdown(iterations);
  const rows = [
    ['full miss', r.fullMiss.p50Us, ''],
    ['floor', r.floor.p50Us, ''],
    ...r.stages.map((row) => [row.stage, row.stats.p50Us, row.code]),
    ['unaccounted (async hops, GC)', r.unaccountedP50Us, ''],
  ];
  process.stdout.write(
    `${rows.map(([stage, p50, where]) => `${String(stage).padEnd(48)} ${String(p50).padStart(8)} µs  ${where}`).join('\n')}\n`,
  );
}
