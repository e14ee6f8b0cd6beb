// The handlers decide on the route API Gateway chose: precedence over YAML order, the REST route identity check, and
// HTTP API routing by routeKey behind a custom domain. Real tokens from the local issuer, entities in dynalite.
import { randomUUID } from 'node:crypto';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import type { HttpRoute, ModeConfig } from '../../../runtime/config.js';
import { httpAuthorizer, MemoryTelemetry, restRequestAuthorizer, type RuntimeDependencies } from '../../../runtime/index.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: BUNDLE } = fixtureMode('billing', 'customer');

const ARN_PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:api-id';
const ref = (type: string, id: string) => ({ __entity: { type, id } });
const TENANT = ref('Billing::Tenant', 'bank-a');

/**
 * A literal route listed AFTER `GET /accounts/{accountId}`: API Gateway sends `GET /accounts/shared` to it (a literal
 * segment beats a parameter), and it asks ListBilling on acct-2, which cust-1 does not own.
 */
const SHARED: HttpRoute = {
  kind: 'http',
  key: 'GET /accounts/shared',
  method: 'GET',
  path: '/accounts/shared',
  action: 'ListBilling',
  resource: { type: 'Billing::Account', id: 'acct-2' },
  context: [],
};
const MODE: ModeConfig = { ...CUSTOMER, routes: [...CUSTOMER.routes, SHARED] };

function account(id: string, owner: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Billing::Customer', owner), tenant: TENANT, currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

// An account whose id is `shared`, owned by cust-1: deciding on the {accountId} route would allow ViewAccount on it.
const ENTITIES: readonly EntityJson[] = [
  ...['cust-1', 'cust-2'].map((id) => ({
    uid: { type: 'Billing::Customer', id },
    attrs: { tenant: TENANT, country: 'FR' },
    parents: [{ type: 'Billing::Tenant', id: 'bank-a' }],
  })),
  account('acct-1', 'cust-1'),
  account('acct-2', 'cust-2'),
  account('shared', 'cust-1'),
];

let issuer: LocalIssuer;
let dynamo: LocalDynamo;

beforeAll(async () => {
  [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  await createTables(dynamo.client, [{ name: 'billing-entities', keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, 'billing-entities', ENTITIES);
});

afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close()]);
});

function dependencies(telemetry: MemoryTelemetry): RuntimeDependencies {
  return { jwksFetcher: issuer.fetcher, telemetry, dynamoDb: dynamo.client, env: {} };
}

function token(): string {
  const claims = issuer.claimsFor(CUSTOMER, {
    id: 'user-1',
    groups: ['payer'],
    attributes: { customer: 'cust-1', email: 'a@example.com' },
  });
  return issuer.mint(CUSTOMER, claims);
}

/** A REST REQUEST event: `resource` and `httpMethod` are the route API Gateway chose, methodArn the concrete path. */
function restEvent(path: string, resource: string, pathParameters: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  const headers = { Host: 'api-id.execute-api.eu-west-1.amazonaws.com', Authorization: `Bearer ${token()}` };
  return {
    type: 'REQUEST',
    methodArn: `${ARN_PREFIX}/prod/GET${path}`,
    resource,
    path,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    pathParameters,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      authorizer: undefined,
      httpMethod: 'GET',
      identity: { sourceIp: '198.51.100.7' } as APIGatewayRequestAuthorizerEvent['requestContext']['identity'],
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: resource,
      stage: 'prod',
    },
  };
}

describe('a REST REQUEST authorizer', () => {
  it('decides on the literal route API Gateway chose, even when the mode lists the {parameter} route first', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });

    const answer = await handler(restEvent('/accounts/shared', '/accounts/shared', {}));

    // ListBilling on acct-2 (cust-2's) is refused; ViewAccount on account `shared` would have been allowed.
    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(telemetry.records.map((r) => [r.action, r.resource])).toEqual([['ListBilling', 'Billing::Account::"acct-2"']]);
  });

  it('denies with reason route-mismatch when the event names another route than its path matches', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });

    // API Gateway routed to /accounts/{accountId} (say, the literal route is not deployed): the authorizer's own
    // match is GET /accounts/shared, so it would decide for a route the request does not go to.
    const answer = await handler(restEvent('/accounts/shared', '/accounts/{accountId}', { accountId: 'shared' }));

    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(answer.context?.['reason']).toBe('route-mismatch');
    expect(telemetry.records.map((r) => [r.result, r.errorKind])).toEqual([['deny', 'route-mismatch']]);
    expect(telemetry.records[0]?.reason).toContain(
      'routed to GET /accounts/{accountId}, but its method and path match GET /accounts/shared',
    );
  });

  it('still allows an event whose route identity is the matched route', async () => {
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(new MemoryTelemetry()) });

    const answer = await handler(restEvent('/accounts/acct-1', '/accounts/{accountId}', { accountId: 'acct-1' }));

    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });
});

/** `ANY /files/{proxy+}` (the resource is the rest of the path) beside a literal `GET /files/shared` on acct-2. */
const PROXY_MODE: ModeConfig = {
  ...CUSTOMER,
  routes: [
    { ...SHARED, key: 'GET /files/shared', path: '/files/shared' },
    {
      kind: 'http',
      key: 'ANY /files/{proxy+}',
      method: 'ANY',
      path: '/files/{proxy+}',
      action: 'ViewAccount',
      resource: { type: 'Billing::Account', pathParameter: 'proxy' },
      context: [],
    },
  ],
};

/** A REST event for `method path`, routed by API Gateway to `resource`: methodArn and httpMethod carry the request verb. */
function restEventFor(method: string, path: string, resource: string, pathParameters: Record<string, string>) {
  const event = restEvent(path, resource, pathParameters);
  return { ...event, methodArn: `${ARN_PREFIX}/prod/${method}${path}`, httpMethod: method };
}

describe('a REST REQUEST authorizer with ANY /files/{proxy+}', () => {
  // "Input to an API Gateway Lambda authorizer": an ANY method's methodArn names the request's own verb.
  it('allows DELETE on an owned account through the ANY route, whose resource is the {proxy+} template', async () => {
    const handler = restRequestAuthorizer({ mode: PROXY_MODE, bundle: BUNDLE, dependencies: dependencies(new MemoryTelemetry()) });

    const answer = await handler(restEventFor('DELETE', '/files/acct-1', '/files/{proxy+}', { proxy: 'acct-1' }));

    expect(answer.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [`${ARN_PREFIX}/prod/DELETE/files/acct-1`] });
  });

  it('denies with route-mismatch when the event names the {proxy+} route but its path matches the literal route', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: PROXY_MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });

    const answer = await handler(restEventFor('GET', '/files/shared', '/files/{proxy+}', { proxy: 'shared' }));

    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(telemetry.records.map((r) => [r.result, r.errorKind])).toEqual([['deny', 'route-mismatch']]);
  });
});

/**
 * An HTTP API payload 2.0 event. Behind a custom domain whose API mapping key is `v1`, `rawPath` keeps the `/v1` prefix
 * while `routeKey` and `pathParameters` are API Gateway's routing answer ("Map API stages to a custom domain name for
 * HTTP APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html).
 */
function httpEvent(options: { rawPath: string; domainName: string; accountId: string }): APIGatewayRequestAuthorizerEventV2 {
  const authorization = `Bearer ${token()}`;
  const routeKey = 'GET /accounts/{accountId}';
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `${ARN_PREFIX}/$default/GET/accounts/${options.accountId}`,
    identitySource: [authorization],
    routeKey,
    rawPath: options.rawPath,
    rawQueryString: '',
    cookies: [],
    headers: { host: options.domainName, authorization },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: options.domainName,
      domainPrefix: options.domainName.split('.')[0] ?? '',
      http: { method: 'GET', path: options.rawPath, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: { accountId: options.accountId },
    stageVariables: {},
  };
}

describe('an HTTP API authorizer', () => {
  it('allows a request through a custom domain with API mapping key v1 as it allows the plain request', async () => {
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(new MemoryTelemetry()) });

    const plain = await handler(
      httpEvent({ rawPath: '/accounts/acct-1', domainName: 'api-id.execute-api.eu-west-1.amazonaws.com', accountId: 'acct-1' }),
    );
    const mapped = await handler(httpEvent({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' }));

    expect(plain.isAuthorized).toBe(true);
    expect(mapped.isAuthorized).toBe(true);
  });

  it('reads the resource id from pathParameters, not from rawPath', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });

    const answer = await handler(httpEvent({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-2' }));

    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => r.resource)).toEqual(['Billing::Account::"acct-2"']);
  });

  it('takes no route from an event whose two routeKeys differ, and denies it', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });
    const event = httpEvent({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' });

    const answer = await handler({ ...event, requestContext: { ...event.requestContext, routeKey: 'GET /accounts/shared' } });

    // No route identity, so the path decides, and `/v1/accounts/acct-1` (the mapping key left in it) matches no route.
    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => r.errorKind)).toEqual(['route']);
  });

  it('denies a routeKey the mode does not declare', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: dependencies(telemetry) });
    const event = httpEvent({ rawPath: '/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' });

    const answer = await handler({ ...event, routeKey: '$default', requestContext: { ...event.requestContext, routeKey: '$default' } });

    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => [r.errorKind, r.reason])).toEqual([['route', 'no route for $default']]);
  });
});
