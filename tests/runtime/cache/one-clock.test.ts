// Every cache expires by the one injected clock: advancing it expires them all at once, with no real time passing.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../common/clock.js';
import { DecisionCache } from '../../../runtime/cache/decision-cache.js';
import { TtlLruCache } from '../../../runtime/cache/ttl-lru.js';

describe('one injected clock', () => {
  it('expires the decision cache and a TTL cache together when the clock passes both TTLs', () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now };
    const decisions = new DecisionCache<string>({ maxEntries: 10, ttlSeconds: 60, clock, policyVersion: 'v1' });
    const entities = new TtlLruCache<string, string>(10, clock);
    const key = decisions.key(['token', 'GET /docs/{id}']);
    decisions.set(key, 'allow', now / 1000 + 3600);
    entities.set('Lib::Doc::"d1"', 'entity', 60_000);

    now += 59_999;
    const before = [decisions.get(key), entities.get('Lib::Doc::"d1"')];
    now += 1;
    const after = [decisions.get(key), entities.get('Lib::Doc::"d1"')];

    expect({ before, after }).toEqual({ before: ['allow', 'entity'], after: [undefined, undefined] });
  });

  it("never keeps a decision past the token's own expiry, on the same clock", () => {
    let now = 1_000_000;
    const decisions = new DecisionCache<string>({ maxEntries: 10, ttlSeconds: 300, clock: { now: () => now }, policyVersion: 'v1' });
    decisions.set('k', 'allow', now / 1000 + 10);

    now += 10_000;

    expect(decisions.get('k')).toBeUndefined();
  });
});
