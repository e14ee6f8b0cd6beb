// Remembers decisions, keyed by a hash of everything that can change them, never past the mode's TTL nor the token's expiry.
import { createHash } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { DECISION_CACHE_BYTES } from './memory-budgets.js';
import { estimateBytes, stringBytes } from './size-estimate.js';
import { type CacheSize, type SizedCache, TtlLruCache } from './ttl-lru.js';

export interface DecisionCacheOptions {
  /** The name its size metrics carry (`Cache.<name>.Entries`, `Cache.<name>.Bytes`). @default 'Decisions' */
  readonly name?: string;
  readonly maxEntries: number;
  /** @default DECISION_CACHE_BYTES */
  readonly maxBytes?: number;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /**
   * The policies the decisions were made under (runtime/cache/bundle-version.ts): part of every key, so a decision
   * never outlives the bundle that made it, even in a process that swaps bundles.
   */
  readonly policyVersion: string;
}

export class DecisionCache<V> implements SizedCache {
  readonly name: string;
  private readonly entries: TtlLruCache<string, V>;

  constructor(private readonly options: DecisionCacheOptions) {
    this.name = options.name ?? 'Decisions';
    // A key is a base64 SHA-256 digest; a value is the outcome and its decision line, walked by the estimator.
    this.entries = new TtlLruCache(options.maxEntries, options.clock, {
      maxBytes: options.maxBytes ?? DECISION_CACHE_BYTES,
      sizeOf: (key, value) => stringBytes(key) + estimateBytes(value),
    });
  }

  size(): CacheSize {
    return this.entries.stats();
  }

  /** The key of a decision: a digest of the policy version and its inputs (the exact token among them), so no raw token is kept. */
  key(inputs: readonly unknown[]): string {
    return createHash('sha256')
      .update(JSON.stringify([this.options.policyVersion, ...inputs]))
      .digest('base64');
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** `tokenExpiresAt` is the token's `exp`, in epoch seconds. */
  set(key: string, value: V, tokenExpiresAt: number): void {
    const ttlMs = Math.min(this.options.ttlSeconds * 1000, tokenExpiresAt * 1000 - this.options.clock.now());
    this.entries.set(key, value, ttlMs);
  }
}
