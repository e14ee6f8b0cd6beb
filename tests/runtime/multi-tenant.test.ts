// The multi-tenant mode end to end through its HTTP API handler: tenant → policy store in dynalite, two stores on the local AVP endpoint.
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreatePolicyCommand, ListPoliciesCommand, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import type { PolicyBundle } from '../../runtime/config.js';
import { httpAuthorizer, MemoryTelemetry } from '../../runtime/index.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: MULTI_TENANT, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const TENANT_TABLE = 'billing-tenants';
const ENTITY_TABLE = 'billing-entities';
const ACME_STORE = 'ps-acme';
const GLOBEX_STORE = 'ps-globex';
const DOMAIN = 'saas-api.execute-api.eu-west-1.amazonaws.com';

// ------------------------------------------------------------------ fixtures

/** Globex's store holds one rule of its own, so a decision shows which store made it. */
const GLOBEX_ONLY_POLICY = 'globex.viewers-see-no-payment-lists';
const GLOBEX_BUNDLE: PolicyBundle = {
  ...POLICY_BUNDLE,
  policies: {
    ...POLICY_BUNDLE.policies,
    [GLOBEX_ONLY_POLICY]: `@id("${GLOBEX_ONLY_POLICY}")
forbid (principal in Billing::Role::"viewer", action == Billing::Action::"ListBilling", resource);`,
  },
};

const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });

function customer(id: string, tenant: string): EntityJson {
  return {
    uid: { type: 'Billing::Customer', id },
    attrs: { tenant: ref('Tenant', tenant), country: 'FR' },
    parents: [{ type: 'Billing::Tenant', id: tenant }],
  };
}

function account(id: string, owner: string, tenant: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Customer', owner), tenant: ref('Tenant', tenant), currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

/**
 * acme-bank: cust-a1 owns acct-a1, cust-a2 owns acct-a2. globex: cust-g1 owns acct-g1. Tenants pick their own
 * customer ids, so they can collide: globex's acct-g9 names an owner spelled like acme's cust-a1.
 */
const ENTITIES: readonly EntityJson[] = [
  customer('cust-a1', 'acme-bank'),
  customer('cust-a2', 'acme-bank'),
  customer('cust-g1', 'globex'),
  account('acct-a1', 'cust-a1', 'acme-bank'),
  account('acct-a2', 'cust-a2', 'acme-bank'),
  account('acct-g1', 'cust-g1', 'globex'),
  account('acct-g9', 'cust-a1', 'globex'),
];

interface User {
  readonly id: string;
  readonly tenant: string;
  readonly customer: string;
  readonly groups?: readonly string[];
}

const ALICE: User = { id: 'alice', tenant: 'acme-bank', customer: 'cust-a1', groups: ['payer'] };
const VICTOR: User = { id: 'victor', tenant: 'acme-bank', customer: 'cust-a1', groups: ['viewer'] };
const GINA: User = { id: 'gina', tenant: 'globex', customer: 'cust-g1', groups: ['viewer'] };
/** No role at all: only a template-linked policy can grant this auditor anything. */
const AUDITOR: User = { id: 'auditor-1', tenant: 'acme-bank', customer: 'cust-audit' };
const IVAN: User = { id: 'ivan', tenant: 'initech', customer: 'cust-i1', groups: ['admin'] };

let issuer: LocalIssuer;
let dynamo: LocalDynamo;
let avp: LocalAvpEndpoint;
/** The policy id AVP gave the delegated-read link in acme's store. */
let delegationPolicyId: string;
/** The tenant admin's client, for onboarding calls; handlers get their own. */
let admin: VerifiedPermissionsClient;
const clients: VerifiedPermissionsClient[] = [];

beforeAll(async () => {
  [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  avp.seedPolicyStore({ policyStoreId: ACME_STORE, bundle: POLICY_BUNDLE });
  avp.seedPolicyStore({ policyStoreId: GLOBEX_STORE, bundle: GLOBEX_BUNDLE });
  await createTables(dynamo.client, [
    { name: TENANT_TABLE, keyAttribute: 'tenantId' },
    { name: ENTITY_TABLE, keyAttribute: 'uid' },
  ]);
  for (const [tenantId, policyStoreId] of [
    ['acme-bank', ACME_STORE],
    ['globex', GLOBEX_STORE],
  ] as const) {
    await dynamo.client.send(
      new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: tenantId }, policyStoreId: { S: policyStoreId } } }),
    );
  }
  await putEntities(dynamo.client, ENTITY_TABLE, ENTITIES);

  // Tenant onboarding links templates through the API, as a tenant admin would: seeding only copies the bundle.
  admin = createLocalAvpClient(avp.url);
  const link = await admin.send(
    new CreatePolicyCommand({
      policyStoreId: ACME_STORE,
      definition: {
        templateLinked: {
          policyTemplateId: 'tenant.delegated-account-read',
          principal: { entityType: 'Billing::TenantUser', entityId: AUDITOR.id },
          resource: { entityType: 'Billing::Account', entityId: 'acct-a2' },
        },
      },
    }),
  );
  if (link.policyId === undefined) throw new Error('CreatePolicy returned no policy id');
  delegationPolicyId = link.policyId;
});

beforeEach(() => {
  avp.resetRequestCounts();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  admin.destroy();
  await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
});

function avpClient(): VerifiedPermissionsClient {
  const engine = MULTI_TENANT.engine;
  if (engine.kind !== 'avp') throw new Error('the multi-tenant fixture mode uses the AVP engine');
  const client = createLocalAvpClient(avp.url, { maxAttempts: engine.maxRetries + 1 });
  clients.push(client);
  return client;
}

/**
 * A handler as the generated one builds it, plus the policy store id of every decision its AVP client asks for
 * (ListPolicies, which names the determining policies of a store, is not a decision).
 */
function build() {
  const telemetry = new MemoryTelemetry();
  const client = avpClient();
  const storesAsked: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const decides = context.commandName === 'IsAuthorizedCommand' || context.commandName === 'BatchIsAuthorizedCommand';
      if (decides && 'policyStoreId' in args.input && typeof args.input.policyStoreId === 'string')
        storesAsked.push(args.input.policyStoreId);
      return next(args);
    },
    { step: 'initialize', name: 'recordPolicyStoreId' },
  );
  const handler = httpAuthorizer({
    mode: MULTI_TENANT,
    bundle: POLICY_BUNDLE,
    dependencies: {
      jwksFetcher: issuer.fetcher,
      telemetry,
      dynamoDb: dynamo.client,
      verifiedPermissions: client,
      env: { TENANT_TABLE, ENTITY_TABLE },
    },
  });
  return { handler, telemetry, storesAsked };
}

function tokenFor(user: User): string {
  const claims = issuer.claimsFor(MULTI_TENANT, {
    id: user.id,
    tenant: user.tenant,
    attributes: { customer: user.customer },
    ...(user.groups ? { groups: user.groups } : {}),
  });
  return issuer.mint(MULTI_TENANT, claims);
}

// ------------------------------------------------------------------ HTTP API payload 2.0 events

interface RouteRequest {
  readonly method: 'GET' | 'POST';
  /** The route's path template, `/tenants/{tenantId}/accounts/{accountId}`. */
  readonly template: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

const viewAccount = (tenantId: string, accountId: string): RouteRequest => ({
  method: 'GET',
  template: '/tenants/{tenantId}/accounts/{accountId}',
  pathParameters: { tenantId, accountId },
});
const listBilling = (tenantId: string, accountId: string): RouteRequest => ({
  method: 'GET',
  template: '/tenants/{tenantId}/accounts/{accountId}/billing',
  pathParameters: { tenantId, accountId },
});
const createPayment = (tenantId: string, accountId: string): RouteRequest => ({
  method: 'POST',
  template: '/tenants/{tenantId}/accounts/{accountId}/billing',
  pathParameters: { tenantId, accountId },
});

function httpEvent(route: RouteRequest, token: string, headers: Readonly<Record<string, string>> = {}): APIGatewayRequestAuthorizerEventV2 {
  const rawPath = route.template.replace(/\{(\w+)\}/g, (_, name: string) => route.pathParameters[name] ?? '');
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
    headers: { host: DOMAIN, 'user-agent': 'tenant-portal/3.1', authorization, ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'saas-api',
      domainName: DOMAIN,
      domainPrefix: 'saas-api',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'tenant-portal/3.1' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: { ...route.pathParameters },
    stageVariables: {},
  };
}

/** The context the backend gets; `determiningPolicy` '' for a default deny. Lists are JSON arrays in a string. */
function decided(user: User, decision: 'allow' | 'deny', determiningPolicy: string) {
  return {
    principalId: user.id,
    principalType: 'Billing::TenantUser',
    tenantId: user.tenant,
    roles: JSON.stringify([...(user.groups ?? [])].sort()),
    decision,
    determiningPolicies: JSON.stringify(determiningPolicy === '' ? [] : [determiningPolicy]),
  };
}

// ------------------------------------------------------------------ tenants

describe('a tenant user within their own tenant', () => {
  it('alice (acme-bank payer) views her own account, decided by acme-bank’s store', async () => {
    const { handler, storesAsked } = build();

    const result = await handler(httpEvent(viewAccount('acme-bank', 'acct-a1'), tokenFor(ALICE)));

    expect(result).toEqual({ isAuthorized: true, context: decided(ALICE, 'allow', 'tenant.read-own') });
    expect(storesAsked).toEqual([ACME_STORE]);
  });
});

describe('tenant isolation', () => {
  it('denies a path that names another tenant before any store is asked', async () => {
    const { handler, telemetry } = build();

    const result = await handler(httpEvent(viewAccount('globex', 'acct-g1'), tokenFor(ALICE)));

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'tenant' } });
    expect(telemetry.records).toMatchObject([
      { result: 'deny', errorKind: 'tenant', reason: 'the path names tenant "globex" but the token belongs to "acme-bank"' },
    ]);
    expect(avp.requestCount('IsAuthorized')).toBe(0);
  });

  it("denies another tenant's account asked for under the token's own tenant path, by tenant.isolation", async () => {
    const { handler, storesAsked } = build();

    const result = await handler(httpEvent(viewAccount('acme-bank', 'acct-g1'), tokenFor(ALICE)));

    expect(result).toEqual({ isAuthorized: false, context: decided(ALICE, 'deny', 'tenant.isolation') });
    expect(storesAsked).toEqual([ACME_STORE]);
  });

  it('denies it by tenant.isolation even when the other tenant reuses the caller’s customer id as owner', async () => {
    const { handler } = build();

    // Without the isolation forbid, tenant.read-own would permit: acct-g9's owner is spelled cust-a1.
    const result = await handler(httpEvent(viewAccount('acme-bank', 'acct-g9'), tokenFor(ALICE)));

    expect(result).toEqual({ isAuthorized: false, context: decided(ALICE, 'deny', 'tenant.isolation') });
  });

  it('denies a tenant the tenant table does not know, without asking any store', async () => {
    const { handler, telemetry, storesAsked } = build();

    const result = await handler(httpEvent(viewAccount('initech', 'acct-a1'), tokenFor(IVAN)));

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'tenant' } });
    expect(telemetry.records).toMatchObject([{ result: 'deny', errorKind: 'tenant', reason: 'tenant "initech" is unknown' }]);
    expect(storesAsked).toEqual([]);
    expect(avp.requestCount('IsAuthorized')).toBe(0);
  });
});

describe('one policy store per tenant', () => {
  it("asks each tenant's own store: a viewer lists billing at acme-bank, globex's own rule refuses it", async () => {
    const { handler, storesAsked } = build();

    const acme = await handler(httpEvent(listBilling('acme-bank', 'acct-a1'), tokenFor(VICTOR)));
    const globex = await handler(httpEvent(listBilling('globex', 'acct-g1'), tokenFor(GINA)));

    expect(acme).toEqual({ isAuthorized: true, context: decided(VICTOR, 'allow', 'tenant.read-own') });
    expect(globex).toEqual({ isAuthorized: false, context: decided(GINA, 'deny', GLOBEX_ONLY_POLICY) });
    expect(storesAsked).toEqual([ACME_STORE, GLOBEX_STORE]);
    expect(avp.requestCount('IsAuthorized')).toBe(2);
  });

  it('globex viewers still view their accounts: only the payment list is refused', async () => {
    const { handler } = build();

    const result = await handler(httpEvent(viewAccount('globex', 'acct-g1'), tokenFor(GINA)));

    expect(result).toEqual({ isAuthorized: true, context: decided(GINA, 'allow', 'tenant.read-own') });
  });
});

describe('CreatePayment and the four-eyes limit (X-Payment-Amount in minor units)', () => {
  const pay = (amount: string, extra: Record<string, string> = {}) =>
    httpEvent(createPayment('acme-bank', 'acct-a1'), tokenFor(ALICE), {
      'x-payment-amount': amount,
      'x-payment-currency': 'EUR',
      ...extra,
    });

  it('allows exactly 1000000 without an approver', async () => {
    const { handler } = build();

    const result = await handler(pay('1000000'));

    expect(result).toEqual({ isAuthorized: true, context: decided(ALICE, 'allow', 'tenant.pay-from-own-account') });
  });

  it('denies 1000001 without X-Approver-Id, by the shared four-eyes guardrail', async () => {
    const { handler } = build();

    const result = await handler(pay('1000001'));

    expect(result).toEqual({ isAuthorized: false, context: decided(ALICE, 'deny', 'shared.forbid-large-payment-without-approver') });
  });

  it('allows 1000001 with an approver in the token (custom:approver_id), and ignores an X-Approver-Id header', async () => {
    const { handler } = build();
    const approved = issuer.mint(MULTI_TENANT, {
      ...issuer.claimsFor(MULTI_TENANT, {
        id: ALICE.id,
        tenant: ALICE.tenant,
        attributes: { customer: ALICE.customer },
        ...(ALICE.groups ? { groups: ALICE.groups } : {}),
      }),
      'custom:approver_id': 'bob',
    });

    const result = await handler(
      httpEvent(createPayment('acme-bank', 'acct-a1'), approved, { 'x-payment-amount': '1000001', 'x-payment-currency': 'EUR' }),
    );
    const headerOnly = await handler(pay('1000001', { 'x-approver-id': 'bob' }));

    expect(headerOnly.isAuthorized).toBe(false);

    expect(result).toEqual({ isAuthorized: true, context: decided(ALICE, 'allow', 'tenant.pay-from-own-account') });
  });
});

describe('the template tenant.delegated-account-read, linked in acme-bank’s store only', () => {
  it('grants the auditor, who has no role, reading the one linked account', async () => {
    const { handler } = build();

    const view = await handler(httpEvent(viewAccount('acme-bank', 'acct-a2'), tokenFor(AUDITOR)));
    const list = await handler(httpEvent(listBilling('acme-bank', 'acct-a2'), tokenFor(AUDITOR)));

    expect(view).toEqual({ isAuthorized: true, context: decided(AUDITOR, 'allow', delegationPolicyId) });
    expect(list).toEqual({ isAuthorized: true, context: decided(AUDITOR, 'allow', delegationPolicyId) });
  });

  it('grants no other account and no payment from the linked one', async () => {
    const { handler } = build();
    const headers = { 'x-payment-amount': '100', 'x-payment-currency': 'EUR' };

    const other = await handler(httpEvent(viewAccount('acme-bank', 'acct-a1'), tokenFor(AUDITOR)));
    const payment = await handler(httpEvent(createPayment('acme-bank', 'acct-a2'), tokenFor(AUDITOR), headers));

    expect(other).toEqual({ isAuthorized: false, context: decided(AUDITOR, 'deny', '') });
    expect(payment).toEqual({ isAuthorized: false, context: decided(AUDITOR, 'deny', '') });
  });

  it('exists in acme-bank’s store and not in globex’s', async () => {
    const linked = (policyStoreId: string) =>
      admin.send(new ListPoliciesCommand({ policyStoreId, filter: { policyType: 'TEMPLATE_LINKED' } }));

    const [acme, globex] = await Promise.all([linked(ACME_STORE), linked(GLOBEX_STORE)]);

    expect(acme.policies?.map((p) => [p.policyId, p.definition?.templateLinked?.policyTemplateId])).toEqual([
      [delegationPolicyId, 'tenant.delegated-account-read'],
    ]);
    expect(globex.policies).toEqual([]);
  });
});
