// Reads resource entities (owner, tenant, status...) from DynamoDB with BatchGetItem, cached briefly in memory.
import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { TtlLruCache } from '../cache/ttl-lru.js';
import { EntityStoreError } from '../errors.js';

export interface EntityStore {
  /** Returns the entities found; a missing one is simply absent. Throws EntityStoreError when the store fails. */
  load(uids: readonly TypeAndId[]): Promise<EntityJson[]>;
}

/** The key of an entity item: Cedar's own uid spelling, `Payments::Account::"acct-1"`. */
export function entityKey(uid: TypeAndId): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

/** What an item's `entity` attribute holds, as JSON text. */
export interface StoredEntity {
  readonly attrs: EntityJson['attrs'];
  readonly parents: EntityJson['parents'];
}

export interface DynamoEntityStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly keyAttribute: string;
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** @default 10000 */
  readonly maxCachedEntities?: number;
}

export class DynamoEntityStore implements EntityStore {
  private readonly cache: TtlLruCache<string, EntityJson>;

  constructor(private readonly options: DynamoEntityStoreOptions) {
    this.cache = new TtlLruCache(options.maxCachedEntities ?? 10_000);
  }

  async load(uids: readonly TypeAndId[]): Promise<EntityJson[]> {
    const found: EntityJson[] = [];
    const missing = new Map<string, TypeAndId>();
    for (const uid of uids) {
      const key = entityKey(uid);
      const cached = this.cache.get(key);
      if (cached) found.push(cached);
      else missing.set(key, uid);
    }
    if (missing.size === 0) return found;
    const keys = [...missing.keys()];
    if (keys.length > 100) throw new EntityStoreError(`asked for ${keys.length} entities at once; BatchGetItem takes at most 100`);
    const { table, keyAttribute } = this.options;
    let response;
    try {
      response = await this.options.client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys.map((key) => ({ [keyAttribute]: { S: key } })) } } }),
        { abortSignal: AbortSignal.timeout(this.options.timeoutMs) },
      );
    } catch (error) {
      throw new EntityStoreError(`entity store ${table} failed: ${(error as Error).message}`, { cause: error });
    }
    // Unprocessed keys mean throttling: treating them as absent would deny anyway, but say why.
    if (Object.keys(response.UnprocessedKeys ?? {}).length > 0) throw new EntityStoreError(`entity store ${table} throttled the read`);
    for (const item of response.Responses?.[table] ?? []) {
      const key = item[keyAttribute]?.S;
      const uid = key !== undefined ? missing.get(key) : undefined;
      const body = item['entity']?.S;
      if (!uid || body === undefined) continue;
      const entity = parseStoredEntity(uid, body, table);
      this.cache.set(entityKey(uid), entity, this.options.cacheTtlMs);
      found.push(entity);
    }
    return found;
  }
}

function parseStoredEntity(uid: TypeAndId, body: string, table: string): EntityJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EntityStoreError(`entity ${entityKey(uid)} in ${table} is not valid JSON`);
  }
  const stored = parsed as Partial<StoredEntity> | null;
  if (!stored || typeof stored !== 'object' || typeof stored.attrs !== 'object' || !Array.isArray(stored.parents)) {
    throw new EntityStoreError(`entity ${entityKey(uid)} in ${table} lacks attrs or parents`);
  }
  return { uid, attrs: stored.attrs ?? {}, parents: stored.parents };
}
