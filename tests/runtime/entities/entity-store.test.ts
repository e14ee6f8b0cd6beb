import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEntityStore, entityKey } from '../../../runtime/entities/entity-store.js';
import { EntityStoreError } from '../../../runtime/errors.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';

const table = 'billing-entities';
const account = {
  uid: { type: 'Billing::Account', id: 'acct-1' },
  attrs: { owner: { __entity: { type: 'Billing::Customer', id: 'cust-1' } }, frozen: false },
  parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
};
const quoted = { uid: { type: 'Billing::Account', id: 'acct "2"' }, attrs: { frozen: true }, parents: [] };

describe('the entity store (DynamoDB BatchGetItem through dynalite)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createTables(dynamo.client, [{ name: table, keyAttribute: 'uid' }]);
    await putEntities(dynamo.client, table, [account, quoted]);
  });
  afterAll(() => dynamo.close());

  const store = (cacheTtlMs = 5_000) =>
    new DynamoEntityStore({ client: dynamo.client, table, keyAttribute: 'uid', cacheTtlMs, timeoutMs: 1_000 });

  it('keys entities by Cedar uid spelling, quoting ids safely', () => {
    expect(entityKey({ type: 'Billing::Account', id: 'acct-1' })).toBe('Billing::Account::"acct-1"');
    expect(entityKey({ type: 'Billing::Account', id: 'acct "2"' })).toBe('Billing::Account::"acct \\"2\\""');
  });

  it('loads the entities that exist and leaves out the ones that do not', async () => {
    const found = await store().load([account.uid, quoted.uid, { type: 'Billing::Account', id: 'nope' }]);
    expect(found.map((e) => e.uid).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))).toEqual(
      [quoted.uid, account.uid].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    );
    expect(found.find((e) => JSON.stringify(e.uid) === JSON.stringify(account.uid))).toEqual(account);
  });

  it('serves repeated reads from its short cache', async () => {
    const entities = store();
    await entities.load([account.uid]);
    await dynamo.client.send(new DeleteItemCommand({ TableName: table, Key: { uid: { S: entityKey(account.uid) } } }));
    expect(await entities.load([account.uid])).toHaveLength(1);
    expect(await store().load([account.uid])).toEqual([]);
    await putEntities(dynamo.client, table, [account]);
  });

  it('refuses an item whose entity is not JSON', async () => {
    await dynamo.client.send(
      new PutItemCommand({ TableName: table, Item: { uid: { S: 'Billing::Account::"broken"' }, entity: { S: '{not json' } } }),
    );
    await expect(store().load([{ type: 'Billing::Account', id: 'broken' }])).rejects.toThrow(EntityStoreError);
  });

  it('fails with EntityStoreError when DynamoDB is down', async () => {
    const down = await startLocalDynamo();
    const entities = new DynamoEntityStore({ client: down.client, table, keyAttribute: 'uid', cacheTtlMs: 0, timeoutMs: 300 });
    await down.close();
    await expect(entities.load([account.uid])).rejects.toThrow(EntityStoreError);
  });

  it("reads more than 100 keys in chunks of 100 (BatchGetItem's limit), finding every entity", async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({
      uid: { type: 'Billing::Account', id: `many-${i}` },
      attrs: { frozen: false },
      parents: [],
    }));
    await putEntities(dynamo.client, table, many);

    const found = await store().load(many.map((entity) => entity.uid));

    const keys = (uids: readonly unknown[]) => uids.map((uid) => JSON.stringify(uid)).sort();
    expect(keys(found.map((entity) => entity.uid))).toEqual(keys(many.map((entity) => entity.uid)));
  });

  it('round-trips entity tags through the seeder and the store', async () => {
    const tagged = { uid: { type: 'Billing::Account', id: 'tagged' }, attrs: {}, parents: [], tags: { region: 'eu', limit: 5 } };
    await putEntities(dynamo.client, table, [tagged]);

    expect(await store().load([tagged.uid])).toEqual([tagged]);
  });

  it('remembers an absent entity for the cache TTL, on the injected clock', async () => {
    let now = 1_000_000;
    const entities = new DynamoEntityStore({
      client: dynamo.client,
      table,
      keyAttribute: 'uid',
      cacheTtlMs: 5_000,
      timeoutMs: 1_000,
      clock: { now: () => now },
    });
    const late = { uid: { type: 'Billing::Account', id: 'late' }, attrs: {}, parents: [] };
    await entities.load([late.uid]);
    await putEntities(dynamo.client, table, [late]);

    const during = await entities.load([late.uid]);
    now += 5_000;
    const after = await entities.load([late.uid]);

    expect(during).toEqual([]);
    expect(after).toEqual([late]);
  });

  it('refuses an item whose tags are not a map', async () => {
    await dynamo.client.send(
      new PutItemCommand({
        TableName: table,
        Item: { uid: { S: 'Billing::Account::"bad-tags"' }, entity: { S: '{"attrs":{},"parents":[],"tags":[1]}' } },
      }),
    );

    await expect(store().load([{ type: 'Billing::Account', id: 'bad-tags' }])).rejects.toThrow(
      new EntityStoreError('entity Billing::Account::"bad-tags" in billing-entities has tags that are not a map'),
    );
  });
});
