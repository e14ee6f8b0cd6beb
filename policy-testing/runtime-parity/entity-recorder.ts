// Watches what the runtime reads and sends, through middleware on the real SDK clients it is given: the entity items
// DynamoDB returned, and the entity list an AVP request carried. Nothing is changed on the way.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EntityItem, VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { fromAvpEntity } from '../../runtime/engine/avp-values.js';
import { parseEntityUid } from '../entity-uid.js';

export interface RecordedRequests {
  /** Entities read from DynamoDB tables, by table, in read order. */
  readonly storeReads: readonly { readonly table: string; readonly entity: EntityJson }[];
  /** The entity lists of AVP authorization requests, one per request. */
  readonly avpEntityLists: readonly (readonly EntityJson[])[];
}

interface Recording {
  storeReads: { table: string; entity: EntityJson }[];
  avpEntityLists: EntityJson[][];
}

/** Records between `start` and `stop`; cases run one at a time, so one recording at a time is enough. */
export class EntityRecorder {
  private recording: Recording | undefined;

  attachToDynamo(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (this.recording && context.commandName === 'BatchGetItemCommand') this.recordReads(result.output);
        return result;
      },
      { step: 'initialize', name: 'runtimeParityEntityReads' },
    );
  }

  attachToAvp(client: VerifiedPermissionsClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (this.recording && (context.commandName === 'IsAuthorizedCommand' || context.commandName === 'BatchIsAuthorizedCommand')) {
          this.recordAvpRequest(args.input);
        }
        return next(args);
      },
      { step: 'initialize', name: 'runtimeParityAvpRequests' },
    );
  }

  start(): void {
    this.recording = { storeReads: [], avpEntityLists: [] };
  }

  stop(): RecordedRequests {
    const recording = this.recording ?? { storeReads: [], avpEntityLists: [] };
    this.recording = undefined;
    return recording;
  }

  private recordReads(output: unknown): void {
    const responses = isObject(output) && isObject(output['Responses']) ? output['Responses'] : {};
    for (const [table, items] of Object.entries(responses)) {
      if (!Array.isArray(items)) continue;
      for (const item of items) {
        const entity = storedEntity(item);
        if (entity) this.recording?.storeReads.push({ table, entity });
      }
    }
  }

  private recordAvpRequest(input: unknown): void {
    const entities = isObject(input) && isObject(input['entities']) ? input['entities']['entityList'] : undefined;
    if (!Array.isArray(entities)) return;
    // The SDK's own input object: already an EntityItem list, typed loosely by the middleware stack.
    this.recording?.avpEntityLists.push((entities as EntityItem[]).map(fromAvpEntity));
  }
}

/**
 * An entity-store item: a key attribute holding the uid spelling and `entity` holding `{ attrs, parents, tags? }` as
 * JSON text. Items of other tables (template links, tenants) do not parse as entities and are skipped.
 */
function storedEntity(item: unknown): EntityJson | undefined {
  if (!isObject(item)) return undefined;
  const body = isObject(item['entity']) ? item['entity']['S'] : undefined;
  const uid = Object.values(item)
    .map((value) => (isObject(value) && typeof value['S'] === 'string' ? parseEntityUid(value['S']) : undefined))
    .find((parsed) => parsed !== undefined);
  if (typeof body !== 'string' || !uid) return undefined;
  let stored: unknown;
  try {
    stored = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(stored) || !isObject(stored['attrs']) || !Array.isArray(stored['parents'])) return undefined;
  return {
    uid,
    attrs: stored['attrs'] as EntityJson['attrs'],
    parents: stored['parents'] as EntityJson['parents'],
    ...(isObject(stored['tags']) ? { tags: stored['tags'] as NonNullable<EntityJson['tags']> } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
