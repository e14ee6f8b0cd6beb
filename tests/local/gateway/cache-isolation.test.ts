// Property: in any order of requests, the local gateway's authorizer cache answers exactly as a fresh evaluation does.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { CACHE_HEADER, type LocalGateway } from '../../../local/gateway/local-gateway.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

/** Payers of two customers and an admin: principals whose answers differ on the same routes and ids. */
const PRINCIPALS = ['alice', 'dave', 'carol'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

// Every customer route, each with resource ids of both customers, and amounts below and above the approver limit on
// one account: API Gateway's cache key holds the token, method, path and the headers the route reads.
const PAYMENT = { 'X-Payment-Amount': '100', 'X-Payment-Currency': 'EUR' };
const LARGE_PAYMENT = { 'X-Payment-Amount': '1000001', 'X-Payment-Currency': 'EUR' };
const REQUESTS: readonly Probe[] = [
  { method: 'GET', path: '/accounts/acct-1' },
  { method: 'GET', path: '/accounts/acct-2' },
  { method: 'GET', path: '/accounts/acct-frozen' },
  { method: 'GET', path: '/accounts/acct-1/billing' },
  { method: 'GET', path: '/accounts/acct-2/billing' },
  { method: 'POST', path: '/accounts/acct-1/billing', headers: PAYMENT },
  { method: 'POST', path: '/accounts/acct-1/billing', headers: LARGE_PAYMENT },
  { method: 'POST', path: '/accounts/acct-2/billing', headers: PAYMENT },
  { method: 'POST', path: '/accounts/acct-frozen/billing', headers: PAYMENT },
  { method: 'GET', path: '/billing/pay-1' },
  { method: 'GET', path: '/billing/pay-2' },
  { method: 'POST', path: '/billing/pay-1/approve' },
  { method: 'POST', path: '/billing/pay-2/approve' },
  { method: 'GET', path: '/beneficiaries/ben-1' },
  { method: 'DELETE', path: '/beneficiaries/ben-1' },
  { method: 'POST', path: '/customers/cust-1/beneficiaries' },
  { method: 'POST', path: '/customers/cust-2/beneficiaries' },
];

interface Answer {
  readonly status: number;
  /** The principal the backend was told about: null when the gateway refused. */
  readonly principalId: string | null;
  readonly cache: string | null;
}

let env: LocalEnvironment;
let gateway: LocalGateway;
const tokens = new Map<PrincipalName, string>();
/** What a gateway with an empty cache answers for each principal and request. */
const fresh = new Map<string, Answer>();

const key = (principal: PrincipalName, probe: Probe) =>
  [principal, probe.method, probe.path, ...Object.values(probe.headers ?? {})].join(' ');

async function send(principal: PrincipalName, probe: Probe): Promise<Answer> {
  const response = await fetch(`${gateway.url}${probe.path}`, {
    method: probe.method,
    headers: { ...probe.headers, Authorization: `Bearer ${tokens.get(principal) ?? ''}` },
  });
  const body = (await response.json()) as { principalId?: unknown };
  return {
    status: response.status,
    principalId: response.status === 200 && typeof body.principalId === 'string' ? body.principalId : null,
    cache: response.headers.get(CACHE_HEADER),
  };
}

beforeAll(async () => {
  env = await startLocalEnvironment({ root: fixtureRoot('billing'), modes: ['customer'], telemetry: new MemoryTelemetry() });
  gateway = env.gateway('customer');
  // One token per principal for the whole suite, so that requests of different runs share cache keys.
  for (const name of PRINCIPALS) tokens.set(name, mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', name)));
  for (const principal of PRINCIPALS) {
    for (const probe of REQUESTS) {
      gateway.flushCache();
      fresh.set(key(principal, probe), await send(principal, probe));
    }
  }
});

afterAll(async () => {
  await env?.close();
});

describe('customer gateway cache isolation', () => {
  it('the fresh answers mix Allows and Denies for every principal, so the property below can catch a leak', () => {
    const statuses = PRINCIPALS.map((principal) => new Set(REQUESTS.map((probe) => fresh.get(key(principal, probe))?.status)));

    expect(statuses.map((set) => [...set].sort())).toEqual([
      [200, 403],
      [200, 403],
      [200, 403],
    ]);
  });

  it('in 200 random interleavings of 5 to 20 requests, every answer through the cache equals the fresh answer and an Allow carries its ' +
    'own principal', async () => {
    const hitsBefore = gateway.stats.cacheHits;
    const step = fc.record({ principal: fc.constantFrom(...PRINCIPALS), probe: fc.constantFrom(...REQUESTS) });

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 20 }), async (sequence) => {
        gateway.flushCache();
        for (const { principal, probe } of sequence) {
          const expected = fresh.get(key(principal, probe));
          const answer = await send(principal, probe);

          expect({ request: key(principal, probe), status: answer.status, principalId: answer.principalId }).toEqual({
            request: key(principal, probe),
            status: expected?.status,
            principalId: expected?.status === 200 ? principal : null,
          });
        }
      }),
      { numRuns: 200 },
    );

    // Without hits the property says nothing about the cache: the interleavings must have repeated requests.
    expect(gateway.stats.cacheHits - hitsBefore).toBeGreaterThan(200);
  }, 60_000);
});

describe('context headers are part of the cache key', () => {
  // API Gateway keys a REQUEST authorizer's cache on its identity sources. CreatePayment reads X-Payment-Amount, so
  // its route's authorizer lists that header too (runtime/routes/request-inputs.ts, infra/mode-api.ts), and a cached
  // Allow for a small payment can never answer for a large one.
  it('a cached Allow for a 500.00 payment does not allow the same token to pay 10,000.01 without an approver', async () => {
    const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', 'alice'));
    const pay = (amount: string) =>
      fetch(`${gateway.url}/accounts/acct-1/billing`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'X-Payment-Amount': amount, 'X-Payment-Currency': 'EUR' },
      });
    await pay('50000');

    const large = await pay('1000001');

    expect(large.status).toBe(403);
  });
});
