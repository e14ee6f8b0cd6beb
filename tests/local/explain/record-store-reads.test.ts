// What explain shows as "read from the entity store": the entity table's items, through a middleware on the real client.
import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStoreReads, type StoreReads } from '../../../local/explain/record-store-reads.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';

const ENTITIES = 'explain-entities';
const LINKS = 'explain-links';
const ACCOUNT = {
  uid: { type: 'Payments::Account', id: 'acct-1' },
  attrs: { frozen: false },
  parents: [{ type: 'Payments::Customer', id: 'cust-1' }],
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
    new PutItemCommand({ TableName: LINKS, Item: { uid: { S: 'Payments::CustomerUser::"eva"' }, links: { S: '[]' } } }),
  );
  reads = recordStoreReads(dynamo.client, { name: ENTITIES, keyAttribute: 'uid' });
  await dynamo.client.send(
    new BatchGetItemCommand({
      RequestItems: {
        [ENTITIES]: { Keys: [{ uid: { S: 'Payments::Account::"acct-1"' } }, { uid: { S: 'Payments::Tenant::"bank-a"' } }] },
        [LINKS]: { Keys: [{ uid: { S: 'Payments::CustomerUser::"eva"' } }, { uid: { S: 'Payments::CustomerUser::"ada"' } }] },
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
    expect(reads.missing).toEqual(['Payments::Tenant::"bank-a"']);
  });
});
