import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantError } from '../../../runtime/errors.js';
import { staticPolicyStore, TenantPolicyStoreResolver } from '../../../runtime/tenancy/policy-store-resolver.js';
import { createTables, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';

const lookup = {
  table: 'billing-tenants',
  tableEnv: 'TENANT_TABLE',
  keyAttribute: 'tenantId',
  policyStoreIdAttribute: 'policyStoreId',
  cacheTtlSeconds: 300,
  negativeCacheTtlSeconds: 30,
  maxEntries: 2,
};

describe('the tenant → policy store lookup (DynamoDB through dynalite)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createTables(dynamo.client, [{ name: lookup.table, keyAttribute: lookup.keyAttribute }]);
    const tenants = [
      ['acme-bank', 'ps-acme'],
      ['globex', 'ps-globex'],
      ['initech', 'ps-initech'],
    ] as const;
    for (const [tenant, store] of tenants) {
      await dynamo.client.send(
        new PutItemCommand({ TableName: lookup.table, Item: { tenantId: { S: tenant }, policyStoreId: { S: store } } }),
      );
    }
  });
  afterAll(() => dynamo.close());

  const resolver = () => new TenantPolicyStoreResolver({ client: dynamo.client, lookup, table: lookup.table, timeoutMs: 1000 });

  it('finds each tenant its own store', async () => {
    const tenants = resolver();
    expect(await tenants.resolve('acme-bank')).toBe('ps-acme');
    expect(await tenants.resolve('globex')).toBe('ps-globex');
  });

  it('denies an unknown tenant, and a request with no tenant', async () => {
    const tenants = resolver();
    await expect(tenants.resolve('umbrella')).rejects.toThrow(TenantError);
    await expect(tenants.resolve('umbrella')).rejects.toThrow(/unknown/);
    await expect(tenants.resolve(undefined)).rejects.toThrow(/no tenant/);
    await expect(tenants.resolve('')).rejects.toThrow(TenantError);
  });

  it('serves a known tenant from its cache when the table changes, within the TTL', async () => {
    const tenants = resolver();
    expect(await tenants.resolve('initech')).toBe('ps-initech');
    await dynamo.client.send(new DeleteItemCommand({ TableName: lookup.table, Key: { tenantId: { S: 'initech' } } }));
    expect(await tenants.resolve('initech')).toBe('ps-initech');
    expect(
      await resolver()
        .resolve('initech')
        .catch((e: Error) => e.name),
    ).toBe('TenantError');
  });

  it('negative-caches an unknown tenant, so onboarding shows after the negative TTL only', async () => {
    const tenants = resolver();
    await expect(tenants.resolve('hooli')).rejects.toThrow(/unknown$/);
    await dynamo.client.send(
      new PutItemCommand({ TableName: lookup.table, Item: { tenantId: { S: 'hooli' }, policyStoreId: { S: 'ps-hooli' } } }),
    );
    await expect(tenants.resolve('hooli')).rejects.toThrow(/unknown \(cached\)/);
    expect(await resolver().resolve('hooli')).toBe('ps-hooli');
  });

  it('denies, and caches nothing, when DynamoDB is down', async () => {
    const down = await startLocalDynamo();
    await createTables(down.client, [{ name: lookup.table, keyAttribute: lookup.keyAttribute }]);
    const tenants = new TenantPolicyStoreResolver({ client: down.client, lookup, table: lookup.table, timeoutMs: 500 });
    await down.close();
    await expect(tenants.resolve('acme-bank')).rejects.toThrow(/tenant lookup in billing-tenants failed/);
  });

  it('a static store answers its id whatever the tenant', async () => {
    expect(await staticPolicyStore('ps-static').resolve('anyone')).toBe('ps-static');
    expect(await staticPolicyStore(undefined).resolve(undefined)).toBeUndefined();
  });
});
