// The tenant → policy store cache keeps its three bounds on the injected clock: cacheTtlSeconds for a known tenant,
// negativeCacheTtlSeconds for an unknown one, and maxEntries tenants, least recently used first out.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { TenantError } from '../../../runtime/errors.js';
import { TenantPolicyStoreResolver } from '../../../runtime/tenancy/policy-store-resolver.js';

const lookup = {
  table: 'tenants',
  tableEnv: 'TENANT_TABLE',
  keyAttribute: 'tenantId',
  policyStoreIdAttribute: 'policyStoreId',
  cacheTtlSeconds: 300,
  negativeCacheTtlSeconds: 30,
  maxEntries: 2,
};

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTables(dynamo.client, [{ name: lookup.table, keyAttribute: lookup.keyAttribute }]);
});

afterAll(() => dynamo.close());

/** Onboarding (or moving) a tenant: the table now names this store. */
async function putTenant(tenantId: string, policyStoreId: string): Promise<void> {
  await dynamo.client.send(
    new PutItemCommand({ TableName: lookup.table, Item: { tenantId: { S: tenantId }, policyStoreId: { S: policyStoreId } } }),
  );
}

function resolverAt(start: number) {
  const clock = { now: start };
  const resolver = new TenantPolicyStoreResolver({
    client: dynamo.client,
    lookup,
    table: lookup.table,
    timeoutMs: 2000,
    clock: { now: () => clock.now },
  });
  return { resolver, clock };
}

async function outcome(promise: Promise<string>): Promise<string> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof TenantError) return `TenantError: ${error.message}`;
    throw error;
  }
}

describe('the tenant cache, on the injected clock', () => {
  it('serves a known tenant from its cache until cacheTtlSeconds have passed, then reads the table again', async () => {
    await putTenant('ttl-bank', 'ps-old');
    const { resolver, clock } = resolverAt(1_000_000);
    const first = await resolver.resolve('ttl-bank');

    await putTenant('ttl-bank', 'ps-new');
    clock.now += lookup.cacheTtlSeconds * 1000 - 1;
    const justBefore = await resolver.resolve('ttl-bank');
    clock.now += 1;
    const atTtl = await resolver.resolve('ttl-bank');

    expect([first, justBefore, atTtl]).toEqual(['ps-old', 'ps-old', 'ps-new']);
  });

  it('remembers an unknown tenant for negativeCacheTtlSeconds, then sees it once onboarded', async () => {
    const { resolver, clock } = resolverAt(2_000_000);
    const first = await outcome(resolver.resolve('late-bank'));

    await putTenant('late-bank', 'ps-late');
    clock.now += lookup.negativeCacheTtlSeconds * 1000 - 1;
    const justBefore = await outcome(resolver.resolve('late-bank'));
    clock.now += 1;
    const atTtl = await outcome(resolver.resolve('late-bank'));

    expect(first).toBe('TenantError: tenant "late-bank" is unknown');
    expect(justBefore).toBe('TenantError: tenant "late-bank" is unknown (cached)');
    expect(atTtl).toBe('ps-late');
  });

  it('holds at most maxEntries tenants, evicting the least recently used one first', async () => {
    await Promise.all([putTenant('lru-a', 'ps-a1'), putTenant('lru-b', 'ps-b1'), putTenant('lru-c', 'ps-c1')]);
    const { resolver } = resolverAt(3_000_000);
    await resolver.resolve('lru-a');
    await resolver.resolve('lru-b');
    await resolver.resolve('lru-a');

    await Promise.all([putTenant('lru-a', 'ps-a2'), putTenant('lru-b', 'ps-b2')]);
    // A third tenant pushes out the least recently used one: b (a was read after it).
    await resolver.resolve('lru-c');
    const a = await resolver.resolve('lru-a');
    const b = await resolver.resolve('lru-b');

    expect({ a, b }).toEqual({ a: 'ps-a1', b: 'ps-b2' });
  });
});
