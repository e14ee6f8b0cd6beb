// Cedarling (Janssen's Cedar PDP, wasm build) side by side with our full decision: same process, token and entities.
//
// Both sides get the same RS256 id token of the customer mode from the local issuer, and both validate it: we with
// aws-jwt-verify against the issuer's JWKS, Cedarling with its own JWT service against the same JWKS, found through
// the issuer's discovery document. Cedarling fetches those with `fetch`, so this process replaces `globalThis.fetch`
// while Cedarling runs and answers the issuer's https URLs from the local issuer. Our side runs the customer mode's
// policies (10); Cedarling runs bench/cedarling/billing-customer.cedar, the same 10 policies restated in its token model
// (the mapping is explained there). Resources are the same local/demo/seed.yaml entities on both sides.
//
// Two workloads, every path measured in turns in one run (bench/lib/interleave.ts):
// - caches off: alice reading her own customer's account (allow) and another customer's account (deny), alternating,
//   so a side that skipped evaluation would be caught by the wrong-decision count;
// - token caches on: the same token calling many distinct accounts in a cycle longer than our decision cache, so our
//   decision cache always misses and only a cache of the verified token can help, as Cedarling's does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type CedarValueJson, type EntityJson, policySetTextToParts } from '@cedar-policy/cedar-wasm/nodejs';
import type { Cedarling } from '@janssenproject/cedarling_wasm';
import { demoPrincipal } from '../local/demo-world/demo-data.js';
import { mintDemoToken } from '../local/demo-world/demo-tokens.js';
import { createTables, putEntities, startLocalDynamo } from '../local/dynamodb/local-dynamodb.js';
import { loopbackPath } from '../local/issuer/loopback-fetcher.js';
import { startLocalIssuer, type LocalIssuer } from '../local/issuer/token-issuer.js';
import type { ModeConfig } from '../runtime/config.js';
import { createAuthorizer } from '../runtime/index.js';
import { interleave } from './lib/interleave.js';
import { round, type LatencyStats } from './lib/measure.js';
import { WORKLOAD_NAMESPACE as NS, userRequestAuthorizerMode, workloadDemo } from './lib/fixture-workload.js';
import { quietTelemetry } from './lib/quiet-telemetry.js';

export type CedarlingBenchResult = CedarlingComparison | { readonly available: false; readonly reason: string };

export interface CedarlingComparison {
  readonly available: true;
  readonly cedarlingVersion: string;
  readonly iterations: number;
  readonly requests: readonly { readonly label: string; readonly expected: Decision }[];
  /**
   * Cedarling as shipped: a validated token is cached (5 s, 100 tokens), so repeats skip the signature check. Measured
   * on the many-resources workload (`manyResources`), where its cache helps exactly as on any other.
   */
  readonly cedarlingTokenCache: LatencyStats;
  /** Cedarling with `CEDARLING_TOKEN_CACHE_MAX_TTL: 0`: every call validates the token. */
  readonly cedarlingNoTokenCache: LatencyStats;
  /** Our createAuthorizer with the decision cache off: verify + claims + entities (entity cache warm) + Cedar. */
  readonly oursMiss: LatencyStats;
  /** Our createAuthorizer with its decision cache: the answer for this exact token and request is reused. */
  readonly oursHit: LatencyStats;
  /**
   * Our createAuthorizer as the mode ships it (decision cache on), on the many-resources workload: every call is a
   * decision-cache miss with a token it has seen before, the path a verified-token cache serves.
   */
  readonly oursTokenCache: LatencyStats;
  readonly manyResources: {
    /** Distinct accounts, called in a cycle: more than the mode's decision cache holds, so it never hits. */
    readonly resources: number;
    readonly decisionCacheSize: number;
    /** Our decision-cache hits while measuring `oursTokenCache`: 0 when the workload does what it says. */
    readonly oursDecisionCacheHits: number;
  };
  /** Policies each side evaluates: the same bundle, restated. */
  readonly policies: { readonly ours: number; readonly cedarling: number };
  /** Our decisions per second divided by Cedarling's, pairing paths that do comparable work. */
  readonly throughputRatios: {
    /** Both validate the token on every call. */
    readonly oursMissOverCedarlingNoTokenCache: number;
    /** Both skip work for a repeated token: our decision cache against Cedarling's token cache. */
    readonly oursHitOverCedarlingTokenCache: number;
    /** Our full validation against Cedarling's cached token. */
    readonly oursMissOverCedarlingTokenCache: number;
    /** One token, many resources: our decision-cache miss with a known token against Cedarling's token cache. */
    readonly oursTokenCacheOverCedarlingTokenCache: number;
  };
  readonly wrongDecisions: number;
  readonly wrongBy: Readonly<Record<string, number>>;
  /** Differences between the two sides that the figures do not show. */
  readonly notes: readonly string[];
}

type Decision = 'allow' | 'deny';

interface BenchRequest {
  readonly label: string;
  readonly accountId: string;
  readonly expected: Decision;
}

const REQUESTS: readonly BenchRequest[] = [
  { label: "alice reads her own customer's account acct-1", accountId: 'acct-1', expected: 'allow' },
  { label: "alice reads another customer's account acct-2", accountId: 'acct-2', expected: 'deny' },
];

/** The trusted issuer's name: Cedarling names the token `customerpool_id_token` and the namespace `CustomerPool`. */
const ISSUER_NAME = 'CustomerPool';
const TOKEN_MAPPING = `${ISSUER_NAME}::Id_token`;
const POLICY_FILE = fileURLToPath(new URL('./cedarling/billing-customer.cedar', import.meta.url));
/** Distinct accounts of the many-resources workload, at least: twice the mode's decision cache when that is larger. */
const MANY_RESOURCES = 2_000;
const SCHEMA_FILE = fileURLToPath(new URL('./cedarling/billing-customer.cedarschema', import.meta.url));
const PACKAGE = '@janssenproject/cedarling_wasm';

export async function benchCedarling(iterations = 5_000): Promise<CedarlingBenchResult> {
  // The fixed workload (bench/lib/fixture-workload.ts): the billing fixture's user-pool REST mode and its demo world.
  const demo = workloadDemo();
  const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = userRequestAuthorizerMode();
  const [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  const restoreFetch = serveIssuerToFetch(issuer);
  try {
    const token = mintDemoToken(issuer, CUSTOMER, demoPrincipal(demo, CUSTOMER.name, 'alice'));
    let wrong = 0;
    const wrongBy: Record<string, number> = {};
    const check = (section: string, expected: Decision, actual: string) => {
      if (actual === expected) return;
      wrong++;
      wrongBy[section] = (wrongBy[section] ?? 0) + 1;
    };
    const pick = (i: number): BenchRequest => {
      const request = REQUESTS[i % REQUESTS.length];
      if (!request) throw new Error(`no request ${i}`);
      return request;
    };
    const decisionCacheSize = CUSTOMER.cache.decisionCacheSize;
    const many = manyAccounts(demo.entities, Math.max(MANY_RESOURCES, 2 * decisionCacheSize));
    const entities = [...demo.entities, ...many.map((account) => account.entity)];

    let cedarling: Awaited<ReturnType<typeof startCedarling>>;
    try {
      cedarling = await startCedarling(issuer);
    } catch (error) {
      return { available: false, reason: describe(error) };
    }
    const pairText = new Map(
      REQUESTS.map((request) => [request.accountId, cedarlingRequest(token, resourceEntity(entities, request.accountId))]),
    );
    const manyText = many.map((account) => cedarlingRequest(token, account.entity));
    const cedarlingDecide = async (instance: Cedarling, text: string): Promise<Decision> => {
      try {
        const result = await instance.authorize_multi_issuer(text);
        const decision: Decision = result.decision ? 'allow' : 'deny';
        result.free();
        return decision;
      } catch {
        // Cedarling throws when no token validates: for an authorizer that is a refusal.
        return 'deny';
      }
    };

    const entityStore = CUSTOMER.entityStore;
    if (!entityStore) throw new Error(`the ${CUSTOMER.name} mode has no entity store`);
    await createTables(dynamo.client, [{ name: entityStore.table, keyAttribute: entityStore.keyAttribute }]);
    await putEntities(dynamo.client, entityStore.table, entities);
    // Entities stay cached for the whole run, as in bench/authorizer-decision.ts: a miss times verify + mapping +
    // Cedar, not DynamoDB. Cedarling gets its resource in the request, so neither side reads a store here.
    const base: ModeConfig = { ...CUSTOMER, entityStore: { ...entityStore, cacheTtlSeconds: 300 } };
    const dependencies = { jwksFetcher: issuer.fetcher, dynamoDb: dynamo.client, telemetry: quietTelemetry, env: {} };
    const inputFor = (accountId: string) => ({
      rawToken: `Bearer ${token}`,
      method: 'GET',
      path: `/accounts/${accountId}`,
      headers: {},
      query: {},
    });
    const pairInputs = new Map(REQUESTS.map((request) => [request.accountId, inputFor(request.accountId)]));
    const manyInputs = many.map((account) => inputFor(account.accountId));
    const missing = createAuthorizer({
      mode: { ...base, cache: { ttlSeconds: 300, decisionCacheSize: 0 } },
      bundle: CUSTOMER_BUNDLE,
      dependencies,
    });
    const hitting = createAuthorizer({ mode: base, bundle: CUSTOMER_BUNDLE, dependencies });
    const shipped = createAuthorizer({ mode: base, bundle: CUSTOMER_BUNDLE, dependencies });
    // Each authorizer has its own entity cache: every account is read once by the one that meets them all, so its cache
    // is warm before any timing (the cycle below then starts where its decision cache no longer holds anything).
    for (const input of manyInputs) await shipped.authorize(input);

    // The many-resources workload walks its accounts in one cycle per path, whatever index the sampler passes, so a
    // path never meets an account again before the whole cycle (longer than the decision cache) has passed.
    const cycle = () => {
      let next = 0;
      return () => {
        const account = many[next % many.length];
        next++;
        if (!account) throw new Error('the many-resources workload is empty');
        return account;
      };
    };
    const cedarlingMany = cycle();
    const oursMany = cycle();
    let oursDecisionCacheHits = 0;
    let measuring = false;
    const paths = {
      cedarlingNoTokenCache: async (i: number) => {
        const request = pick(i);
        check(
          'cedarling no token cache',
          request.expected,
          await cedarlingDecide(cedarling.uncached, pairText.get(request.accountId) ?? ''),
        );
      },
      oursMiss: async (i: number) => {
        const request = pick(i);
        check('ours miss', request.expected, (await missing.authorize(pairInputs.get(request.accountId) ?? inputFor('none'))).result);
      },
      cedarlingTokenCache: async () => {
        const account = cedarlingMany();
        check('cedarling token cache', account.expected, await cedarlingDecide(cedarling.cached, manyText[account.index] ?? ''));
      },
      oursTokenCache: async () => {
        const account = oursMany();
        const outcome = await shipped.authorize(manyInputs[account.index] ?? inputFor('none'));
        if (outcome.cacheHit && measuring) oursDecisionCacheHits++;
        check('ours token cache', account.expected, outcome.result);
      },
      oursHit: async (i: number) => {
        const request = pick(i);
        check('ours hit', request.expected, (await hitting.authorize(pairInputs.get(request.accountId) ?? inputFor('none'))).result);
      },
    };
    let stats: Record<keyof typeof paths, LatencyStats>;
    try {
      const warmup = Math.min(1000, Math.floor(iterations / 10));
      for (let i = 0; i < warmup; i++) for (const path of Object.values(paths)) await path(i);
      measuring = true;
      stats = await interleave(paths, { iterations, warmup: 0 });
    } catch (error) {
      return { available: false, reason: `Cedarling started but failed while deciding: ${describe(error)}` };
    } finally {
      cedarling.cached.free();
      cedarling.uncached.free();
    }

    const ratio = (ours: LatencyStats, theirs: LatencyStats) => round(ours.perSecond / Math.max(1, theirs.perSecond), 2);
    return {
      available: true,
      cedarlingVersion: cedarling.version,
      iterations,
      requests: REQUESTS.map(({ label, expected }) => ({ label, expected })),
      cedarlingTokenCache: stats.cedarlingTokenCache,
      cedarlingNoTokenCache: stats.cedarlingNoTokenCache,
      oursMiss: stats.oursMiss,
      oursHit: stats.oursHit,
      oursTokenCache: stats.oursTokenCache,
      manyResources: { resources: many.length, decisionCacheSize, oursDecisionCacheHits },
      policies: { ours: Object.keys(CUSTOMER_BUNDLE.policies).length, cedarling: cedarling.policies },
      throughputRatios: {
        oursMissOverCedarlingNoTokenCache: ratio(stats.oursMiss, stats.cedarlingNoTokenCache),
        oursHitOverCedarlingTokenCache: ratio(stats.oursHit, stats.cedarlingTokenCache),
        oursMissOverCedarlingTokenCache: ratio(stats.oursMiss, stats.cedarlingTokenCache),
        oursTokenCacheOverCedarlingTokenCache: ratio(stats.oursTokenCache, stats.cedarlingTokenCache),
      },
      wrongDecisions: wrong,
      wrongBy,
      notes: [
        `Both sides evaluate the customer bundle: ours ${Object.keys(CUSTOMER_BUNDLE.policies).length} policies, ` +
          `Cedarling the same ${cedarling.policies} restated over token tags (bench/cedarling/billing-customer.cedar).`,
        `Token caches: one token calling ${many.length.toLocaleString('en-US')} distinct accounts in a cycle; our decision ` +
          `cache holds ${decisionCacheSize}, so it never hits (${oursDecisionCacheHits} hits counted while measuring). ` +
          'Whatever our runtime does for a known token on a decision-cache miss is what that row measures.',
        'Every path is measured in turns, block by block, in one run: ratios are read within the run, never across runs.',
        "Cedarling does not check the id token audience by default; ours checks it against the mode's client ids.",
        'Cedarling runs with CEDARLING_LOG_TYPE off and JWT status (revocation list) validation disabled; our telemetry is quiet.',
        'Cedarling takes each request as a JSON string (its only token path); that serialization is inside its figures.',
        'Cedarling gets the resource entity in the request; ours reads it from its entity store, through a warm cache.',
      ],
    };
  } finally {
    restoreFetch();
    await Promise.all([issuer.close(), dynamo.close()]);
  }
}

interface ManyAccount {
  readonly index: number;
  readonly accountId: string;
  readonly entity: EntityJson;
  readonly expected: Decision;
}

/**
 * Accounts made like the seed's acct-1 (alice's customer) and acct-2 (another customer's), alternating, so the
 * many-resources workload is half allow, half deny.
 */
function manyAccounts(seed: readonly EntityJson[], count: number): ManyAccount[] {
  const own = resourceEntity(seed, 'acct-1');
  const other = resourceEntity(seed, 'acct-2');
  return Array.from({ length: count }, (_, index) => {
    const accountId = `acct-many-${index}`;
    const like = index % 2 === 0 ? own : other;
    return {
      index,
      accountId,
      entity: { ...like, uid: { type: `${NS}::Account`, id: accountId } },
      expected: index % 2 === 0 ? 'allow' : 'deny',
    };
  });
}

interface StartedCedarling {
  readonly version: string;
  readonly policies: number;
  readonly cached: Cedarling;
  readonly uncached: Cedarling;
}

async function startCedarling(issuer: LocalIssuer): Promise<StartedCedarling> {
  const require = createRequire(import.meta.url);
  const wasm = (await import(PACKAGE)) as typeof import('@janssenproject/cedarling_wasm');
  const version = (require(`${PACKAGE}/package.json`) as { version: string }).version;
  wasm.initSync({ module: readFileSync(require.resolve(`${PACKAGE}/cedarling_wasm_bg.wasm`)) });
  const { discoveryUri } = issuer.endpointsFor(userRequestAuthorizerMode().MODE_CONFIG);
  const policies = cedarlingPolicies(readFileSync(POLICY_FILE, 'utf8'));
  const policyStore = {
    cedar_version: 'v4.0.0',
    policy_stores: {
      'bench-customer': {
        name: 'bench-customer',
        description: 'the customer bundle in the multi-issuer token model',
        policies,
        schema: { encoding: 'none', content_type: 'cedar', body: readFileSync(SCHEMA_FILE, 'utf8') },
        trusted_issuers: {
          'customer-user-pool': {
            name: ISSUER_NAME,
            description: 'the customer mode Cognito user pool, served by the local issuer',
            openid_configuration_endpoint: discoveryUri,
            token_metadata: { id_token: { trusted: true, entity_type_name: TOKEN_MAPPING, token_id: 'jti' } },
          },
        },
      },
    },
  };
  const config = {
    CEDARLING_APPLICATION_NAME: 'bench-cedarling',
    CEDARLING_POLICY_STORE_LOCAL: JSON.stringify(policyStore),
    CEDARLING_JWT_SIG_VALIDATION: 'enabled',
    CEDARLING_JWT_STATUS_VALIDATION: 'disabled',
    CEDARLING_JWT_SIGNATURE_ALGORITHMS_SUPPORTED: ['RS256'],
    CEDARLING_LOG_TYPE: 'off',
    // A failed fetch during init would otherwise be retried and can end in a wasm trap that kills the process.
    CEDARLING_HTTP_REQUEST_MAX_RETRIES: 0,
  };
  const cached = await wasm.init(config);
  const uncached = await wasm.init({ ...config, CEDARLING_TOKEN_CACHE_MAX_TTL: 0 });
  for (const instance of [cached, uncached]) {
    const failed = instance.failed_trusted_issuer_ids();
    if (failed.length > 0)
      throw new Error(`Cedarling could not load trusted issuer(s) ${failed.join(', ')} (discovery or JWKS fetch failed)`);
  }
  return { version, policies: Object.keys(policies).length, cached, uncached };
}

/** Cedarling's store takes one entry per policy: the file split into its policies, each under its `@id`. */
function cedarlingPolicies(text: string): Record<string, { description: string; policy_content: Record<string, string> }> {
  const parts = policySetTextToParts(text);
  if (parts.type === 'failure') throw new Error(`${POLICY_FILE} does not parse: ${parts.errors.map((e) => e.message).join('; ')}`);
  const entries = parts.policies.map((body) => {
    const id = /@id\("([^"]+)"\)/.exec(body)?.[1];
    if (!id) throw new Error(`a policy of ${POLICY_FILE} has no @id`);
    return [id, { description: id, policy_content: { encoding: 'none', content_type: 'cedar', body } }] as const;
  });
  return Object.fromEntries(entries);
}

/** The multi-issuer request for reading `resource`: the token with its mapping, the action, the resource entity. */
function cedarlingRequest(token: string, resource: EntityJson): string {
  const uid = '__entity' in resource.uid ? resource.uid.__entity : resource.uid;
  // A Customer resource carries its own id (bench/cedarling/billing-customer.cedarschema): a policy cannot read an id.
  const own = uid.type === `${NS}::Customer` ? { customerId: uid.id } : {};
  return JSON.stringify({
    tokens: [{ mapping: TOKEN_MAPPING, payload: token }],
    action: `${NS}::Action::"ViewAccount"`,
    resource: { cedar_entity_mapping: { entity_type: uid.type, id: uid.id }, ...flattenReferences(resource.attrs), ...own },
  });
}

/** The seed entity our entity store serves for this account. */
function resourceEntity(entities: readonly EntityJson[], accountId: string): EntityJson {
  const found = entities.find((entity) => {
    const uid = '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
    return uid.type === `${NS}::Account` && uid.id === accountId;
  });
  if (!found) throw new Error(`the billing fixture's local/demo/seed.yaml has no ${NS}::Account ${accountId}`);
  return found;
}

/** `{ __entity: { type, id } }` becomes `id`: Cedarling's policies compare owners with token claims, which are strings. */
function flattenReferences(attrs: EntityJson['attrs']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).map(([name, value]) => [name, referencedId(value) ?? value]));
}

function referencedId(value: CedarValueJson): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('__entity' in value)) return undefined;
  const target: unknown = value.__entity;
  return target !== null && typeof target === 'object' && 'id' in target && typeof target.id === 'string' ? target.id : undefined;
}

/**
 * Cedarling fetches the discovery document and the JWKS with the global `fetch`. The issuer's https URLs are
 * answered from the local issuer (over loopback HTTP); any other URL goes to the real `fetch`. Cedarling reads
 * `Response.url`, which a constructed Response leaves empty, so it is set to the URL asked for.
 */
function serveIssuerToFetch(issuer: LocalIssuer): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('https://')) return realFetch(input, init);
    const answer = await realFetch(`${issuer.baseUrl}${loopbackPath(url)}`);
    const response = new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchCedarling(), null, 2)}\n`);
}
