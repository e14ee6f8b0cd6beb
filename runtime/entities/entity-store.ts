// Reads Cedar entities (attributes, parents, tags) from DynamoDB with BatchGetItem, cached briefly in memory.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Clock } from '../../common/clock.js';
import { ENTITY_CACHE_BYTES } from '../cache/memory-budgets.js';
import { estimateBytes, stringBytes } from '../cache/size-estimate.js';
import { type CacheSize, type SizedCache, TtlLruCache } from '../cache/ttl-lru.js';
import { EntityStoreError } from '../errors.js';
import { batchGetByKey } from './batch-get.js';

export interface EntityStore {
  /** Returns the entities found; a missing one is simply absent. Throws EntityStoreError when the store fails. */
  load(uids: readonly TypeAndId[]): Promise<EntityJson[]>;
}

/** The key of an entity item: Cedar's own uid spelling, `Ns::User::"alice"`. */
export function entityKey(uid: TypeAndId): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

/** What an item's `entity` attribute holds, as JSON text. */
export interface StoredEntity {
  readonly attrs: EntityJson['attrs'];
  readonly parents: EntityJson['parents'];
  /** Cedar entity tags (`hasTag`/`getTag`): a map of Cedar JSON values, kept apart from the attributes. */
  readonly tags?: NonNullable<EntityJson['tags']>;
}

export interface DynamoEntityStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly keyAttribute: string;
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** @default 10000 */
  readonly maxCachedEntities?: number;
  /** @default ENTITY_CACHE_BYTES */
  readonly maxCachedBytes?: number;
  /** Brings a read entity into the form the engines take (see SchemaShapes.normalize); done once, before caching. */
  readonly normalize?: (entity: EntityJson, key: string) => EntityJson;
  /** Expires the cache. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
}

export class DynamoEntityStore implements EntityStore, SizedCache {
  readonly name = 'Entities';
  /** `null` remembers that an entity is absent, so a token's unstored group is not read again on every request. */
  private readonly cache: TtlLruCache<string, EntityJson | null>;

  constructor(private readonly options: DynamoEntityStoreOptions) {
    this.cache = new TtlLruCache(options.maxCachedEntities ?? 10_000, options.clock, {
      maxBytes: options.maxCachedBytes ?? ENTITY_CACHE_BYTES,
      sizeOf: (key, entity) => stringBytes(key) + estimateBytes(entity),
    });
  }

  size(): CacheSize {
    return this.cache.stats();
  }

  async load(uids: readonly TypeAndId[]): Promise<EntityJson[]> {
    const found: EntityJson[] = [];
    const missing = new Map<string, TypeAndId>();
    for (const uid of uids) {
      const key = entityKey(uid);
      const cached = this.cache.get(key);
      if (cached) found.push(cached);
      else if (cached === undefined) missing.set(key, uid);
    }
    if (missing.size === 0) return found;
    const { client, table, keyAttribute, timeoutMs, cacheTtlMs, normalize } = this.options;
    const items = await batchGetByKey([...missing.keys()], {
      client,
      table,
      keyAttribute,
      timeoutMs,
      failure: (message, cause) => new EntityStoreError(`entity store ${message}`, { cause }),
    });
    for (const [key, uid] of missing) {
      const body = items.get(key)?.['entity']?.S;
      if (body === undefined) {
        this.cache.set(key, null, cacheTtlMs);
        continue;
      }
      const parsed = parseStoredEntity(uid, body, table);
      const entity = normalize ? normalize(parsed, key) : parsed;
      this.cache.set(key, entity, cacheTtlMs);
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
  if (
    !stored ||
    typeof stored !== 'object' ||
    typeof stored.attrs !== 'object' ||
    stored.attrs === null ||
    !Array.isArray(stored.parents)
  ) {
    throw new EntityStoreError(`entity ${entityKey(uid)} in ${table} lacks attrs or parents`);
  }
  if (stored.tags !== undefined && (stored.tags === null || typeof stored.tags !== 'object' || Array.isArray(stored.tags))) {
    throw new EntityStoreError(`entity ${entityKey(uid)} in ${table} has tags that are not a map`);
  }
  return { uid, attrs: stored.attrs, parents: stored.parents, ...(stored.tags ? { tags: stored.tags } : {}) };
}
