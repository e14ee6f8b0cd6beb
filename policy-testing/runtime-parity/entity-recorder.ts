// Watches what the runtime reads and sends, through the explain tool's middleware on real SDK clients: the entity
// items its entity table returned, and the entity list each AVP request carried. Nothing is changed on the way.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { recordAvpCalls, type AvpCall } from '../../local/explain/record-avp-calls.js';
import { recordStoreReads, type StoreReads } from '../../local/explain/record-store-reads.js';
import { LOCAL_REGION, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';

export interface RecordedRequests {
  /** Entity items the runtime's entity-table reads returned, in read order. */
  readonly storeReads: readonly EntityJson[];
  /** The entity lists of AVP authorization requests, one per request. */
  readonly avpEntityLists: readonly (readonly EntityJson[])[];
}

export interface EntityTable {
  readonly name: string;
  readonly keyAttribute: string;
}

/** Records between `start` and `stop`; cases run one at a time, so one recording at a time is enough. */
export class EntityRecorder {
  private readonly tables = new Map<string, { readonly client: DynamoDBClient; readonly reads: StoreReads }>();
  private readonly avpCalls: AvpCall[];
  private marks: { readonly reads: ReadonlyMap<string, number>; readonly avpCalls: number } | undefined;

  constructor(
    private readonly dynamo: LocalDynamo,
    avp: VerifiedPermissionsClient,
  ) {
    this.avpCalls = recordAvpCalls(avp);
  }

  /**
   * The DynamoDB client to give the runtime of cases that read `table`: a client of its own (one recorder fits on a
   * client), pointed at the same dynalite, whose entity reads are recorded.
   */
  clientFor(table: EntityTable): DynamoDBClient {
    const known = this.tables.get(table.name);
    if (known) return known.client;
    const client = new DynamoDBClient({ endpoint: this.dynamo.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    this.tables.set(table.name, { client, reads: recordStoreReads(client, table) });
    return client;
  }

  start(): void {
    this.marks = { reads: new Map([...this.tables].map(([name, { reads }]) => [name, reads.entities.length])), avpCalls: this.avpCalls.length };
  }

  stop(): RecordedRequests {
    const marks = this.marks;
    this.marks = undefined;
    return {
      storeReads: [...this.tables].flatMap(([name, { reads }]) => reads.entities.slice(marks?.reads.get(name) ?? reads.entities.length)),
      avpEntityLists: this.avpCalls.slice(marks?.avpCalls ?? this.avpCalls.length).map((call) => call.entities),
    };
  }

  close(): void {
    for (const { client } of this.tables.values()) client.destroy();
    this.tables.clear();
  }
}
