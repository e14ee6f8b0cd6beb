// A local DynamoDB (dynalite, in memory, on 127.0.0.1) with helpers to create tables and seed Cedar entities.
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { entityKey, type StoredEntity } from '../../runtime/entities/entity-store.js';

/** dynalite ships no types; this is the part of its factory we use. */
type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A real AWS SDK client pointed at the endpoint, with fake static credentials. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

export interface TableSpec {
  readonly name: string;
  /** The string partition key. */
  readonly keyAttribute: string;
}

export const LOCAL_REGION = 'eu-west-1';

export async function startLocalDynamo(options: { readonly port?: number } = {}): Promise<LocalDynamo> {
  // Tables are ACTIVE at once: dynalite's default 500 ms CREATING state only slows tests down.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    close() {
      client.destroy();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

export async function createTables(client: DynamoDBClient, tables: readonly TableSpec[]): Promise<void> {
  for (const table of tables) {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        AttributeDefinitions: [{ AttributeName: table.keyAttribute, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: table.keyAttribute, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
}

/**
 * Writes entities in the layout the runtime's entity store reads: the key is Cedar's uid spelling
 * (`Ns::User::"alice"`) and `entity` holds `{ attrs, parents, tags? }` as JSON text.
 */
export async function putEntities(
  client: DynamoDBClient,
  table: string,
  entities: readonly EntityJson[],
  keyAttribute = 'uid',
): Promise<void> {
  for (const entity of entities) {
    const stored: StoredEntity = { attrs: entity.attrs, parents: entity.parents, ...(entity.tags ? { tags: entity.tags } : {}) };
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { [keyAttribute]: { S: entityKey(entityUid(entity)) }, entity: { S: JSON.stringify(stored) } },
      }),
    );
  }
}

function entityUid(entity: EntityJson): { type: string; id: string } {
  return '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
}
