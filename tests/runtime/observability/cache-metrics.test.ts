// Each cache reports its size (entries and estimated bytes) as a metric: through the authorizer's telemetry, and as
// Powertools EMF metrics named Cache.<name>.Entries and Cache.<name>.Bytes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../../runtime/config.js';
import { MemoryTelemetry, restTokenAuthorizer } from '../../../runtime/index.js';
import { CACHE_METRICS_INTERVAL_MS } from '../../../runtime/observability/cache-metrics.js';
import { powertoolsTelemetry } from '../../../runtime/observability/telemetry.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { account, fixedRoute } from '../support/handler-events.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE } = fixtureMode('billing', 'customer');
const BASE = 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod';

const PARTNER: ModeConfig = {
  ...CUSTOMER,
  name: 'partner',
  api: { ...CUSTOMER.api, authorizer: 'token' },
  routes: [fixedRoute('GET', '/house-account', 'ViewAccount', 'acct-1')],
};
const ACCOUNT = account('acct-1', 'cust-1');

let issuer: LocalIssuer;
let dynamo: LocalDynamo;
beforeAll(async () => {
  [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  await createTables(dynamo.client, [{ name: 'billing-entities', keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, 'billing-entities', [ACCOUNT]);
});
afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close()]);
});

describe('cache size metrics', () => {
  it('an authorizer reports every cache on its first decision, then once per interval of its clock', async () => {
    let now = Date.now();
    const telemetry = new MemoryTelemetry();
    const handler = restTokenAuthorizer({
      mode: PARTNER,
      bundle: POLICY_BUNDLE,
      dependencies: { jwksFetcher: issuer.fetcher, dynamoDb: dynamo.client, telemetry, env: {}, clock: { now: () => now } },
    });
    const token = issuer.mint(
      CUSTOMER,
      issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { userId: 'user-1', customer: 'cust-1' } }),
    );
    const call = () => handler({ type: 'TOKEN', authorizationToken: token, methodArn: `${BASE}/GET/house-account` });

    await call();
    await call();
    now += CACHE_METRICS_INTERVAL_MS - 1;
    await call();
    expect(telemetry.cacheSizes).toHaveLength(1);
    now += 1;
    await call();

    expect(telemetry.cacheSizes).toHaveLength(2);
    const first = new Map(telemetry.cacheSizes[0]?.map(({ name, entries, bytes }) => [name, { entries, bytes }]));
    expect([...first.keys()].sort()).toEqual(['AllRoutesDecisions', 'Decisions', 'Entities', 'PolicySlices', 'Tokens']);
    // The local engine's preparsed slices: one per action the batch asked for (the one route's action).
    expect(first.get('PolicySlices')?.entries).toBe(1);
    expect(first.get('PolicySlices')?.bytes).toBeGreaterThan(0);
    expect(first.get('Tokens')?.entries).toBe(1);
    expect(first.get('AllRoutesDecisions')?.entries).toBe(1);
    expect(first.get('Decisions')).toEqual({ entries: 0, bytes: 0 });
    expect(first.get('Tokens')?.bytes).toBeGreaterThan(500);
  });

  it('Powertools emits each size as an EMF metric: Cache.<name>.Entries (Count) and Cache.<name>.Bytes (Bytes)', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      powertoolsTelemetry('partner').recordCacheSizes([{ name: 'Tokens', entries: 3, bytes: 4096 }]);
    } finally {
      spy.mockRestore();
    }

    const emf = JSON.parse(written.find((line) => line.includes('"_aws"')) ?? '{}') as Record<string, unknown>;
    expect(emf['Cache.Tokens.Entries']).toBe(3);
    expect(emf['Cache.Tokens.Bytes']).toBe(4096);
    const metrics = (emf['_aws'] as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]?.Metrics;
    expect(metrics).toEqual([
      { Name: 'Cache.Tokens.Entries', Unit: 'Count' },
      { Name: 'Cache.Tokens.Bytes', Unit: 'Bytes' },
    ]);
  });
});
