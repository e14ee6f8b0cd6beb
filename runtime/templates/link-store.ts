// Reads a local mode's template links (its delegations) from DynamoDB: one item per linked principal, read for the
// principal and its ancestors in one batch and cached, so a link written at run time applies after the cache TTL.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Clock } from '../../common/clock.js';
import { TEMPLATE_LINK_CACHE_BYTES } from '../cache/memory-budgets.js';
import { estimateBytes, stringBytes } from '../cache/size-estimate.js';
import { type CacheSize, type SizedCache, TtlLruCache } from '../cache/ttl-lru.js';
import type { TemplateLinkRecord } from '../engine/decision.js';
import { entityKey } from '../entities/entity-store.js';
import { batchGetByKey } from '../entities/batch-get.js';
import { TemplateLinkError } from '../errors.js';

export interface TemplateLinkStore {
  /** Every link whose `?principal` is one of `principals`. */
  linksFor(principals: readonly TypeAndId[]): Promise<TemplateLinkRecord[]>;
}

export interface DynamoTemplateLinkStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly keyAttribute: string;
  readonly cacheTtlMs: number;
  readonly timeoutMs: number;
  /** @default 10000 */
  readonly maxCachedPrincipals?: number;
  /** @default TEMPLATE_LINK_CACHE_BYTES */
  readonly maxCachedBytes?: number;
  /** Expires the cache. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
}

export class DynamoTemplateLinkStore implements TemplateLinkStore, SizedCache {
  readonly name = 'TemplateLinks';
  /** Per principal, its links; an empty list remembers that it has none. */
  private readonly cache: TtlLruCache<string, readonly TemplateLinkRecord[]>;

  constructor(private readonly options: DynamoTemplateLinkStoreOptions) {
    this.cache = new TtlLruCache(options.maxCachedPrincipals ?? 10_000, options.clock, {
      maxBytes: options.maxCachedBytes ?? TEMPLATE_LINK_CACHE_BYTES,
      sizeOf: (key, links) => stringBytes(key) + estimateBytes(links),
    });
  }

  size(): CacheSize {
    return this.cache.stats();
  }

  async linksFor(principals: readonly TypeAndId[]): Promise<TemplateLinkRecord[]> {
    const links: TemplateLinkRecord[] = [];
    const missing = new Map<string, TypeAndId>();
    for (const uid of principals) {
      const key = entityKey(uid);
      const cached = this.cache.get(key);
      if (cached) links.push(...cached);
      else missing.set(key, uid);
    }
    if (missing.size === 0) return links;
    const { client, table, keyAttribute, timeoutMs, cacheTtlMs } = this.options;
    const items = await batchGetByKey([...missing.keys()], {
      client,
      table,
      keyAttribute,
      timeoutMs,
      failure: (message, cause) => new TemplateLinkError(`template-link table ${message}`, { cause }),
    });
    for (const [key, principal] of missing) {
      const body = items.get(key)?.['links']?.S;
      const read = body === undefined ? [] : parseLinks(body, principal, key, table);
      this.cache.set(key, read, cacheTtlMs);
      links.push(...read);
    }
    return links;
  }
}

/** `links` holds JSON text: `[{ "id", "templateId", "resource": { "type", "id" } }]`. */
function parseLinks(body: string, principal: TypeAndId, key: string, table: string): TemplateLinkRecord[] {
  const refuse = (why: string): never => {
    throw new TemplateLinkError(`template links of ${key} in ${table} ${why}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return refuse('are not valid JSON');
  }
  if (!Array.isArray(parsed)) return refuse('are not a JSON list');
  return parsed.map((link: unknown, index) => {
    const item = (typeof link === 'object' && link !== null ? link : {}) as Record<string, unknown>;
    const resource = (typeof item['resource'] === 'object' && item['resource'] !== null ? item['resource'] : {}) as Record<string, unknown>;
    const { id, templateId } = item;
    const resourceType = resource['type'];
    const resourceId = resource['id'];
    if (
      typeof id !== 'string' ||
      id === '' ||
      typeof templateId !== 'string' ||
      templateId === '' ||
      typeof resourceType !== 'string' ||
      typeof resourceId !== 'string'
    ) {
      return refuse(`hold at ${index} something other than { id, templateId, resource: { type, id } }`);
    }
    return { id, templateId, principal, resource: { type: resourceType, id: resourceId } };
  });
}
