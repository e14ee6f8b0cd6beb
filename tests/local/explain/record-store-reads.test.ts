// What explain shows as "read from the entity store": the entity table's items, through a middleware on the real client.
import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStoreReads, type StoreReads } from '../../../local/explain/record-store-reads.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';

const ENTITIES = 'explain-entities';
const LINKS = 'explain-links';
const ACCOUNT = {
  uid: { type: 'Billing::Account', id: 'acct-1' },
  attrs: { frozen: false },
  parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
};

let dynamo: LocalDynamo;
let reads: StoreReads;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTables(dynamo.client, [
    { name: ENTITIES, keyAttribute: 'uid' },
    { name: LINKS, keyAttribute: 'uid' },
  ]);
  await putEntities(dynamo.client, ENTITIES, [ACCOUNT]);
  await dynamo.client.send(
    new PutItemCommand({ TableName: LINKS, Item: { uid: { S: 'Billing::CustomerUser::"eva"' }, links: { S: '[]' } } }),
  );
  reads = recordStoreReads(dynamo.client, { name: ENTITIES, keyAttribute: 'uid' });
  await dynamo.client.send(
    new BatchGetItemCommand({
      RequestItems: {
        [ENTITIES]: { Keys: [{ uid: { S: 'Billing::Account::"acct-1"' } }, { uid: { S: 'Billing::Tenant::"bank-a"' } }] },
        [LINKS]: { Keys: [{ uid: { S: 'Billing::CustomerUser::"eva"' } }, { uid: { S: 'Billing::CustomerUser::"ada"' } }] },
      },
    }),
  );
});

afterAll(async () => {
  await dynamo.close();
});

describe('recordStoreReads', () => {
  it("records the entity table's items as Cedar entities, and only those", () => {
    expect(reads.entities).toEqual([ACCOUNT]);
  });

  it("records the entity uids asked for and not found, leaving other tables' keys out", () => {
    expect(reads.missing).toEqual(['Billing::Tenant::"bank-a"']);
  });
});
