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
 * Adds a middleware to `client` that copies what each read returns. It changes nothing the runtime sees: the same
 * output is passed on. Items are recognized by their `entity` attribute, the entity store's layout.
 */
export function recordStoreReads(client: DynamoDBClient, keyAttribute: string): StoreReads {
  const reads: StoreReads = { entities: [], missing: [] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'BatchGetItemCommand' || context.commandName === 'GetItemCommand') {
        const asked = requestedKeys(args.input, keyAttribute);
        const items = returnedItems(result.output);
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

function requestedKeys(input: object, keyAttribute: string): string[] {
  const keys: Item[] = [];
  if ('RequestItems' in input && isRecord(input.RequestItems)) {
    for (const table of Object.values(input.RequestItems)) if (isRecord(table) && Array.isArray(table['Keys'])) keys.push(...(table['Keys'] as Item[]));
  }
  if ('Key' in input && isRecord(input.Key)) keys.push(input.Key as Item);
  return keys.flatMap((key) => (typeof key[keyAttribute]?.S === 'string' ? [key[keyAttribute].S] : []));
}

function returnedItems(output: object): Item[] {
  if ('Responses' in output && isRecord(output.Responses)) return Object.values(output.Responses).flatMap((items) => (Array.isArray(items) ? (items as Item[]) : []));
  if ('Item' in output && isRecord(output.Item)) return [output.Item as Item];
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

/** `Payments::Account::"acct-1"` → `{ type: 'Payments::Account', id: 'acct-1' }`. */
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
