// A least-recently-used map bounded in entries and in estimated bytes, whose entries also expire: the one cache shape
// of the runtime (decisions, verified tokens, entities, template links, tenants, AVP policy names).
import { SYSTEM_CLOCK, type Clock } from '../../common/clock.js';
import { DEFAULT_CACHE_BYTES } from './memory-budgets.js';
import { ENTRY_OVERHEAD_BYTES, estimateBytes } from './size-estimate.js';

/** How full a cache is: what each cache reports as a metric. */
export interface CacheSize {
  readonly entries: number;
  readonly bytes: number;
}

/** A cache that can say how full it is, under the name its metrics carry. */
export interface SizedCache {
  readonly name: string;
  size(): CacheSize;
}

export interface ByteBudget<K, V> {
  /** The budget for the estimated bytes of all entries, keys, values and bookkeeping (ENTRY_OVERHEAD_BYTES) included. */
  readonly maxBytes: number;
  /** The estimated bytes of one key and value. @default estimateBytes of both (runtime/cache/size-estimate.ts) */
  readonly sizeOf?: (key: K, value: V) => number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
  readonly bytes: number;
}

/**
 * Expired entries are dropped when read, and by a sweep of the whole map at most once per SWEEP_INTERVAL_MS, run by a
 * write (a write is a miss, which already waits on I/O or a signature check): without it, entries nobody reads again
 * would hold their bytes until the bounds push them out.
 */
export const SWEEP_INTERVAL_MS = 1000;

export class TtlLruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly maxBytes: number;
  private readonly sizeOf: (key: K, value: V) => number;
  private bytes = 0;
  private sweptAt = Number.NEGATIVE_INFINITY;

  /**
   * Positional, as before the byte budget: a caller that names none (runtime/engine/avp-policy-names.ts) still gets
   * one, DEFAULT_CACHE_BYTES measured by the generic estimator.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly clock: Clock = SYSTEM_CLOCK,
    budget: ByteBudget<K, V> = { maxBytes: DEFAULT_CACHE_BYTES },
  ) {
    this.maxBytes = budget.maxBytes;
    this.sizeOf = budget.sizeOf ?? ((key, value) => estimateBytes(key) + estimateBytes(value));
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.remove(key, entry);
      return undefined;
    }
    // Re-insert to mark as most recently used: Map iteration order is insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` for `ttlMs`; a value larger than the whole byte budget is not stored (and replaces nothing). */
  set(key: K, value: V, ttlMs: number): void {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    const now = this.clock.now();
    this.sweepExpired(now);
    if (this.maxEntries <= 0 || ttlMs <= 0) return;
    const bytes = this.sizeOf(key, value) + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, expiresAt: now + ttlMs, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.remove(oldest.value[0], oldest.value[1]);
    }
  }

  deleteKey(key: K): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
  }

  /** Removes every entry whose value `matches`: a verified-token cache drops the tokens of a key the JWKS removed. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.remove(key, entry);
  }

  /** Entries held, expired ones not yet swept included, and their estimated bytes. */
  stats(): CacheSize {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private sweepExpired(now: number): void {
    if (now - this.sweptAt < SWEEP_INTERVAL_MS) return;
    this.sweptAt = now;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.remove(key, entry);
  }

  private remove(key: K, entry: Entry<V>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
