import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD_BYTES } from '../../../runtime/cache/size-estimate.js';
import { SWEEP_INTERVAL_MS, TtlLruCache } from '../../../runtime/cache/ttl-lru.js';

describe('TtlLruCache', () => {
  it('returns a value until its TTL passes, then forgets it', () => {
    let now = 1_000;
    const cache = new TtlLruCache<string, string>(10, { now: () => now });
    cache.set('a', 'A', 500);
    now = 1_499;
    expect(cache.get('a')).toBe('A');
    now = 1_500;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new TtlLruCache<string, number>(2);
    cache.set('a', 1, 60_000);
    cache.set('b', 2, 60_000);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 60_000);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('stores nothing with a zero TTL or a zero bound', () => {
    const noTtl = new TtlLruCache<string, number>(10);
    noTtl.set('a', 1, 0);
    expect(noTtl.get('a')).toBeUndefined();
    const noRoom = new TtlLruCache<string, number>(0);
    noRoom.set('a', 1, 60_000);
    expect(noRoom.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entries once their bytes pass the budget, whatever the entry bound', () => {
    // Each entry weighs 100 bytes by this estimator, plus the fixed overhead: three fit, a fourth does not.
    const weight = 100 + ENTRY_OVERHEAD_BYTES;
    const cache = new TtlLruCache<string, string>(1000, undefined, { maxBytes: 3 * weight, sizeOf: () => 100 });
    for (const key of ['a', 'b', 'c']) cache.set(key, key, 60_000);
    expect(cache.get('a')).toBe('a');

    cache.set('d', 'd', 60_000);

    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => cache.get(key))).toEqual(['a', 'c', 'd']);
    expect(cache.stats()).toEqual({ entries: 3, bytes: 3 * weight });
  });

  it('does not store a value larger than the whole budget, and drops what the key held before', () => {
    const cache = new TtlLruCache<string, string>(10, undefined, { maxBytes: 1000, sizeOf: (_key, value) => value.length });
    cache.set('a', 'small', 60_000);
    cache.set('b', 'x', 60_000);

    cache.set('a', 'y'.repeat(1000), 60_000);

    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('x');
    expect(cache.stats()).toEqual({ entries: 1, bytes: 1 + ENTRY_OVERHEAD_BYTES });
  });

  it('frees the bytes of expired entries nobody reads again, at the next write after the sweep interval', () => {
    let now = 0;
    const cache = new TtlLruCache<string, number>(10, { now: () => now }, { maxBytes: 100_000 });
    cache.set('stale', 1, 500);
    now = SWEEP_INTERVAL_MS;

    cache.set('fresh', 2, 60_000);

    expect(cache.stats().entries).toBe(1);
    expect(cache.get('fresh')).toBe(2);
  });
});
