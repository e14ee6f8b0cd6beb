import { describe, expect, it } from 'vitest';
import { TtlLruCache } from '../../../runtime/cache/ttl-lru.js';

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
});
