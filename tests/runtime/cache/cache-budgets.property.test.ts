// Random workloads against the runtime's caches: whatever is written, read, expired or replaced, a cache never holds
// more entries or estimated bytes than its bounds, and the bytes it reports are those of the entries it holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecisionCache } from '../../../runtime/cache/decision-cache.js';
import { ENTRY_OVERHEAD_BYTES, estimateBytes } from '../../../runtime/cache/size-estimate.js';
import { TtlLruCache } from '../../../runtime/cache/ttl-lru.js';

const SEED = 160_005;

type Operation =
  | { readonly kind: 'set'; readonly key: number; readonly value: unknown; readonly ttlMs: number }
  | { readonly kind: 'get'; readonly key: number }
  | { readonly kind: 'advance'; readonly ms: number };

/** Values shaped like cached ones: strings of any size (up to 4 KB), nested records and lists. */
const value = fc.oneof(
  fc.string({ maxLength: 4096 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ outcome: fc.constantFrom('allow', 'deny'), policies: fc.array(fc.string({ maxLength: 40 }), { maxLength: 20 }) }),
);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.nat(300), value, ttlMs: fc.integer({ min: -10, max: 5000 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('get' as const), key: fc.nat(300) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(3000) }) },
);
const bounds = fc.record({ maxEntries: fc.integer({ min: 0, max: 200 }), maxBytes: fc.integer({ min: 0, max: 64 * 1024 }) });

describe('cache bounds under random workloads', () => {
  it('a TtlLruCache never exceeds its entry bound or its byte budget, and its byte count is exact (fixed seed)', () => {
    fc.assert(
      fc.property(bounds, fc.array(operation, { maxLength: 400 }), ({ maxEntries, maxBytes }, operations) => {
        let now = 0;
        const cache = new TtlLruCache<number, unknown>(maxEntries, { now: () => now }, { maxBytes });
        const held = new Map<number, unknown>();
        for (const op of operations) {
          if (op.kind === 'advance') now += op.ms;
          else if (op.kind === 'get') cache.get(op.key);
          else {
            cache.set(op.key, op.value, op.ttlMs);
            held.set(op.key, op.value);
          }
          const { entries, bytes } = cache.stats();
          expect(entries).toBeLessThanOrEqual(maxEntries);
          expect(bytes).toBeLessThanOrEqual(maxBytes);
          expect(bytes).toBeGreaterThanOrEqual(0);
        }
        // Bytes are the sum over the entries still held: read them back (a read drops an expired one).
        const live = [...held].filter(([key]) => cache.get(key) !== undefined);
        const expected = live.reduce((sum, [key, v]) => sum + estimateBytes(key) + estimateBytes(v) + ENTRY_OVERHEAD_BYTES, 0);
        expect(cache.stats()).toEqual({ entries: live.length, bytes: expected });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a DecisionCache never exceeds its budget over random decisions and token expiries (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 * 1024 }),
        fc.array(
          fc.record({
            inputs: fc.array(fc.string({ maxLength: 64 }), { maxLength: 4 }),
            value,
            expiresIn: fc.integer({ min: -5, max: 600 }),
          }),
          {
            maxLength: 300,
          },
        ),
        (maxBytes, decisions) => {
          const now = 1_700_000_000_000;
          const cache = new DecisionCache<unknown>({
            maxEntries: 100,
            maxBytes,
            ttlSeconds: 300,
            clock: { now: () => now },
            policyVersion: 'v1',
          });
          for (const { inputs, value: decided, expiresIn } of decisions) {
            cache.set(cache.key(inputs), decided, now / 1000 + expiresIn);
            expect(cache.size().bytes).toBeLessThanOrEqual(maxBytes);
            expect(cache.size().entries).toBeLessThanOrEqual(100);
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});
