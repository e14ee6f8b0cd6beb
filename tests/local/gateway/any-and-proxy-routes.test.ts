// ANY and greedy {proxy+} routes end to end: validated from YAML, served by the local gateway as API Gateway routes
// them, decided by the same runtime handler the generated Lambda uses, on a REST and an HTTP API mode.
//
// AWS behaviour followed here:
// - "Set up a proxy integration with a proxy resource": a `{proxy+}` resource takes the rest of the path, one or more
//   segments, and `ANY` takes every method;
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html
// - "Create routes for HTTP APIs in API Gateway" (Working with routes for HTTP APIs): a route `ANY /files/{proxy+}`
//   keeps that route key whatever the method; https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// - "Input to an API Gateway Lambda authorizer": the REST `methodArn` is `.../{stage}/{httpVerb}/{resource path}` of the
//   incoming request, so an ANY method's ARN carries the request's own verb, while `resource` is the template;
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { type DemoBackend, startDemoBackend } from '../../../local/gateway/demo-backend.js';
import { CACHE_HEADER, GATEWAY_BODIES, type LocalGateway, startLocalGateway } from '../../../local/gateway/local-gateway.js';
import type { ModeConfig, RouteConfig } from '../../../runtime/config.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { httpRoutes } from '../../../runtime/routes/route-table.js';
import { fixtureMode, fixtureRoot } from '../../support/fixture-domain.js';
import { copyProject, type ProjectCopy } from '../../support/project-copy.js';

/** Routes added to the billing fixture's REST mode (customer) and HTTP API mode (multi-tenant), in a scratch copy. */
const REST_ROUTES =
  '  - method: ANY\n    path: /ledger/{accountId}\n    action: ViewAccount\n' +
  '    resource: { type: Billing::Account, pathParameter: accountId }\n' +
  '  - method: ANY\n    path: /files/{proxy+}\n    action: ViewAccount\n' +
  '    resource: { type: Billing::Account, pathParameter: proxy }\n';
const HTTP_ROUTES =
  '  - method: ANY\n    path: /tenants/{tenantId}/ledger/{accountId}\n    action: ViewAccount\n' +
  '    resource: { type: Billing::Account, pathParameter: accountId }\n' +
  '  - method: ANY\n    path: /tenants/{tenantId}/files/{proxy+}\n    action: ViewAccount\n' +
  '    resource: { type: Billing::Account, pathParameter: proxy }\n';
/** Accounts whose ids hold a `/`, so only a greedy parameter can name them: one per world of the seed. */
const SLASHED_ACCOUNTS =
  '  - { uid: { type: Billing::Account, id: eu/acct-7 }, attrs: { owner: { __entity: { type: Billing::Customer, id: cust-1 } }, ' +
  'tenant: { __entity: { type: Billing::Tenant, id: bank-a } }, currency: EUR, frozen: false }, ' +
  'parents: [{ type: Billing::Customer, id: cust-1 }] }\n' +
  '  - { uid: { type: Billing::Account, id: eu/acct-a7 }, attrs: { owner: { __entity: { type: Billing::Customer, id: cust-a1 } }, ' +
  'tenant: { __entity: { type: Billing::Tenant, id: acme-bank } }, currency: GBP, frozen: false }, ' +
  'parents: [{ type: Billing::Customer, id: cust-a1 }] }\n';

function addAfter(file: string, marker: string, added: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(marker)) throw new Error(`${file} has no ${JSON.stringify(marker)}`);
  writeFileSync(file, text.replace(marker, `${marker}${added}`));
}

let project: ProjectCopy;
let env: LocalEnvironment;

beforeAll(async () => {
  project = copyProject({ domain: 'billing' });
  cpSync(join(fixtureRoot('billing'), 'local'), join(project.root, 'local'), { recursive: true });
  addAfter(join(project.root, 'modes/customer.yaml'), 'routes:\n', REST_ROUTES);
  addAfter(join(project.root, 'modes/multi-tenant.yaml'), 'routes:\n', HTTP_ROUTES);
  addAfter(join(project.root, 'local/demo/seed.yaml'), 'entities:\n', SLASHED_ACCOUNTS);
  env = await startLocalEnvironment({ root: project.root, modes: ['customer', 'multi-tenant'], telemetry: new MemoryTelemetry() });
});

afterAll(async () => {
  await env?.close();
  project?.remove();
});

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly cache: string | null;
}

async function send(mode: string, method: string, path: string, principal?: string): Promise<Reply> {
  const gateway = env.gateway(mode);
  const token = principal === undefined ? undefined : mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, mode, principal));
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: token === undefined ? {} : { [gateway.mode.api.tokenHeader]: `Bearer ${token}` },
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), cache: response.headers.get(CACHE_HEADER) };
}

/** What the demo backend echoes for an allowed request: the method and path it got, and the authorizer's principal. */
function reached(method: string, path: string, principalId: string) {
  return expect.objectContaining({ backend: 'demo', method, path, principalId });
}

describe('a REST API mode (customer) with ANY /ledger/{accountId} and ANY /files/{proxy+}', () => {
  it.each(['GET', 'DELETE', 'PATCH'])('allows alice %s on her own account through the ANY route', async (method) => {
    const reply = await send('customer', method, '/ledger/acct-1', 'alice');

    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: reached(method, '/ledger/acct-1', 'alice') });
  });

  it("denies alice another customer's account through the ANY route, with API Gateway's explicit-deny body", async () => {
    const reply = await send('customer', 'PUT', '/ledger/acct-2', 'alice');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny, cache: 'miss' });
  });

  it("never serves an ANY route's cached Allow for one method to another: the method is in the cache key", async () => {
    const token = mintDemoToken(env.issuer, env.gateway('customer').mode, demoPrincipal(env.demo, 'customer', 'alice'));
    const call = (method: string) =>
      fetch(`${env.gateway('customer').url}/ledger/acct-1`, { method, headers: { Authorization: `Bearer ${token}` } });

    const first = await call('GET');
    const again = await call('GET');
    const other = await call('DELETE');

    expect([first.headers.get(CACHE_HEADER), again.headers.get(CACHE_HEADER), other.headers.get(CACHE_HEADER)]).toEqual([
      'miss',
      'hit',
      'miss',
    ]);
  });

  it('allows alice an account whose id holds a slash, named by the rest of the path after /files/', async () => {
    const reply = await send('customer', 'POST', '/files/eu/acct-7', 'alice');

    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: reached('POST', '/files/eu/acct-7', 'alice') });
  });

  it("denies alice another customer's account through the greedy route", async () => {
    const reply = await send('customer', 'GET', '/files/acct-2', 'alice');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny, cache: 'miss' });
  });

  it('denies alice a deeper path whose whole rest names no account of hers', async () => {
    const reply = await send('customer', 'GET', '/files/acct-1/extra', 'alice');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny, cache: 'miss' });
  });

  it('answers /files/ itself as an unknown route, without calling the authorizer: a greedy parameter needs a segment', async () => {
    const before = env.gateway('customer').stats.authorizerCalls;

    const reply = await send('customer', 'GET', '/files/', 'alice');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.missingToken, cache: null });
    expect(env.gateway('customer').stats.authorizerCalls).toBe(before);
  });
});

describe('an HTTP API mode (multi-tenant) with ANY /tenants/{tenantId}/ledger/{accountId} and ANY …/files/{proxy+}', () => {
  it.each(['GET', 'PUT', 'DELETE'])('allows tina %s on her own account through the ANY route', async (method) => {
    const path = '/tenants/acme-bank/ledger/acct-a1';

    const reply = await send('multi-tenant', method, path, 'tina');

    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: reached(method, path, 'tina') });
  });

  it("denies tina another tenant's account through the ANY route, with the simple response's 403", async () => {
    const reply = await send('multi-tenant', 'PATCH', '/tenants/acme-bank/ledger/acct-g1', 'tina');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.forbidden, cache: 'miss' });
  });

  it('allows tina an account whose id holds a slash, named by the rest of the path', async () => {
    const path = '/tenants/acme-bank/files/eu/acct-a7';

    const reply = await send('multi-tenant', 'GET', path, 'tina');

    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: reached('GET', path, 'tina') });
  });

  it("denies tina another tenant's account through the greedy route", async () => {
    const reply = await send('multi-tenant', 'POST', '/tenants/acme-bank/files/acct-g1', 'tina');

    expect(reply).toEqual({ status: 403, body: GATEWAY_BODIES.forbidden, cache: 'miss' });
  });
});

/** The fixture mode with one route, ANY /files/{proxy+}, reading its resource from the greedy parameter. */
function withProxyRoute(mode: ModeConfig): ModeConfig {
  const [first] = httpRoutes(mode.routes);
  if (!first) throw new Error(`${mode.name} has routes`);
  const route: RouteConfig = {
    ...first,
    key: 'ANY /files/{proxy+}',
    method: 'ANY',
    path: '/files/{proxy+}',
    resource: { type: first.resource.type, pathParameter: 'proxy' },
    context: [],
  };
  return { ...mode, cache: { ...mode.cache, ttlSeconds: 0 }, routes: [route] };
}

describe('the events the local gateway sends for ANY /files/{proxy+}', () => {
  let backend: DemoBackend;
  const gateways: LocalGateway[] = [];
  beforeAll(async () => {
    backend = await startDemoBackend();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await backend?.close();
  });

  it('REST: methodArn carries the request verb and concrete path, resource the template, pathParameters.proxy the rest', async () => {
    // arrange: a recording REQUEST authorizer that allows exactly the method ARN it is given
    const events: APIGatewayRequestAuthorizerEvent[] = [];
    const gateway = await startLocalGateway({
      mode: withProxyRoute(fixtureMode('billing', 'customer').MODE_CONFIG),
      backendUrl: backend.url,
      handler: {
        kind: 'request',
        handle: async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
          events.push(event);
          const statement = { Action: 'execute-api:Invoke', Effect: 'Allow' as const, Resource: event.methodArn };
          return { principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [statement] } };
        },
      },
    });
    gateways.push(gateway);

    // act
    const reply = await fetch(`${gateway.url}/files/2026/q1/report`, { method: 'DELETE', headers: { Authorization: 'Bearer t' } });

    // assert
    expect(reply.status).toBe(200);
    expect(events.map((e) => [e.methodArn, e.resource, e.httpMethod, e.path, e.pathParameters])).toEqual([
      [
        `arn:aws:execute-api:eu-west-1:123456789012:${gateway.api.apiId}/prod/DELETE/files/2026/q1/report`,
        '/files/{proxy+}',
        'DELETE',
        '/files/2026/q1/report',
        { proxy: '2026/q1/report' },
      ],
    ]);
  });

  it('HTTP: routeKey is ANY /files/{proxy+} on every method, pathParameters.proxy the rest', async () => {
    // arrange
    const events: APIGatewayRequestAuthorizerEventV2[] = [];
    const gateway = await startLocalGateway({
      mode: withProxyRoute(fixtureMode('billing', 'multi-tenant').MODE_CONFIG),
      backendUrl: backend.url,
      handler: {
        kind: 'http',
        handle: async (event) => {
          events.push(event);
          return { isAuthorized: true, context: {} };
        },
      },
    });
    gateways.push(gateway);

    // act
    const reply = await fetch(`${gateway.url}/files/a/b/c`, { method: 'PUT', headers: { Authorization: 'Bearer t' } });

    // assert
    expect(reply.status).toBe(200);
    expect(events.map((e) => [e.routeKey, e.requestContext.routeKey, e.requestContext.http.method, e.pathParameters])).toEqual([
      ['ANY /files/{proxy+}', 'ANY /files/{proxy+}', 'PUT', { proxy: 'a/b/c' }],
    ]);
  });
});
