// The local gateway keys its authorizer cache on the event it sends, by API Gateway's identity-source rules, so a
// cached answer never reaches a request whose event carries other identity-source values.
//
// AWS documentation this emulation follows (see local/gateway/authorizer-events.ts and identity-sources.ts):
// - "Lambda proxy integrations in API Gateway", Support for multi-value headers and query string parameters:
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
// - "Create AWS Lambda proxy integrations for HTTP APIs in API Gateway", Payload format differences (2.0 has no
//   multi-value maps; duplicate headers and query values are combined with commas):
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
// - "CreateAuthorizer", identitySource (the cache key; absent, null or empty sources answer 401 without a call):
//   https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// - "Control access to HTTP APIs with AWS Lambda authorizers", Identity sources:
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { httpRequestEvent, restRequestEvent, type WireRequest } from '../../../local/gateway/authorizer-events.js';
import { cacheKeyOf, httpIdentityValues, type IdentitySource, restIdentityValues } from '../../../local/gateway/identity-sources.js';
import { CACHE_HEADER } from '../../../local/gateway/local-gateway.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const API = { apiId: 'local-test', stage: 'prod' };

function wire(rawQuery: string, headerLines: [string, string][]): WireRequest {
  return { method: 'GET', path: '/accounts', rawQuery, headerLines, sourceIp: '127.0.0.1' };
}

describe('the events carry repeats as API Gateway documents them', () => {
  const lines: [string, string][] = [
    ['X-Payment-Amount', '5000000'],
    ['x-payment-amount', '100'],
  ];

  it('REST: headers keeps the last value of case variants under one name, multiValueHeaders keeps both in order', () => {
    const event = restRequestEvent(API, wire('accountId=acct-2&accountId=acct-1', lines), '/accounts', {});

    expect({ headers: event.headers, multi: event.multiValueHeaders }).toEqual({
      headers: { 'X-Payment-Amount': '100' },
      multi: { 'X-Payment-Amount': ['5000000', '100'] },
    });
    expect({ query: event.queryStringParameters, multi: event.multiValueQueryStringParameters }).toEqual({
      query: { accountId: 'acct-1' },
      multi: { accountId: ['acct-2', 'acct-1'] },
    });
  });

  it('HTTP 2.0: header names are lower-case and repeats of a header or query value are comma-joined', () => {
    const event = httpRequestEvent(API, wire('accountId=acct-2&accountId=acct-1', lines), 'GET /accounts', {}, []);

    expect({ headers: event.headers, query: event.queryStringParameters, raw: event.rawQueryString }).toEqual({
      headers: { 'x-payment-amount': '5000000,100' },
      query: { accountId: 'acct-2,acct-1' },
      raw: 'accountId=acct-2&accountId=acct-1',
    });
  });
});

describe('the cache key is read from the event', () => {
  const amount: IdentitySource[] = [{ in: 'header', name: 'X-Payment-Amount' }];
  const account: IdentitySource[] = [{ in: 'query', name: 'accountId' }];
  const restKey = (request: WireRequest, sources: IdentitySource[]) =>
    cacheKeyOf(restIdentityValues(restRequestEvent(API, request, '/accounts', {}), sources).map(String));
  const httpKey = (request: WireRequest, sources: IdentitySource[]) =>
    cacheKeyOf(httpIdentityValues(httpRequestEvent(API, request, 'GET /accounts', {}, []), sources).map(String));

  it('a header source matches its name in any case, with the value the event carries', () => {
    const event = restRequestEvent(API, wire('', [['x-PAYMENT-amount', '7']]), '/accounts', {});

    expect(restIdentityValues(event, amount)).toEqual(['7']);
  });

  it('?accountId=acct-2&accountId=acct-1 and ?accountId=acct-2 have different keys, in REST and in HTTP', () => {
    const repeated = wire('accountId=acct-2&accountId=acct-1', []);
    const single = wire('accountId=acct-2', []);

    expect(restKey(repeated, account)).not.toBe(restKey(single, account));
    expect(httpKey(repeated, account)).not.toBe(httpKey(single, account));
  });

  it('case variants 5000000 + 100 and 5000000 alone have different keys, in REST and in HTTP', () => {
    const variants = wire('', [
      ['X-Payment-Amount', '5000000'],
      ['x-payment-amount', '100'],
    ]);
    const alone = wire('', [['X-Payment-Amount', '5000000']]);

    expect(restKey(variants, amount)).not.toBe(restKey(alone, amount));
    expect(httpKey(variants, amount)).not.toBe(httpKey(alone, amount));
  });
});

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment({
    root: fixtureRoot('billing'),
    modes: ['customer', 'multi-tenant'],
    telemetry: new MemoryTelemetry(),
  });
});

afterAll(async () => {
  await env?.close();
});

interface Reply {
  readonly status: number;
  readonly cache: string | undefined;
}

/** Sends exact header lines (repeats and case variants included), which fetch would fold into one. */
function sendRaw(mode: string, method: string, pathAndQuery: string, headerLines: readonly (readonly [string, string])[]): Promise<Reply> {
  const url = new URL(pathAndQuery, env.gateway(mode).url);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: [['Host', url.host], ...headerLines].flat() }, (response) => {
      response.resume();
      response.on('end', () => {
        const cache = response.headers[CACHE_HEADER];
        resolve({ status: response.statusCode ?? 0, cache: typeof cache === 'string' ? cache : undefined });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the replays from issue 15 reach the authorizer', () => {
  it('HTTP: after X-Payment-Amount: 5000000 plus x-payment-amount: 100, a request with 5000000 alone is no cache hit', async () => {
    const gateway = env.gateway('multi-tenant');
    const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'multi-tenant', 'tina'));
    const path = '/tenants/acme-bank/accounts/acct-a1/billing';
    const base: [string, string][] = [
      ['Authorization', `Bearer ${token}`],
      ['X-Payment-Currency', 'EUR'],
    ];
    await sendRaw('multi-tenant', 'POST', path, [...base, ['X-Payment-Amount', '5000000'], ['x-payment-amount', '100']]);
    const callsBefore = gateway.stats.authorizerCalls;

    const alone = await sendRaw('multi-tenant', 'POST', path, [...base, ['X-Payment-Amount', '5000000']]);

    expect({ cache: alone.cache, calls: gateway.stats.authorizerCalls - callsBefore }).toEqual({ cache: 'miss', calls: 1 });
  });

  it('REST: after 5000000 plus 100 in case variants, 5000000 alone is decided by the authorizer and refused', async () => {
    const gateway = env.gateway('customer');
    const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', 'alice'));
    const base: [string, string][] = [
      ['Authorization', `Bearer ${token}`],
      ['X-Payment-Currency', 'EUR'],
    ];
    await sendRaw('customer', 'POST', '/accounts/acct-1/billing', [...base, ['X-Payment-Amount', '5000000'], ['x-payment-amount', '100']]);

    const alone = await sendRaw('customer', 'POST', '/accounts/acct-1/billing', [...base, ['X-Payment-Amount', '5000000']]);

    expect(alone).toEqual({ status: 403, cache: 'miss' });
  });
});

// Property: over random repeats and case variants of the amount header and random query noise, a request served from
// the cache gets exactly the answer a fresh gateway gives it. Amounts straddle the approver limit (1,000,000).
const AMOUNTS = ['100', '1000001', '5000000'] as const;
const spelling = fc.constantFrom('X-Payment-Amount', 'x-payment-amount', 'X-PAYMENT-AMOUNT', 'x-Payment-amount');
const amountLines = fc.array(fc.tuple(spelling, fc.constantFrom(...AMOUNTS)), { minLength: 1, maxLength: 3 });
const query = fc.constantFrom('', 'accountId=acct-2', 'accountId=acct-1&accountId=acct-2', 'x=1&x=2');
const probe = fc.record({ amounts: amountLines, query });
type Probe = { amounts: [string, string][]; query: string };

describe('property: a cached answer is never served to a request that a fresh gateway decides differently', () => {
  it('in 300 runs of a primed request then a probe (fixed seed), the probe gets its fresh answer', async () => {
    const gateway = env.gateway('customer');
    const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', 'alice'));
    const send = (p: Probe) =>
      sendRaw('customer', 'POST', `/accounts/acct-1/billing${p.query ? `?${p.query}` : ''}`, [
        ['Authorization', `Bearer ${token}`],
        ['X-Payment-Currency', 'EUR'],
        ...p.amounts,
      ]);
    const hitsBefore = gateway.stats.cacheHits;
    const statuses = new Set<number>();

    await fc.assert(
      fc.asyncProperty(probe, probe, async (primer, target) => {
        gateway.flushCache();
        const fresh = await send(target);
        gateway.flushCache();
        await send(primer);

        const served = await send(target);

        statuses.add(fresh.status);
        expect({ primer, target, status: served.status }).toEqual({ primer, target, status: fresh.status });
      }),
      { numRuns: 300, seed: 15_2, verbose: true },
    );

    // The property says something only if the cache answered some probes and the answers mixed Allow and Deny.
    expect(gateway.stats.cacheHits - hitsBefore).toBeGreaterThan(0);
    expect([...statuses].sort()).toEqual([200, 403]);
  }, 120_000);
});
