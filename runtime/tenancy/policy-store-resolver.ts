// Finds the policy store to ask: a static id, or per tenant through a DynamoDB table, cached with a TTL and a bound.
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../common/clock.js';
import { TENANT_CACHE_BYTES } from '../cache/memory-budgets.js';
import { stringBytes } from '../cache/size-estimate.js';
import { type CacheSize, type SizedCache, TtlLruCache } from '../cache/ttl-lru.js';
import type { TenancyConfig } from '../config.js';
import { reasonOf, TenantError } from '../errors.js';

export interface PolicyStoreResolver {
  /** The policy store id for this request; undefined when the engine needs none (local). */
  resolve(tenantId: string | undefined): Promise<string | undefined>;
}

export function staticPolicyStore(id: string | undefined): PolicyStoreResolver {
  return { resolve: async () => id };
}

export interface TenantPolicyStoreOptions {
  readonly client: DynamoDBClient;
  readonly lookup: Extract<TenancyConfig, { kind: 'multi' }>['policyStoreLookup'];
  readonly table: string;
  readonly timeoutMs: number;
  /** Expires the cache. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** @default TENANT_CACHE_BYTES */
  readonly maxCachedBytes?: number;
}

const UNKNOWN = Symbol('unknown tenant');

export class TenantPolicyStoreResolver implements PolicyStoreResolver, SizedCache {
  readonly name = 'Tenants';
  private readonly cache: TtlLruCache<string, string | typeof UNKNOWN>;

  constructor(private readonly options: TenantPolicyStoreOptions) {
    this.cache = new TtlLruCache(options.lookup.maxEntries, options.clock, {
      maxBytes: options.maxCachedBytes ?? TENANT_CACHE_BYTES,
      // The UNKNOWN mark is one shared symbol: an unknown tenant costs its id alone.
      sizeOf: (tenantId, storeId) => stringBytes(tenantId) + (storeId === UNKNOWN ? 0 : stringBytes(storeId)),
    });
  }

  size(): CacheSize {
    return this.cache.stats();
  }

  async resolve(tenantId: string | undefined): Promise<string> {
    if (tenantId === undefined || tenantId === '') throw new TenantError('the token names no tenant');
    const cached = this.cache.get(tenantId);
    if (cached === UNKNOWN) throw new TenantError(`tenant ${JSON.stringify(tenantId)} is unknown (cached)`);
    if (cached !== undefined) return cached;

    const { lookup, table } = this.options;
    let item;
    try {
      ({ Item: item } = await this.options.client.send(
        new GetItemCommand({ TableName: table, Key: { [lookup.keyAttribute]: { S: tenantId } }, ConsistentRead: false }),
        { abortSignal: AbortSignal.timeout(this.options.timeoutMs) },
      ));
    } catch (error) {
      // A failed lookup is not cached: the next request tries again.
      throw new TenantError(`tenant lookup in ${table} failed: ${reasonOf(error)}`, { cause: error });
    }
    const storeId = item?.[lookup.policyStoreIdAttribute]?.S;
    if (storeId === undefined || storeId === '') {
      this.cache.set(tenantId, UNKNOWN, lookup.negativeCacheTtlSeconds * 1000);
      throw new TenantError(`tenant ${JSON.stringify(tenantId)} is unknown`);
    }
    this.cache.set(tenantId, storeId, lookup.cacheTtlSeconds * 1000);
    return storeId;
  }
}
