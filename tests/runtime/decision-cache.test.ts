// The in-Lambda decision cache, seen through the multi-tenant HTTP API handler: what hits, what misses, and how long an entry lives.
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { decodeToken, startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../runtime/config.js';
import { httpAuthorizer, MemoryTelemetry } from '../../runtime/index.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: MULTI_TENANT, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const TENANT_TABLE = 'billing-tenants';
const ENTITY_TABLE = 'billing-entities';
const DOMAIN = 'saas-api.execute-api.eu-west-1.amazonaws.com';

// ------------------------------------------------------------------ fixtures

const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });

function account(id: string, owner: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Customer', owner), tenant: ref('Tenant', 'acme-bank'), currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

/** In acme-bank, cust-a1 owns acct-a1 and acct-a3; cust-b1 owns acct-b1. */
const ENTITIES: readonly EntityJson[] = [account('acct-a1', 'cust-a1'), account('acct-a3', 'cust-a1'), account('acct-b1', 'cust-b1')];

let issuer: LocalIssuer;
let dynamo: LocalDynamo;
let avp: LocalAvpEndpoint;
const clients: VerifiedPermissionsClient[] = [];

beforeAll(async () => {
  [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  avp.seedPolicyStore({ policyStoreId: 'ps-acme', bundle: POLICY_BUNDLE });
  await createTables(dynamo.client, [
    { name: TENANT_TABLE, keyAttribute: 'tenantId' },
    { name: ENTITY_TABLE, keyAttribute: 'uid' },
  ]);
  await dynamo.client.send(
    new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: 'acme-bank' }, policyStoreId: { S: 'ps-acme' } } }),
  );
  await putEntities(dynamo.client, ENTITY_TABLE, ENTITIES);
});

beforeEach(() => {
  avp.resetRequestCounts();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
});

/** Every cache miss is one IsAuthorized call on the endpoint; a hit is none. */
const engineCalls = () => avp.requestCount('IsAuthorized');

function build(mode: ModeConfig = MULTI_TENANT) {
  const telemetry = new MemoryTelemetry();
  const client = createLocalAvpClient(avp.url, { maxAttempts: 1 });
  clients.push(client);
  const handler = httpAuthorizer({
    mode,
    bundle: POLICY_BUNDLE,
    dependencies: {
      jwksFetcher: issuer.fetcher,
      telemetry,
      dynamoDb: dynamo.client,
      verifiedPermissions: client,
      env: { TENANT_TABLE, ENTITY_TABLE },
    },
  });
  const hits = () => telemetry.records.map((r) => [r.result, r.cacheHit]);
  return { handler, telemetry, hits };
}

function withCache(cache: Partial<ModeConfig['cache']>): ModeConfig {
  return { ...MULTI_TENANT, cache: { ...MULTI_TENANT.cache, ...cache } };
}

/** alice, a payer of acme-bank's customer cust-a1. Each call mints a new token (a new `jti`). */
function aliceToken(options: { expiresInSeconds?: number } = {}): string {
  const claims = issuer.claimsFor(MULTI_TENANT, {
    id: 'alice',
    tenant: 'acme-bank',
    groups: ['payer'],
    attributes: { customer: 'cust-a1' },
  });
  return issuer.mint(MULTI_TENANT, claims, options);
}

// ------------------------------------------------------------------ HTTP API payload 2.0 events

interface RouteRequest {
  readonly method: 'GET' | 'POST';
  readonly template: string;
  readonly accountId: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const viewAccount = (accountId: string): RouteRequest => ({
  method: 'GET',
  template: '/tenants/{tenantId}/accounts/{accountId}',
  accountId,
});
const listBilling = (accountId: string): RouteRequest => ({
  method: 'GET',
  template: '/tenants/{tenantId}/accounts/{accountId}/billing',
  accountId,
});
const createPayment = (accountId: string, amount: string): RouteRequest => ({
  method: 'POST',
  template: '/tenants/{tenantId}/accounts/{accountId}/billing',
  accountId,
  headers: { 'x-payment-amount': amount, 'x-payment-currency': 'EUR' },
});

function httpEvent(route: RouteRequest, token: string): APIGatewayRequestAuthorizerEventV2 {
  const rawPath = route.template.replace('{tenantId}', 'acme-bank').replace('{accountId}', route.accountId);
  const routeKey = `${route.method} ${route.template}`;
  const authorization = `Bearer ${token}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:saas-api/$default/${route.method}${rawPath}`,
    identitySource: [authorization],
    routeKey,
    rawPath,
    rawQueryString: '',
    cookies: [],
    headers: { host: DOMAIN, authorization, ...route.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'saas-api',
      domainName: DOMAIN,
      domainPrefix: 'saas-api',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'tenant-portal/3.1' },
      // A new request id and time on every event: they are not part of the decision, so they must not defeat the cache.
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    pathParameters: { tenantId: 'acme-bank', accountId: route.accountId },
    stageVariables: {},
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------ hits

describe('a repeated identical request', () => {
  it.each([
    { name: 'ViewAccount', route: viewAccount('acct-a1'), policy: 'tenant.read-own' },
    { name: 'CreatePayment with the same X-Payment-Amount', route: createPayment('acct-a1', '100'), policy: 'tenant.pay-from-own-account' },
  ])('$name is a cache hit with the same answer, and the engine is not asked again', async ({ route, policy }) => {
    const { handler, telemetry, hits } = build();
    const token = aliceToken();

    const first = await handler(httpEvent(route, token));
    const second = await handler(httpEvent(route, token));

    expect(first).toMatchObject({ isAuthorized: true, context: { decision: 'allow', determiningPolicies: JSON.stringify([policy]) } });
    expect(second).toEqual(first);
    expect(hits()).toEqual([
      ['allow', false],
      ['allow', true],
    ]);
    // A hit logs the same decision line as the miss it repeats, bar its latency and the cache flag.
    expect({ ...telemetry.records[1], latencyMs: 0 }).toEqual({ ...telemetry.records[0], latencyMs: 0, cacheHit: true });
    expect(telemetry.records[1]).toMatchObject({ principal: expect.stringContaining('"alice"'), determiningPolicies: [policy] });
    expect(engineCalls()).toBe(1);
  });
});

// ------------------------------------------------------------------ misses

describe('what makes a request a cache miss', () => {
  it.each([
    { name: 'another route on the same account', first: viewAccount('acct-a1'), second: listBilling('acct-a1'), newToken: false },
    { name: 'another resource id on the same route', first: viewAccount('acct-a1'), second: viewAccount('acct-a3'), newToken: false },
    { name: 'another X-Payment-Amount', first: createPayment('acct-a1', '100'), second: createPayment('acct-a1', '200'), newToken: false },
    { name: 'another token of the same user', first: viewAccount('acct-a1'), second: viewAccount('acct-a1'), newToken: true },
  ])('$name', async ({ first, second, newToken }) => {
    const { handler, hits } = build();
    const token = aliceToken();

    await handler(httpEvent(first, token));
    const result = await handler(httpEvent(second, newToken ? aliceToken() : token));

    expect(result.isAuthorized).toBe(true);
    expect(hits()).toEqual([
      ['allow', false],
      ['allow', false],
    ]);
    expect(engineCalls()).toBe(2);
  });

  it('a cached Allow never authorizes another resource id: the other customer’s account is evaluated and denied', async () => {
    const { handler, hits } = build();
    const token = aliceToken();

    const own = await handler(httpEvent(viewAccount('acct-a1'), token));
    const other = await handler(httpEvent(viewAccount('acct-b1'), token));

    expect(own.isAuthorized).toBe(true);
    expect(other).toEqual({
      isAuthorized: false,
      context: {
        principalId: 'alice',
        principalType: 'Billing::TenantUser',
        tenantId: 'acme-bank',
        roles: '["payer"]',
        decision: 'deny',
        determiningPolicies: '[]',
      },
    });
    expect(hits()).toEqual([
      ['allow', false],
      ['deny', false],
    ]);
  });

  it('a large payment is evaluated on its own, not answered by the cached small one', async () => {
    const { handler, hits } = build();
    const token = aliceToken();

    await handler(httpEvent(createPayment('acct-a1', '100'), token));
    const large = await handler(httpEvent(createPayment('acct-a1', '1000001'), token));

    expect(large).toMatchObject({
      isAuthorized: false,
      context: { decision: 'deny', determiningPolicies: '["shared.forbid-large-payment-without-approver"]' },
    });
    expect(hits()).toEqual([
      ['allow', false],
      ['deny', false],
    ]);
  });
});

// ------------------------------------------------------------------ lifetime and size

describe('how long and how many', () => {
  it('never outlives the token: a token expiring in 2 s under a 300 s TTL is 401 after expiry, not a cached allow', async () => {
    const { handler, telemetry, hits } = build(withCache({ ttlSeconds: 300 }));
    const token = aliceToken({ expiresInSeconds: 2 });
    const exp = decodeToken(token).payload['exp'];
    if (typeof exp !== 'number') throw new Error('the minted token has no numeric exp');

    const fresh = await handler(httpEvent(viewAccount('acct-a1'), token));
    const cached = await handler(httpEvent(viewAccount('acct-a1'), token));
    await sleep(exp * 1000 - Date.now() + 100);
    const expired = await handler(httpEvent(viewAccount('acct-a1'), token));

    expect(fresh.isAuthorized).toBe(true);
    expect(cached.isAuthorized).toBe(true);
    expect(expired).toEqual({ isAuthorized: false, context: { decision: 'unauthorized', reason: 'token' } });
    expect(hits()).toEqual([
      ['allow', false],
      ['allow', true],
      ['unauthorized', false],
    ]);
    expect(telemetry.records[2]).toMatchObject({ errorKind: 'token' });
    expect(engineCalls()).toBe(1);
  });

  it('holds at most decisionCacheSize decisions, evicting the least recently used', async () => {
    const { handler, hits } = build(withCache({ decisionCacheSize: 1 }));
    const token = aliceToken();

    await handler(httpEvent(viewAccount('acct-a1'), token));
    await handler(httpEvent(viewAccount('acct-a3'), token));
    await handler(httpEvent(viewAccount('acct-a3'), token));
    await handler(httpEvent(viewAccount('acct-a1'), token));

    expect(hits()).toEqual([
      ['allow', false],
      ['allow', false],
      ['allow', true],
      ['allow', false],
    ]);
    expect(engineCalls()).toBe(3);
  });

  it('caches nothing when the mode TTL is 0', async () => {
    const { handler, hits } = build(withCache({ ttlSeconds: 0 }));
    const token = aliceToken();

    await handler(httpEvent(viewAccount('acct-a1'), token));
    await handler(httpEvent(viewAccount('acct-a1'), token));

    expect(hits()).toEqual([
      ['allow', false],
      ['allow', false],
    ]);
    expect(engineCalls()).toBe(2);
  });
});
