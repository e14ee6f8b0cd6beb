// Faults of every dependency through real handlers: each ends in a Deny or a 401 that says why, never an Allow or a crash,
// and normal answers resume, uncached by the failure, once the fault clears.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type Fault, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { createTables, LOCAL_REGION, putEntities, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { decodeToken, startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import { httpAuthorizer, MemoryTelemetry, restRequestAuthorizer, UNAUTHORIZED, type RuntimeDependencies } from '../../runtime/index.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL, POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: MULTI_TENANT, POLICY_BUNDLE: MULTI_TENANT_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const ENTITY_TABLE = 'billing-entities';
const TENANT_TABLE = 'billing-tenants';
const INTERNAL_STORE = 'ps-internal';
const TENANT_STORE = 'ps-acme';
const ARN_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod';

// ------------------------------------------------------------------ fixtures

const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });

/** acct-1 belongs to cust-1 of tenant acme-bank: every mode below can read it. */
const ENTITIES: readonly EntityJson[] = [
  {
    uid: { type: 'Billing::Customer', id: 'cust-1' },
    attrs: { tenant: ref('Tenant', 'acme-bank'), country: 'FR' },
    parents: [{ type: 'Billing::Tenant', id: 'acme-bank' }],
  },
  {
    uid: { type: 'Billing::Account', id: 'acct-1' },
    attrs: { owner: ref('Customer', 'cust-1'), tenant: ref('Tenant', 'acme-bank'), currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
  },
];

async function seedTables(client: DynamoDBClient): Promise<void> {
  await createTables(client, [
    { name: ENTITY_TABLE, keyAttribute: 'uid' },
    { name: TENANT_TABLE, keyAttribute: 'tenantId' },
  ]);
  await putEntities(client, ENTITY_TABLE, ENTITIES);
  await client.send(
    new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: 'acme-bank' }, policyStoreId: { S: TENANT_STORE } } }),
  );
}

/** The internal mode with a short engine budget and JWKS timeout, so faults beyond them cost little time. */
const INTERNAL_FAST: ModeConfig = { ...INTERNAL, timeouts: { ...INTERNAL.timeouts, engineMs: 250, jwksMs: 300 } };

let issuer: LocalIssuer;
let dynamo: LocalDynamo;
let avp: LocalAvpEndpoint;
const clients: VerifiedPermissionsClient[] = [];

beforeAll(async () => {
  [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  avp.seedPolicyStore({ policyStoreId: INTERNAL_STORE, bundle: INTERNAL_BUNDLE });
  avp.seedPolicyStore({ policyStoreId: TENANT_STORE, bundle: MULTI_TENANT_BUNDLE });
  await seedTables(dynamo.client);
});

beforeEach(() => {
  avp.setFault(undefined);
  avp.resetRequestCounts();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
});

/**
 * One attempt per decision: the SDK's retries are covered in tests/runtime/engine/avp-engine.test.ts, and a single
 * attempt makes each fault's logged reason exact.
 */
function avpClient(): VerifiedPermissionsClient {
  const client = createLocalAvpClient(avp.url, { maxAttempts: 1 });
  clients.push(client);
  return client;
}

function dependencies(telemetry: MemoryTelemetry, overrides: Partial<RuntimeDependencies> = {}): RuntimeDependencies {
  return {
    jwksFetcher: issuer.fetcher,
    telemetry,
    dynamoDb: dynamo.client,
    verifiedPermissions: avpClient(),
    env: { POLICY_STORE_ID: INTERNAL_STORE, ENTITY_TABLE, TENANT_TABLE },
    ...overrides,
  };
}

function internalHandler(mode: ModeConfig = INTERNAL_FAST) {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({ mode, bundle: INTERNAL_BUNDLE, dependencies: dependencies(telemetry) });
  return { handler, telemetry };
}

function staffToken(options: { signingKid?: string } = {}): string {
  const claims = issuer.claimsFor(INTERNAL, {
    id: 'sam@billing.example',
    groups: ['support'],
    attributes: { email: 'sam@billing.example' },
  });
  return issuer.mint(INTERNAL, claims, options);
}

// ------------------------------------------------------------------ events

function restEvent(path: string, token: string): APIGatewayRequestAuthorizerEvent {
  const headers = { Host: 'api-id.execute-api.eu-west-1.amazonaws.com', Authorization: `Bearer ${token}` };
  return {
    type: 'REQUEST',
    methodArn: `${ARN_PREFIX}/GET${path}`,
    resource: '/accounts/{accountId}',
    path,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: { Host: [headers.Host], Authorization: [headers.Authorization] },
    pathParameters: { accountId: path.split('/')[2] ?? '' },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      authorizer: undefined,
      domainName: headers.Host,
      domainPrefix: 'api-id',
      extendedRequestId: randomUUID(),
      httpMethod: 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.7',
        user: null,
        userAgent: 'support-console/2.0',
        userArn: null,
      },
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: '09/Apr/2026:12:34:56 +0000',
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: '/accounts/{accountId}',
      stage: 'prod',
    },
  };
}

function httpEvent(rawPath: string, token: string): APIGatewayRequestAuthorizerEventV2 {
  const routeKey = 'GET /tenants/{tenantId}/accounts/{accountId}';
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:saas-api/$default/GET${rawPath}`,
    identitySource: [`Bearer ${token}`],
    routeKey,
    rawPath,
    rawQueryString: '',
    cookies: [],
    headers: { host: 'saas-api.execute-api.eu-west-1.amazonaws.com', authorization: `Bearer ${token}` },
    requestContext: {
      accountId: '123456789012',
      apiId: 'saas-api',
      domainName: 'saas-api.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'saas-api',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'tenant-portal/3.1' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: { tenantId: 'acme-bank', accountId: 'acct-1' },
    stageVariables: {},
  };
}

const ACCOUNT_ARN = `${ARN_PREFIX}/GET/accounts/acct-1`;

function iamAnswer(effect: 'Allow' | 'Deny', principalId: string, context: Record<string, string>): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: [ACCOUNT_ARN] }] },
    context,
  };
}

const SUPPORT_ALLOW = iamAnswer('Allow', 'sam@billing.example', {
  principalId: 'sam@billing.example',
  principalType: 'Billing::StaffUser',
  roles: '["support"]',
  decision: 'allow',
  determiningPolicies: '["staff.support-read"]',
});

const failedWith = (kind: string) => iamAnswer('Deny', 'anonymous', { decision: 'deny', reason: kind });

/** The rejection of a REST handler's promise: API Gateway answers 401 for exactly `Error('Unauthorized')`. */
async function rejection(answer: Promise<unknown>): Promise<unknown> {
  try {
    await answer;
  } catch (error) {
    return error;
  }
  throw new Error('the handler answered instead of refusing');
}

// ------------------------------------------------------------------ Verified Permissions

describe('Verified Permissions faults (internal mode, REST request authorizer)', () => {
  // The SDK's own wording of a body that is not JSON follows the Node version: only its start is pinned.
  const cases: readonly { readonly fault: Fault; readonly reason: unknown }[] = [
    { fault: { kind: 'latency', ms: 1000 }, reason: 'Verified Permissions failed (AbortError): Request aborted' },
    { fault: { kind: 'throttle' }, reason: 'Verified Permissions failed (ThrottlingException): Rate exceeded' },
    {
      fault: { kind: 'server-error' },
      reason: 'Verified Permissions failed (InternalServerException): injected fault: internal server error',
    },
    {
      fault: { kind: 'malformed' },
      reason: expect.stringMatching(
        /^Verified Permissions failed \(SyntaxError\): Unexpected token '<', "<html><bod"\.\.\. is not valid JSON/,
      ),
    },
    { fault: { kind: 'reset' }, reason: 'Verified Permissions failed (TimeoutError): socket hang up' },
  ];

  it.each(cases)(
    '$fault.kind: Deny with errorKind engine, then the same request is evaluated again and allowed',
    async ({ fault, reason }) => {
      const { handler, telemetry } = internalHandler();
      const token = staffToken();
      avp.setFault(fault);

      const during = await handler(restEvent('/accounts/acct-1', token));
      avp.setFault(undefined);
      const after = await handler(restEvent('/accounts/acct-1', token));

      expect(during).toEqual(failedWith('engine'));
      expect(after).toEqual(SUPPORT_ALLOW);
      expect(telemetry.records).toHaveLength(2);
      expect(telemetry.records[0]).toMatchObject({ result: 'deny', errorKind: 'engine', reason, cacheHit: false });
      expect(telemetry.records[1]).toMatchObject({ result: 'allow', cacheHit: false, determiningPolicies: ['staff.support-read'] });
      expect(telemetry.records[1]?.errorKind).toBeUndefined();
      expect(avp.requestCount('IsAuthorized')).toBe(2);
    },
  );

  it('answers within the engine budget plus a margin when AVP is slow', async () => {
    const { handler } = internalHandler();
    avp.setFault({ kind: 'latency', ms: 2000 });
    const started = performance.now();

    const result = await handler(restEvent('/accounts/acct-1', staffToken()));

    expect(result).toEqual(failedWith('engine'));
    expect(performance.now() - started).toBeLessThan(INTERNAL_FAST.timeouts.engineMs + 500);
  });
});

// ------------------------------------------------------------------ the issuer's keys

describe('JWKS faults', () => {
  it('JWKS down for a cold verifier: 401 logged with errorKind jwks; the same handler allows once it is back', async () => {
    const { handler, telemetry } = internalHandler();
    const token = staffToken();
    issuer.setDown(true);
    let refused: unknown;
    try {
      refused = await rejection(handler(restEvent('/accounts/acct-1', token)));
    } finally {
      issuer.setDown(false);
    }

    const after = await handler(restEvent('/accounts/acct-1', token));

    expect(refused).toEqual(new Error(UNAUTHORIZED));
    expect(telemetry.records[0]).toMatchObject({
      result: 'unauthorized',
      errorKind: 'jwks',
      reason:
        'the signing keys could not be fetched: Failed to fetch ' +
        'https://billing.okta.com/oauth2/default/v1/keys: Status code is 503, expected 200',
    });
    expect(after).toEqual(SUPPORT_ALLOW);
    expect(avp.requestCount('IsAuthorized')).toBe(1);
  });

  it('JWKS reset for a cold verifier: 401 logged with errorKind jwks', async () => {
    const { handler, telemetry } = internalHandler();
    issuer.setDown(true, 'reset');
    let refused: unknown;
    try {
      refused = await rejection(handler(restEvent('/accounts/acct-1', staffToken())));
    } finally {
      issuer.setDown(false);
    }

    expect(refused).toEqual(new Error(UNAUTHORIZED));
    expect(telemetry.records).toMatchObject([
      {
        result: 'unauthorized',
        errorKind: 'jwks',
        reason: expect.stringMatching(
          /^the signing keys could not be fetched: Failed to fetch https:\/\/billing\.okta\.com\/oauth2\/default\/v1\/keys: fetch failed/,
        ),
      },
    ]);
  });

  it('JWKS slower than timeouts.jwksMs: 401 within the budget, logged with errorKind jwks; allowed once it is fast again', async () => {
    const { handler, telemetry } = internalHandler();
    const token = staffToken();
    issuer.setLatency(1500);
    const started = performance.now();
    let refused: unknown;
    let elapsed: number;
    try {
      refused = await rejection(handler(restEvent('/accounts/acct-1', token)));
      elapsed = performance.now() - started;
    } finally {
      issuer.setLatency(0);
    }

    const after = await handler(restEvent('/accounts/acct-1', token));

    expect(refused).toEqual(new Error(UNAUTHORIZED));
    expect(elapsed).toBeLessThan(INTERNAL_FAST.timeouts.jwksMs + 500);
    expect(telemetry.records[0]).toMatchObject({
      result: 'unauthorized',
      errorKind: 'jwks',
      reason:
        `the signing keys could not be fetched: Failed to fetch https://billing.okta.com/oauth2/default/v1/keys: Response time-out ` +
        `(after ${INTERNAL_FAST.timeouts.jwksMs} ms.)`,
    });
    expect(after).toEqual(SUPPORT_ALLOW);
  });

  it(
    'after a key rotation a token with the new kid is allowed by a ' + 'warm handler; once the old key is removed, its tokens get 401',
    async () => {
      const warm = internalHandler();
      const beforeRotation = await warm.handler(restEvent('/accounts/acct-1', staffToken()));

      const { previousKid, kid } = issuer.rotateKeys();
      const rotated = staffToken();
      const withNewKid = await warm.handler(restEvent('/accounts/acct-1', rotated));
      issuer.removeKey(previousKid);
      // The handler path refreshes its JWKS only after 600 s: a fresh handler is a cold start that fetches it now.
      const fresh = internalHandler();
      const refused = await rejection(fresh.handler(restEvent('/accounts/acct-1', staffToken({ signingKid: previousKid }))));
      const stillNew = await fresh.handler(restEvent('/accounts/acct-1', rotated));

      expect(beforeRotation).toEqual(SUPPORT_ALLOW);
      expect(decodeToken(rotated).header['kid']).toBe(kid);
      expect(withNewKid).toEqual(SUPPORT_ALLOW);
      expect(refused).toEqual(new Error(UNAUTHORIZED));
      expect(fresh.telemetry.records[0]).toMatchObject({
        result: 'unauthorized',
        errorKind: 'token',
        reason: `JWK for kid "${previousKid}" not found in the JWKS`,
      });
      expect(stillNew).toEqual(SUPPORT_ALLOW);
    },
  );
});

// ------------------------------------------------------------------ DynamoDB

describe('DynamoDB down (dynalite closed), then back', () => {
  let down: LocalDynamo;
  let port: number;
  let client: DynamoDBClient;

  beforeAll(async () => {
    down = await startLocalDynamo();
    port = Number(new URL(down.endpoint).port);
    await seedTables(down.client);
    // The handlers' own client: LocalDynamo.close() destroys the one it made.
    client = new DynamoDBClient({
      endpoint: down.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await down.close();
  });

  it('denies with errorKind entity-store (customer mode) and tenant (multi-tenant mode), then allows once it is back', async () => {
    const customerTelemetry = new MemoryTelemetry();
    const customer = restRequestAuthorizer({
      mode: CUSTOMER,
      bundle: CUSTOMER_BUNDLE,
      dependencies: dependencies(customerTelemetry, { dynamoDb: client }),
    });
    const tenantTelemetry = new MemoryTelemetry();
    const tenant = httpAuthorizer({
      mode: MULTI_TENANT,
      bundle: MULTI_TENANT_BUNDLE,
      dependencies: dependencies(tenantTelemetry, { dynamoDb: client }),
    });
    const customerToken = issuer.mint(
      CUSTOMER,
      issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['viewer'], attributes: { customer: 'cust-1' } }),
    );
    const tenantToken = issuer.mint(
      MULTI_TENANT,
      issuer.claimsFor(MULTI_TENANT, { id: 'alice', groups: ['viewer'], tenant: 'acme-bank', attributes: { customer: 'cust-1' } }),
    );
    await down.close();

    const customerDuring = await customer(restEvent('/accounts/acct-1', customerToken));
    const tenantDuring = await tenant(httpEvent('/tenants/acme-bank/accounts/acct-1', tenantToken));
    down = await startLocalDynamo({ port });
    await seedTables(down.client);
    const customerAfter = await customer(restEvent('/accounts/acct-1', customerToken));
    const tenantAfter = await tenant(httpEvent('/tenants/acme-bank/accounts/acct-1', tenantToken));

    expect(customerDuring).toEqual(iamAnswer('Deny', 'anonymous', { decision: 'deny', reason: 'entity-store' }));
    expect(customerTelemetry.records[0]).toMatchObject({
      result: 'deny',
      errorKind: 'entity-store',
      reason: `entity store ${ENTITY_TABLE} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    expect(tenantDuring).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'tenant' } });
    expect(tenantTelemetry.records[0]).toMatchObject({
      result: 'deny',
      errorKind: 'tenant',
      reason: `tenant lookup in ${TENANT_TABLE} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    expect(customerAfter.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(customerAfter.context).toMatchObject({ decision: 'allow', determiningPolicies: '["customer.read-own"]' });
    expect(tenantAfter).toMatchObject({ isAuthorized: true, context: { decision: 'allow', determiningPolicies: '["tenant.read-own"]' } });
  });
});

// ------------------------------------------------------------------ the policy bundle

describe('a policy bundle that does not parse (customer mode, local engine)', () => {
  const BROKEN: PolicyBundle = {
    ...CUSTOMER_BUNDLE,
    policies: { ...CUSTOMER_BUNDLE.policies, 'customer.read-own': 'permit (principal, action, resource' },
  };

  it('builds the handler, then denies every request with errorKind engine', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: CUSTOMER, bundle: BROKEN, dependencies: dependencies(telemetry) });
    const token = issuer.mint(
      CUSTOMER,
      issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['admin'], attributes: { customer: 'cust-1' } }),
    );

    const first = await handler(restEvent('/accounts/acct-1', token));
    const second = await handler(restEvent('/accounts/acct-1', token));

    expect(first).toEqual(failedWith('engine'));
    expect(second).toEqual(failedWith('engine'));
    expect(telemetry.records.map((r) => [r.result, r.errorKind, r.cacheHit])).toEqual([
      ['deny', 'engine', false],
      ['deny', 'engine', false],
    ]);
    expect(telemetry.records[0]?.reason).toBe(
      'the engine could not start: the policy bundle of customer does not parse: failed ' +
        'to parse policy with id `customer.read-own` from string: unexpected end of input',
    );
  });
});
