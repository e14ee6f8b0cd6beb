// Compares each cache's estimated bytes with the heap it really takes: fills a cache with realistic entries and reads
// heapUsed after gc, before and after. Run: node --expose-gc --import tsx bench/cache-memory.ts
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { DecisionCache } from '../runtime/cache/decision-cache.js';
import { estimateBytes, stringBytes } from '../runtime/cache/size-estimate.js';
import { TtlLruCache } from '../runtime/cache/ttl-lru.js';

const ENTRIES = 5000;
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const clock = { now: () => 1_700_000_000_000 };
/** Holds each filled cache, so gc cannot collect it before heapUsed is read. */
const retained: unknown[] = [];

function measure(label: string, fill: () => { bytes: number; keep: unknown }): void {
  gc?.();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const { bytes, keep } = fill();
  retained.push(keep);
  gc?.();
  gc?.();
  const used = process.memoryUsage().heapUsed - before;
  process.stdout.write(
    `${label}: ${ENTRIES} entries, estimated ${(bytes / 1024).toFixed(0)} KiB, heapUsed +${(used / 1024).toFixed(0)} KiB, ` +
      `estimate / real = ${(bytes / used).toFixed(2)}\n`,
  );
}

const decision = (i: number) => ({
  outcome: {
    result: 'allow',
    principalId: `user-${i}`,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`arn:aws:execute-api:eu-west-1:1:api/prod/GET/a/${i}`] }],
    },
    context: { principal: `Billing::User::"user-${i}"`, determiningPolicies: 'customer_view_own_account' },
    cacheHit: true,
  },
  record: {
    principal: `Billing::User::"user-${i}"`,
    action: 'ViewAccount',
    resource: `Billing::Account::"acct-${i}"`,
    determiningPolicies: ['p1'],
  },
});
measure('decisions', () => {
  const cache = new DecisionCache<unknown>({ maxEntries: ENTRIES, maxBytes: 2 ** 30, ttlSeconds: 300, clock, policyVersion: 'v' });
  for (let i = 0; i < ENTRIES; i++) cache.set(cache.key([`token-${i}`, 'GET /a/{id}', { id: `${i}` }]), decision(i), 2_000_000_000);
  return { bytes: cache.size().bytes, keep: cache };
});

const entity = (i: number): EntityJson => ({
  uid: { type: 'Billing::Account', id: `acct-${i}` },
  attrs: { owner: { __entity: { type: 'Billing::Customer', id: `cust-${i}` } }, currency: 'EUR', frozen: false, limit: 1_000_000 + i },
  parents: [{ type: 'Billing::Customer', id: `cust-${i}` }],
});
measure('entities', () => {
  const cache = new TtlLruCache<string, EntityJson>(ENTRIES, clock, {
    maxBytes: 2 ** 30,
    sizeOf: (key, value) => stringBytes(key) + estimateBytes(value),
  });
  for (let i = 0; i < ENTRIES; i++) cache.set(`Billing::Account::"acct-${i}"`, JSON.parse(JSON.stringify(entity(i))), 60_000);
  return { bytes: cache.stats().bytes, keep: cache };
});

const claims = (i: number) => ({
  sub: `0f1e2d3c-${i}-4b5a-9687-a1b2c3d4e5f6`,
  'cognito:groups': ['payer', 'viewer'],
  email_verified: true,
  iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Customer1',
  'cognito:username': `user-${i}`,
  'custom:customer_id': `cust-${i}`,
  aud: '7abc1234example',
  token_use: 'id',
  auth_time: 1_700_000_000 + i,
  exp: 1_700_003_600 + i,
  iat: 1_700_000_000 + i,
  jti: `jti-${i}-abcdef`,
});
measure('tokens', () => {
  const cache = new TtlLruCache<string, unknown>(ENTRIES, clock, { maxBytes: 2 ** 30 });
  for (let i = 0; i < ENTRIES; i++) {
    const parsed: unknown = JSON.parse(JSON.stringify(claims(i)));
    cache.set(`${i}`.padStart(43, 'x').concat('='), { verified: { claims: parsed, expiresAt: 1_700_003_600 + i }, kid: 'kid-1' }, 60_000);
  }
  return { bytes: cache.stats().bytes, keep: cache };
});
