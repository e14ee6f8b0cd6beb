// The handlers decide on the route API Gateway chose: precedence over YAML order, the REST route identity check, and
// HTTP API routing by routeKey behind a custom domain. Real tokens from the local issuer, entities in dynalite.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRoute, ModeConfig } from '../../../runtime/config.js';
import { httpAuthorizer, MemoryTelemetry, restRequestAuthorizer } from '../../../runtime/index.js';
import {
  account,
  ARN_PREFIX,
  customer,
  CUSTOMER,
  CUSTOMER_BUNDLE as BUNDLE,
  DOMAIN,
  httpEvent,
  restRequestEvent,
  startHandlerWorld,
  viewAccount,
  type HandlerWorld,
} from '../support/handler-events.js';

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

// An account whose id is `shared`, owned by cust-1: deciding on the {accountId} route would allow ViewAccount on it.
const ENTITIES: readonly EntityJson[] = [
  customer('cust-1'),
  customer('cust-2'),
  account('acct-1', 'cust-1'),
  account('acct-2', 'cust-2'),
  account('shared', 'cust-1'),
];

let world: HandlerWorld;

beforeAll(async () => {
  world = await startHandlerWorld(ENTITIES);
});

afterAll(async () => {
  await world?.close();
});

/** A REST REQUEST event for GET `path`, routed by API Gateway to `resource` with these path parameters. */
function restEvent(path: string, resource: string, pathParameters: Record<string, string>) {
  return restEventFor('GET', path, resource, pathParameters);
}

describe('a REST REQUEST authorizer', () => {
  it('decides on the literal route API Gateway chose, even when the mode lists the {parameter} route first', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });

    const answer = await handler(restEvent('/accounts/shared', '/accounts/shared', {}));

    // ListBilling on acct-2 (cust-2's) is refused; ViewAccount on account `shared` would have been allowed.
    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(telemetry.records.map((r) => [r.action, r.resource])).toEqual([['ListBilling', 'Billing::Account::"acct-2"']]);
  });

  it('denies with reason route-mismatch when the event names another route than its path matches', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });

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
    const handler = restRequestAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(new MemoryTelemetry()) });

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
  return restRequestEvent({ method, path, resource, pathParameters }, { token: world.customerToken() });
}

describe('a REST REQUEST authorizer with ANY /files/{proxy+}', () => {
  // "Input to an API Gateway Lambda authorizer": an ANY method's methodArn names the request's own verb.
  it('allows DELETE on an owned account through the ANY route, whose resource is the {proxy+} template', async () => {
    const handler = restRequestAuthorizer({ mode: PROXY_MODE, bundle: BUNDLE, dependencies: world.dependencies(new MemoryTelemetry()) });

    const answer = await handler(restEventFor('DELETE', '/files/acct-1', '/files/{proxy+}', { proxy: 'acct-1' }));

    expect(answer.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [`${ARN_PREFIX}/prod/DELETE/files/acct-1`] });
  });

  it('denies with route-mismatch when the event names the {proxy+} route but its path matches the literal route', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: PROXY_MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });

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
function httpEventAt(options: { rawPath: string; domainName: string; accountId: string }): APIGatewayRequestAuthorizerEventV2 {
  const { rawPath, domainName, accountId } = options;
  return httpEvent(viewAccount(accountId), { token: world.customerToken(), rawPath, domainName });
}

describe('an HTTP API authorizer', () => {
  it('allows a request through a custom domain with API mapping key v1 as it allows the plain request', async () => {
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(new MemoryTelemetry()) });

    const plain = await handler(httpEventAt({ rawPath: '/accounts/acct-1', domainName: DOMAIN, accountId: 'acct-1' }));
    const mapped = await handler(httpEventAt({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' }));

    expect(plain.isAuthorized).toBe(true);
    expect(mapped.isAuthorized).toBe(true);
  });

  it('reads the resource id from pathParameters, not from rawPath', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });

    const answer = await handler(httpEventAt({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-2' }));

    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => r.resource)).toEqual(['Billing::Account::"acct-2"']);
  });

  it('takes no route from an event whose two routeKeys differ, and denies it', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });
    const event = httpEventAt({ rawPath: '/v1/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' });

    const answer = await handler({ ...event, requestContext: { ...event.requestContext, routeKey: 'GET /accounts/shared' } });

    // No route identity, so the path decides, and `/v1/accounts/acct-1` (the mapping key left in it) matches no route.
    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => r.errorKind)).toEqual(['route']);
  });

  it('denies a routeKey the mode does not declare', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = httpAuthorizer({ mode: MODE, bundle: BUNDLE, dependencies: world.dependencies(telemetry) });
    const event = httpEventAt({ rawPath: '/accounts/acct-1', domainName: 'api.example.com', accountId: 'acct-1' });

    const answer = await handler({ ...event, routeKey: '$default', requestContext: { ...event.requestContext, routeKey: '$default' } });

    expect(answer.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => [r.errorKind, r.reason])).toEqual([['route', 'no route for $default']]);
  });
});
