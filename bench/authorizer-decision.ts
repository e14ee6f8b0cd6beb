// The full authorizer decision on the local engine (token verify + claims + entities + Cedar), cache miss and hit,
// side by side with per-call re-parsing (as inline engines do) and the AVP round trip through the local endpoint.
// The workload is fixed (bench/lib/fixture-workload.ts): the billing fixture's user-pool REST mode, alice reading
// her own account, so that numbers stay comparable with bench/baseline.md whatever domain sits at the root.
import { isAuthorized, preparsePolicySet, preparseSchema, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalAvpClient, startLocalAvpEndpoint } from '../local/avp/avp-endpoint.js';
import { demoPrincipal } from '../local/demo-world/demo-data.js';
import { mintDemoToken } from '../local/demo-world/demo-tokens.js';
import { createTables, putEntities, startLocalDynamo } from '../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer } from '../local/issuer/token-issuer.js';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';
import type { AuthorizationRequest, Engine } from '../runtime/engine/decision.js';
import { restRequestAuthorizer, createAuthorizer } from '../runtime/index.js';
import { withoutSchemaForBench } from '../runtime/engine/local-engine.js';
import { measure, summarize, type LatencyStats } from './lib/measure.js';
import { WORKLOAD_NAMESPACE as NS, userRequestAuthorizerMode, workloadDemo } from './lib/fixture-workload.js';
import { interleave } from './lib/interleave.js';
import { quietTelemetry } from './lib/quiet-telemetry.js';

export interface DecisionBenchResult {
  readonly miss: LatencyStats;
  /** The cache-miss path measured side by side, alternating call by call: the schema passed (production) and not. */
  readonly schemaSideBySide: SchemaSideBySide;
  readonly hit: LatencyStats;
  /** The same decision through the generated handler shape (event in, IAM policy out), cache miss. */
  readonly handlerMiss: LatencyStats;
  readonly reparsePerCall: LatencyStats;
  readonly avpRoundTrip: LatencyStats;
  /** The floor and the full cache miss, measured in turns in the same run (see `Floor`). */
  readonly floor: Floor;
  /** Full cache-miss p50 over the floor's p50, from the interleaved run: the goal is ≤ 1.3. */
  readonly floorRatio: number;
  readonly wrongDecisions: number;
  readonly wrongBy: Readonly<Record<string, number>>;
}

export interface SchemaSideBySide {
  readonly schemaPassed: LatencyStats;
  readonly schemaNotPassed: LatencyStats;
  /** (p50 passed − p50 not passed) / p50 not passed, in percent. */
  readonly overheadPercent: number;
}

/**
 * The least any authorizer built on these libraries can do for this request: one RS256 `verifySync` (aws-jwt-verify,
 * key set already cached) plus one `statefulIsAuthorized` on the preparsed bundle and schema, given the very request
 * and entities our engine receives on a miss. Everything else the full miss does is overhead over this floor.
 */
export interface Floor {
  readonly floor: LatencyStats;
  readonly verifyOnly: LatencyStats;
  readonly cedarOnly: LatencyStats;
  readonly fullMiss: LatencyStats;
  readonly entities: number;
}

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/accounts/acct-1';

export async function benchAuthorizerDecision(iterations = 20_000): Promise<DecisionBenchResult> {
  const demo = workloadDemo();
  const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = userRequestAuthorizerMode();
  const [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  try {
    const entityStore = CUSTOMER.entityStore;
    if (!entityStore) throw new Error(`the ${CUSTOMER.name} mode has no entity store`);
    await createTables(dynamo.client, [{ name: entityStore.table, keyAttribute: entityStore.keyAttribute }]);
    await putEntities(dynamo.client, entityStore.table, demo.entities);
    avp.seedPolicyStore({ policyStoreId: 'ps-bench', bundle: CUSTOMER_BUNDLE });
    const token = mintDemoToken(issuer, CUSTOMER, demoPrincipal(demo, CUSTOMER.name, 'alice'));
    // Entities stay cached for the whole run, so a miss times token verify + mapping + Cedar, not DynamoDB.
    const base: ModeConfig = { ...CUSTOMER, entityStore: { ...entityStore, cacheTtlSeconds: 300 } };
    const dependencies = { jwksFetcher: issuer.fetcher, dynamoDb: dynamo.client, telemetry: quietTelemetry, env: {} };
    const input = { rawToken: `Bearer ${token}`, method: 'GET', path: '/accounts/acct-1', headers: {}, query: {} };

    const missing = createAuthorizer({
      mode: { ...base, cache: { ttlSeconds: 300, decisionCacheSize: 0 } },
      bundle: CUSTOMER_BUNDLE,
      dependencies,
    });
    const hitting = createAuthorizer({ mode: base, bundle: CUSTOMER_BUNDLE, dependencies });
    let wrong = 0;
    const wrongBy: Record<string, number> = {};
    let section = 'miss';
    const check = (result: string) => {
      if (result !== 'allow') {
        wrong++;
        wrongBy[section] = (wrongBy[section] ?? 0) + 1;
      }
    };
    const miss = await measure(async () => check((await missing.authorize(input)).result), { iterations });
    section = 'floor';
    const floor = await measureFloor({
      mode: base,
      bundle: CUSTOMER_BUNDLE,
      dependencies,
      input,
      token,
      jwks: issuer.jwks(),
      iterations,
      check,
    });
    // Alternating call by call, so drift in machine load falls on both sides alike.
    const schemaOff = withoutSchemaForBench(() =>
      createAuthorizer({ mode: { ...base, cache: { ttlSeconds: 300, decisionCacheSize: 0 } }, bundle: CUSTOMER_BUNDLE, dependencies }),
    );
    section = 'schema side by side';
    const schemaSideBySide = await sideBySide(
      async () => check((await missing.authorize(input)).result),
      async () => check((await schemaOff.authorize(input)).result),
      iterations,
    );
    section = 'hit';
    const hit = await measure(async () => check((await hitting.authorize(input)).result), { iterations: iterations * 5 });

    const handler = restRequestAuthorizer({
      mode: { ...base, cache: { ttlSeconds: 300, decisionCacheSize: 0 } },
      bundle: CUSTOMER_BUNDLE,
      dependencies,
    });
    const event = {
      type: 'REQUEST',
      methodArn: METHOD_ARN,
      headers: { Authorization: `Bearer ${token}` },
    } as unknown as APIGatewayRequestAuthorizerEvent;
    const handlerMiss = await measure(
      async () => {
        const answer = await handler(event);
        if (answer.policyDocument.Statement[0]?.Effect !== 'Allow') {
          wrong++;
          wrongBy['handler'] = (wrongBy['handler'] ?? 0) + 1;
        }
      },
      { iterations },
    );

    // Inline engines hand cedar-wasm the policy text on every call; same request, same entities.
    const entities = [
      {
        uid: { type: `${NS}::CustomerUser`, id: 'alice' },
        attrs: { userId: 'alice', customer: { __entity: { type: `${NS}::Customer`, id: 'cust-1' } } },
        parents: [{ type: `${NS}::Role`, id: 'payer' }],
      },
      ...demo.entities,
    ];
    const reparsePerCall = await measure(
      () => {
        const answer = isAuthorized({
          principal: { type: `${NS}::CustomerUser`, id: 'alice' },
          action: { type: `${NS}::Action`, id: 'ViewAccount' },
          resource: { type: `${NS}::Account`, id: 'acct-1' },
          context: {},
          policies: { staticPolicies: { ...CUSTOMER_BUNDLE.policies } },
          entities,
        });
        if (answer.type !== 'success' || answer.response.decision !== 'allow') {
          wrong++;
          wrongBy['reparse'] = (wrongBy['reparse'] ?? 0) + 1;
        }
      },
      { iterations: Math.floor(iterations / 2) },
    );

    const remote = createAuthorizer({
      mode: {
        ...base,
        engine: { kind: 'avp', policyStore: { id: 'ps-bench' }, maxRetries: 2 },
        cache: { ttlSeconds: 300, decisionCacheSize: 0 },
      },
      bundle: CUSTOMER_BUNDLE,
      dependencies: { ...dependencies, verifiedPermissions: createLocalAvpClient(avp.url, { maxAttempts: 3 }) },
    });
    section = 'avp';
    const avpRoundTrip = await measure(
      async () => {
        const outcome = await remote.authorize(input);
        check(outcome.result);
        // Name the cause of a refused request, so a fault is told apart from a wrong decision.
        if (outcome.result !== 'allow')
          wrongBy[`avp: ${String(outcome.context['reason'] ?? 'policy')}`] =
            (wrongBy[`avp: ${String(outcome.context['reason'] ?? 'policy')}`] ?? 0) + 1;
      },
      { iterations: Math.floor(iterations / 4) },
    );

    const floorRatio = Math.round((floor.fullMiss.p50Us / floor.floor.p50Us) * 100) / 100;
    return {
      miss,
      schemaSideBySide,
      hit,
      handlerMiss,
      reparsePerCall,
      avpRoundTrip,
      floor,
      floorRatio,
      wrongDecisions: wrong,
      wrongBy,
    };
  } finally {
    await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
  }
}

async function sideBySide(passed: () => Promise<void>, notPassed: () => Promise<void>, iterations: number): Promise<SchemaSideBySide> {
  for (let i = 0; i < Math.min(1000, iterations / 10); i++) {
    await passed();
    await notPassed();
  }
  const on = new Float64Array(iterations);
  const off = new Float64Array(iterations);
  let onSeconds = 0;
  let offSeconds = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await passed();
    const t1 = process.hrtime.bigint();
    await notPassed();
    const t2 = process.hrtime.bigint();
    on[i] = Number(t1 - t0) / 1000;
    off[i] = Number(t2 - t1) / 1000;
    onSeconds += Number(t1 - t0) / 1e9;
    offSeconds += Number(t2 - t1) / 1e9;
  }
  const schemaPassed = summarize(on, onSeconds);
  const schemaNotPassed = summarize(off, offSeconds);
  const overheadPercent = Math.round(((schemaPassed.p50Us - schemaNotPassed.p50Us) / schemaNotPassed.p50Us) * 1000) / 10;
  return { schemaPassed, schemaNotPassed, overheadPercent };
}

interface FloorSetup {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly dependencies: Parameters<typeof createAuthorizer>[0]['dependencies'];
  readonly input: Parameters<ReturnType<typeof createAuthorizer>['authorize']>[0];
  readonly token: string;
  readonly jwks: { readonly keys: readonly unknown[] };
  readonly iterations: number;
  readonly check: (result: string) => void;
}

async function measureFloor(setup: FloorSetup): Promise<Floor> {
  const { mode, bundle, dependencies, input, token, jwks, iterations, check } = setup;
  // The request our engine is asked on a miss, captured once, so the floor decides on exactly the same entities.
  let seen: AuthorizationRequest | undefined;
  const capture = (engine: Engine): Engine => ({
    ...engine,
    isAuthorized: (request, options) => {
      seen = request;
      return engine.isAuthorized(request, options);
    },
  });
  const missOptions = { ...mode, cache: { ttlSeconds: 300, decisionCacheSize: 0 } };
  const capturing = createAuthorizer({ mode: missOptions, bundle, dependencies: { ...dependencies, wrapEngine: capture } });
  check((await capturing.authorize(input)).result);
  const request = seen;
  if (!request) throw new Error('the floor could not capture the engine request: the miss path never reached the engine');
  const missing = createAuthorizer({ mode: missOptions, bundle, dependencies });

  const source = mode.identitySource;
  if (source.kind !== 'cognito') throw new Error(`the floor needs a Cognito mode, got ${source.kind}`);
  const verifier = CognitoJwtVerifier.create({ userPoolId: source.userPoolId, tokenUse: source.tokenUse, clientId: [...source.clientIds] });
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  const registryId = 'bench-floor';
  const parsed = preparsePolicySet(registryId, {
    staticPolicies: { ...bundle.policies },
    templates: { ...bundle.templates },
    templateLinks: [],
  });
  const schema = preparseSchema(registryId, bundle.schema as Parameters<typeof preparseSchema>[1]);
  if (parsed.type === 'failure' || schema.type === 'failure') throw new Error('the floor could not preparse the bundle');
  const call = {
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: { ...request.context },
    entities: [...request.entities],
    preparsedPolicySetId: registryId,
    preparsedSchemaName: registryId,
    validateRequest: true,
  };
  const cedar = () => {
    const answer = statefulIsAuthorized(call);
    check(answer.type === 'success' ? answer.response.decision : 'failure');
  };
  const verify = () => verifier.verifySync(token);
  const stats = await interleave(
    {
      fullMiss: async () => check((await missing.authorize(input)).result),
      floor: () => {
        verify();
        cedar();
      },
      verifyOnly: verify,
      cedarOnly: cedar,
    },
    { iterations },
  );
  return { ...stats, entities: request.entities.length };
}
