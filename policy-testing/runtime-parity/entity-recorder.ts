// Watches what the runtime reads and sends, through the explain tool's middleware on the real SDK clients it is given:
// the entity items DynamoDB returned, and the entity list each AVP request carried. Nothing is changed on the way.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { recordAvpCalls, type AvpCall } from '../../local/explain/record-avp-calls.js';
import { recordStoreReads, type StoreReads } from '../../local/explain/record-store-reads.js';

export interface RecordedRequests {
  /** Entity items the runtime's store reads returned, in read order. */
  readonly storeReads: readonly EntityJson[];
  /** The entity lists of AVP authorization requests, one per request. */
  readonly avpEntityLists: readonly (readonly EntityJson[])[];
}

/** Records between `start` and `stop`; cases run one at a time, so one recording at a time is enough. */
export class EntityRecorder {
  private readonly reads = new Map<string, StoreReads>();
  private readonly avpCalls: AvpCall[];
  private marks: { readonly reads: ReadonlyMap<string, number>; readonly avpCalls: number } | undefined;

  constructor(
    private readonly dynamo: DynamoDBClient,
    avp: VerifiedPermissionsClient,
  ) {
    this.avpCalls = recordAvpCalls(avp);
  }

  /** Entity items are found by their key attribute, which each mode names; one watcher per name. */
  watchKeyAttribute(keyAttribute: string): void {
    if (!this.reads.has(keyAttribute)) this.reads.set(keyAttribute, recordStoreReads(this.dynamo, keyAttribute));
  }

  start(): void {
    this.marks = { reads: new Map([...this.reads].map(([key, reads]) => [key, reads.entities.length])), avpCalls: this.avpCalls.length };
  }

  stop(): RecordedRequests {
    const marks = this.marks;
    this.marks = undefined;
    return {
      storeReads: [...this.reads].flatMap(([key, reads]) => reads.entities.slice(marks?.reads.get(key) ?? reads.entities.length)),
      avpEntityLists: this.avpCalls.slice(marks?.avpCalls ?? this.avpCalls.length).map((call) => call.entities),
    };
  }
}
