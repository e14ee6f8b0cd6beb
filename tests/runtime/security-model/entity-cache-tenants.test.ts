// Why the entity cache is keyed by uid alone, also in multi-tenant mode: every tenant's entities live in the one
// entity table, whose key is the uid, so two tenants can never hold the same uid with different attributes or
// parents. The cache key is the table key, so a cached entity is always the table's one item for that uid (at most
// entityStore.cacheTtlSeconds old), never another tenant's copy of it.
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { DynamoEntityStore, entityKey } from '../../../runtime/entities/entity-store.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: MULTI_TENANT } = fixtureMode('billing', 'multi-tenant');
const TABLE = 'shared-entities';
const UID = { type: 'Billing::Account', id: 'acct-shared' };

/** The same uid as each tenant's onboarding would write it: its own owner, tenant and parent. */
function accountOf(tenant: string, customer: string): EntityJson {
  return {
    uid: UID,
    attrs: {
      owner: { __entity: { type: 'Billing::Customer', id: customer } },
      tenant: { __entity: { type: 'Billing::Tenant', id: tenant } },
      currency: 'EUR',
      frozen: false,
    },
    parents: [{ type: 'Billing::Customer', id: customer }],
  };
}

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTables(dynamo.client, [{ name: TABLE, keyAttribute: 'uid' }]);
});

afterAll(() => dynamo.close());

function storeAt(clock: { now: number }) {
  return new DynamoEntityStore({
    client: dynamo.client,
    table: TABLE,
    keyAttribute: 'uid',
    cacheTtlMs: 5000,
    timeoutMs: 2000,
    clock: { now: () => clock.now },
  });
}

const tenantOf = (entity: EntityJson | undefined) => JSON.stringify(entity?.attrs['tenant']);

describe('the entity cache across tenants (multi-tenant mode, one entity table)', () => {
  it('multi-tenant mode reads every tenant from one entity table, keyed by uid alone', () => {
    expect(MULTI_TENANT.tenancy.kind).toBe('multi');
    expect(MULTI_TENANT.entityStore).toMatchObject({ table: 'billing-entities', keyAttribute: 'uid' });
  });

  it('holds one item per uid: a second tenant writing the same uid replaces the first, so no two tenants hold it', async () => {
    await putEntities(dynamo.client, TABLE, [accountOf('acme-bank', 'cust-acme')]);
    await putEntities(dynamo.client, TABLE, [accountOf('globex', 'cust-globex')]);

    const items = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
    const item = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { uid: { S: entityKey(UID) } } }));

    expect(items.Items?.map((row) => row['uid']?.S)).toEqual([entityKey(UID)]);
    expect(JSON.parse(item.Item?.['entity']?.S ?? '{}').attrs.tenant).toEqual({ __entity: { type: 'Billing::Tenant', id: 'globex' } });
  });

  it('caches under the table key, so a cached entity is the one stored item, at most cacheTtlSeconds old', async () => {
    const clock = { now: 5_000_000 };
    await putEntities(dynamo.client, TABLE, [accountOf('acme-bank', 'cust-acme')]);
    const warm = storeAt(clock);
    const [before] = await warm.load([UID]);

    // The uid now belongs to globex: the table holds globex's item and nothing of acme-bank's any more.
    await putEntities(dynamo.client, TABLE, [accountOf('globex', 'cust-globex')]);
    const [fresh] = await storeAt(clock).load([UID]);
    clock.now += 4999;
    const [withinTtl] = await warm.load([UID]);
    clock.now += 1;
    const [afterTtl] = await warm.load([UID]);

    expect(tenantOf(before)).toBe('{"__entity":{"type":"Billing::Tenant","id":"acme-bank"}}');
    expect(tenantOf(fresh)).toBe('{"__entity":{"type":"Billing::Tenant","id":"globex"}}');
    // The same bounded staleness as any entity change: the previous item, never a copy kept per tenant.
    expect(tenantOf(withinTtl)).toBe('{"__entity":{"type":"Billing::Tenant","id":"acme-bank"}}');
    expect(tenantOf(afterTtl)).toBe('{"__entity":{"type":"Billing::Tenant","id":"globex"}}');
    expect(afterTtl).toEqual(fresh);
  });
});
