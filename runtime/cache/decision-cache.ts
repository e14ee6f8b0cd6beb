// Remembers decisions, keyed by a hash of everything that can change them, never past the mode's TTL nor the token's expiry.
import { createHash } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { TtlLruCache } from './ttl-lru.js';

export interface DecisionCacheOptions {
  readonly maxEntries: number;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  /**
   * The policies the decisions were made under (runtime/cache/bundle-version.ts): part of every key, so a decision
   * never outlives the bundle that made it, even in a process that swaps bundles.
   */
  readonly policyVersion: string;
}

export class DecisionCache<V> {
  private readonly entries: TtlLruCache<string, V>;

  constructor(private readonly options: DecisionCacheOptions) {
    this.entries = new TtlLruCache(options.maxEntries, options.clock);
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
