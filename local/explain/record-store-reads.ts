// Records the entities the runtime reads from its entity store, by watching the real DynamoDB client it is given.
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';

export interface StoreReads {
  /** Every entity item the runtime's reads returned, in the order they came back. */
  readonly entities: EntityJson[];
  /** The uids asked for that the store did not hold: a missing resource, a parent never seeded. */
  readonly missing: string[];
}

type Item = Record<string, AttributeValue>;

/**
 * Adds a middleware to `client` that copies what each read of the entity table returns. It changes nothing the
 * runtime sees: the same output is passed on. Reads of other tables (template links, tenants) are not entities.
 */
export function recordStoreReads(client: DynamoDBClient, table: { readonly name: string; readonly keyAttribute: string }): StoreReads {
  const { name, keyAttribute } = table;
  const reads: StoreReads = { entities: [], missing: [] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'BatchGetItemCommand' || context.commandName === 'GetItemCommand') {
        const asked = requestedKeys(args.input, name, keyAttribute);
        const items = returnedItems(result.output, name, args.input);
        const found = new Set<string>();
        for (const item of items) {
          const entity = storedEntity(item, keyAttribute);
          if (!entity) continue;
          found.add(entity.key);
          reads.entities.push(entity.entity);
        }
        reads.missing.push(...asked.filter((key) => !found.has(key) && isEntityKey(key)));
      }
      return result;
    },
    { step: 'initialize', name: 'explainRecordStoreReads' },
  );
  return reads;
}

function requestedKeys(input: object, table: string, keyAttribute: string): string[] {
  const keys: Item[] = [];
  if ('RequestItems' in input && isRecord(input.RequestItems)) {
    const request = input.RequestItems[table];
    if (isRecord(request) && Array.isArray(request['Keys'])) keys.push(...(request['Keys'] as Item[]));
  }
  if ('Key' in input && isRecord(input.Key) && 'TableName' in input && input.TableName === table) keys.push(input.Key as Item);
  return keys.flatMap((key) => (typeof key[keyAttribute]?.S === 'string' ? [key[keyAttribute].S] : []));
}

function returnedItems(output: object, table: string, input: object): Item[] {
  if ('Responses' in output && isRecord(output.Responses)) {
    const items = output.Responses[table];
    return Array.isArray(items) ? (items as Item[]) : [];
  }
  if ('Item' in output && isRecord(output.Item) && 'TableName' in input && input.TableName === table) return [output.Item as Item];
  return [];
}

/** An item of the entity store: key `Ns::Type::"id"`, attribute `entity` holding `{ attrs, parents, tags? }`. */
function storedEntity(item: Item, keyAttribute: string): { key: string; entity: EntityJson } | undefined {
  const key = item[keyAttribute]?.S;
  const body = item['entity']?.S;
  const uid = key !== undefined ? parseEntityKey(key) : undefined;
  if (key === undefined || body === undefined || !uid) return undefined;
  try {
    const stored = JSON.parse(body) as Partial<EntityJson>;
    return { key, entity: { ...stored, uid, attrs: stored.attrs ?? {}, parents: stored.parents ?? [] } };
  } catch {
    // The runtime reports a malformed item itself (a Deny with its reason); there is nothing to show here.
    return undefined;
  }
}

/** `Ns::User::"alice"` → `{ type: 'Ns::User', id: 'alice' }`. */
export function parseEntityKey(key: string): { type: string; id: string } | undefined {
  const at = key.indexOf('::"');
  if (at < 0) return undefined;
  try {
    const id: unknown = JSON.parse(key.slice(at + 2));
    return typeof id === 'string' ? { type: key.slice(0, at), id } : undefined;
  } catch {
    return undefined;
  }
}

function isEntityKey(key: string): boolean {
  return parseEntityKey(key) !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
