// A cached TOKEN authorizer: one answer per token must list, one by one, exactly the routes that token may call.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAvpEndpoint, createLocalAvpClient, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../runtime/config.js';
import { MemoryTelemetry, restTokenAuthorizer, UNAUTHORIZED } from '../../runtime/index.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { fixedRoute } from './support/handler-events.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');

const BASE = 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod';
const ref = (type: string, id: string) => ({ __entity: { type, id } });
const TENANT = ref('Billing::Tenant', 'bank-a');
const account = (id: string, owner: string): EntityJson => ({
  uid: { type: 'Billing::Account', id },
  attrs: { owner: ref('Billing::Customer', owner), tenant: TENANT, currency: 'EUR', frozen: false },
  parents: [{ type: 'Billing::Customer', id: owner }],
});

/** A partner API whose routes all name fixed accounts: the case a token-keyed cache can serve safely. */
const PARTNER: ModeConfig = {
  ...CUSTOMER,
  name: 'partner',
  api: { ...CUSTOMER.api, authorizer: 'token' },
  cache: { ttlSeconds: 300, decisionCacheSize: 100 },
  // The first request fetches the JWKS; this file is about which routes are listed, not about the JWKS budget
  // (tests/runtime/faults.test.ts is), so a loaded machine must not turn its first answer into a 401.
  timeouts: { ...CUSTOMER.timeouts, jwksMs: 10_000 },
  routes: [
    fixedRoute('GET', '/house-account', 'ViewAccount', 'acct-1'),
    fixedRoute('GET', '/house-account/billing', 'ListBilling', 'acct-1'),
    fixedRoute('GET', '/settlement-account', 'ViewAccount', 'acct-2'),
  ],
};

let issuer: LocalIssuer;
let dynamo: LocalDynamo;
let avp: LocalAvpEndpoint;

beforeAll(async () => {
  [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  await createTables(dynamo.client, [{ name: 'billing-entities', keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, 'billing-entities', [account('acct-1', 'cust-1'), account('acct-2', 'cust-2')]);
  avp.seedPolicyStore({ policyStoreId: 'ps-partner', bundle: CUSTOMER_BUNDLE });
});
afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
});

function handlerFor(mode: ModeConfig, telemetry = new MemoryTelemetry()) {
  return restTokenAuthorizer({
    mode,
    bundle: CUSTOMER_BUNDLE,
    dependencies: {
      jwksFetcher: issuer.fetcher,
      dynamoDb: dynamo.client,
      verifiedPermissions: createLocalAvpClient(avp.url),
      telemetry,
      env: {},
    },
  });
}

const payerOfCust1 = () =>
  issuer.mint(
    CUSTOMER,
    issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { userId: 'user-1', customer: 'cust-1' } }),
  );

describe.each([
  ['local engine', PARTNER],
  [
    'avp engine (BatchIsAuthorized)',
    { ...PARTNER, engine: { kind: 'avp', policyStore: { id: 'ps-partner' }, maxRetries: 0 } } satisfies ModeConfig,
  ],
])('a cached TOKEN authorizer, %s', (_name, mode) => {
  it('allows exactly the routes the token may call, each listed by its own method ARN, and nothing else', async () => {
    const result = await handlerFor(mode)({
      type: 'TOKEN',
      authorizationToken: `Bearer ${payerOfCust1()}`,
      methodArn: `${BASE}/GET/house-account`,
    });

    expect(result.principalId).toBe('user-1');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${BASE}/GET/house-account`, `${BASE}/GET/house-account/billing`] },
    ]);
    expect(result.context?.['allowedRoutes']).toBe(JSON.stringify(['GET /house-account', 'GET /house-account/billing']));
  });

  it('denies when the token may call none of the routes', async () => {
    const stranger = issuer.mint(
      CUSTOMER,
      issuer.claimsFor(CUSTOMER, { id: 'user-9', groups: ['viewer'], attributes: { userId: 'user-9', customer: 'cust-9' } }),
    );
    const result = await handlerFor(mode)({ type: 'TOKEN', authorizationToken: stranger, methodArn: `${BASE}/GET/house-account` });

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${BASE}/GET/house-account`] },
    ]);
  });

  it('answers 401 for a bad token', async () => {
    await expect(
      handlerFor(mode)({ type: 'TOKEN', authorizationToken: 'Bearer a.b.c', methodArn: `${BASE}/GET/house-account` }),
    ).rejects.toThrow(UNAUTHORIZED);
  });
});

describe('the batch', () => {
  it('asks Verified Permissions once for every route, and serves the same token from its cache', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = handlerFor({ ...PARTNER, engine: { kind: 'avp', policyStore: { id: 'ps-partner' }, maxRetries: 0 } }, telemetry);
    avp.resetRequestCounts();
    const token = payerOfCust1();

    await handler({ type: 'TOKEN', authorizationToken: token, methodArn: `${BASE}/GET/house-account` });
    await handler({ type: 'TOKEN', authorizationToken: token, methodArn: `${BASE}/GET/settlement-account` });

    expect(avp.requestCount('BatchIsAuthorized')).toBe(1);
    expect(avp.requestCount('IsAuthorized')).toBe(0);
    expect(telemetry.records.map((r) => r.cacheHit)).toEqual([false, true]);
  });

  it('evaluates only the requested route when caching is off', async () => {
    const result = await handlerFor({ ...PARTNER, cache: { ttlSeconds: 0, decisionCacheSize: 0 } })({
      type: 'TOKEN',
      authorizationToken: payerOfCust1(),
      methodArn: `${BASE}/GET/house-account`,
    });
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${BASE}/GET/house-account`] },
    ]);
  });
});
