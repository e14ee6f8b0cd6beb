// The handlers per API type, end to end: real tokens from the local issuer, entities in dynalite, cedar-wasm deciding.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnsignedToken, decodeToken, tamperPayload } from '../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../runtime/config.js';
import {
  httpAuthorizer,
  MemoryTelemetry,
  restRequestAuthorizer,
  restTokenAuthorizer,
  UNAUTHORIZED,
  webSocketAuthorizer,
} from '../../runtime/index.js';
import {
  account,
  approvePayment,
  ARN_PREFIX,
  BANK,
  connectEvent,
  createPayment,
  CUSTOMER,
  CUSTOMER_BUNDLE,
  customer,
  httpEvent,
  type Line,
  M2M,
  M2M_BUNDLE,
  methodArn,
  ref,
  refusal,
  restRequestEvent,
  restTokenEvent,
  startHandlerWorld,
  viewAccount,
  type HandlerWorld,
  type RouteRequest,
} from './support/handler-events.js';

// ------------------------------------------------------------------ fixtures

/**
 * cust-1 owns acct-1, acct-frozen and an account whose id is `*` (an IAM wildcard in a methodArn); cust-2 owns acct-2.
 * pay-1 was created by user-2, pay-self by user-1.
 */
const ENTITIES: readonly EntityJson[] = [
  customer('cust-1', { country: 'FR' }),
  customer('cust-2', { country: 'DE' }),
  account('acct-1', 'cust-1'),
  account('acct-2', 'cust-2'),
  account('acct-frozen', 'cust-1', { frozen: true }),
  account('*', 'cust-1'),
  payment('pay-1', 'acct-1', 'user-2'),
  payment('pay-self', 'acct-1', 'user-1'),
];

function payment(id: string, accountId: string, createdBy: string): EntityJson {
  return {
    uid: { type: 'Billing::Payment', id },
    attrs: {
      account: ref('Billing::Account', accountId),
      owner: ref('Billing::Customer', 'cust-1'),
      tenant: BANK,
      amount: 25_000,
      currency: 'EUR',
      status: 'held',
      createdBy,
    },
    parents: [{ type: 'Billing::Account', id: accountId }],
  };
}

let world: HandlerWorld;

beforeAll(async () => {
  world = await startHandlerWorld(ENTITIES);
});

afterAll(async () => {
  await world?.close();
});

/** A `$connect` event (or another route key) carrying the token in the Authorization header or the access_token query. */
function webSocketEvent(
  options: { token?: string; tokenIn?: 'header' | 'query'; accountId?: string; routeKey?: string } = {},
): APIGatewayRequestAuthorizerEvent {
  const inQuery = options.tokenIn === 'query';
  const headers: Line[] = options.token !== undefined && !inQuery ? [['Authorization', `Bearer ${options.token}`]] : [];
  const query: Line[] = [
    ...(options.accountId !== undefined ? [['accountId', options.accountId] as const] : []),
    ...(options.token !== undefined && inQuery ? [['access_token', options.token] as const] : []),
  ];
  return connectEvent({ headers, query, ...(options.routeKey !== undefined ? { routeKey: options.routeKey } : {}) });
}

// ------------------------------------------------------------------ assertions

function iamAnswer(
  effect: 'Allow' | 'Deny',
  resource: string,
  principalId: string,
  context: Record<string, string | number | boolean>,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: [resource] }] },
    context,
  };
}

/** Lists reach the backend JSON-encoded (runtime/response/responses.ts `listValue`). */
function allowContext(principalId: string, principalType: string, roles: readonly string[], determiningPolicies: readonly string[]) {
  return {
    principalId,
    principalType,
    roles: JSON.stringify(roles),
    decision: 'allow',
    determiningPolicies: JSON.stringify(determiningPolicies),
  };
}

/** Every value API Gateway receives in the context must be a string, number or boolean; ours are all strings. */
function expectStringContext(result: APIGatewayAuthorizerResult): void {
  for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
}

// ------------------------------------------------------------------ REST request authorizer

describe('REST request authorizer (customer mode)', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({ mode: CUSTOMER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) });
    return { handler, telemetry };
  }

  it('allows a payer to view their own account: Allow on exactly the methodArn, with a string context', async () => {
    const { handler } = build();
    const event = restRequestEvent(viewAccount('acct-1'), { token: world.customerToken() });

    const result = await handler(event);

    expect(result).toEqual(
      iamAnswer(
        'Allow',
        'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod/GET/accounts/acct-1',
        'user-1',
        allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.read-own']),
      ),
    );
    expectStringContext(result);
  });

  it("denies viewing another customer's account", async () => {
    const { handler } = build();

    const result = await handler(restRequestEvent(viewAccount('acct-2'), { token: world.customerToken() }));

    expect(result).toEqual(
      iamAnswer('Deny', methodArn(viewAccount('acct-2')), 'user-1', {
        principalId: 'user-1',
        principalType: 'Billing::CustomerUser',
        roles: '["payer"]',
        decision: 'deny',
        determiningPolicies: '[]',
      }),
    );
  });

  it('allows a payer to pay 100.00 from their own account, reading the amount and currency headers', async () => {
    const { handler } = build();
    const headers = { 'X-Payment-Amount': '10000', 'X-Payment-Currency': 'EUR' };

    const result = await handler(restRequestEvent(createPayment('acct-1'), { token: world.customerToken(), headers }));

    expect(result).toEqual(
      iamAnswer(
        'Allow',
        methodArn(createPayment('acct-1')),
        'user-1',
        allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.pay-from-own-account']),
      ),
    );
  });

  it('denies a payment above 10,000.00 without an approver, naming the guardrail', async () => {
    const { handler } = build();
    const headers = { 'X-Payment-Amount': '1000001', 'X-Payment-Currency': 'EUR' };

    const result = await handler(restRequestEvent(createPayment('acct-1'), { token: world.customerToken(), headers }));

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [methodArn(createPayment('acct-1'))] },
    ]);
    expect(result.context).toMatchObject({ decision: 'deny', determiningPolicies: '["shared.forbid-large-payment-without-approver"]' });
  });

  it('denies a payment from a frozen account, naming the guardrail', async () => {
    const { handler } = build();
    const headers = { 'X-Payment-Amount': '100', 'X-Payment-Currency': 'EUR' };

    const result = await handler(restRequestEvent(createPayment('acct-frozen'), { token: world.customerToken(), headers }));

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(result.context).toMatchObject({ decision: 'deny', determiningPolicies: '["shared.forbid-billing-from-frozen-account"]' });
  });

  it('denies a payment whose amount header is not an integer', async () => {
    const { handler } = build();
    const headers = { 'X-Payment-Amount': '100.50', 'X-Payment-Currency': 'EUR' };

    const result = await handler(restRequestEvent(createPayment('acct-1'), { token: world.customerToken(), headers }));

    expect(result).toEqual(iamAnswer('Deny', methodArn(createPayment('acct-1')), 'anonymous', { decision: 'deny', reason: 'route' }));
  });

  it('denies an admin approving a payment they created themselves', async () => {
    const { handler } = build();

    const result = await handler(restRequestEvent(approvePayment('pay-self'), { token: world.customerToken({ groups: ['admin'] }) }));

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(result.context).toMatchObject({ decision: 'deny', determiningPolicies: '["shared.forbid-self-approval"]' });
  });

  it("allows an admin to approve someone else's payment", async () => {
    const { handler } = build();

    const result = await handler(restRequestEvent(approvePayment('pay-1'), { token: world.customerToken({ groups: ['admin'] }) }));

    expect(result).toEqual(
      iamAnswer(
        'Allow',
        methodArn(approvePayment('pay-1')),
        'user-1',
        allowContext('user-1', 'Billing::CustomerUser', ['admin'], ['customer.admin-approve-payment']),
      ),
    );
  });

  it('denies a user whose group name carries Cedar syntax', async () => {
    const { handler } = build();
    const token = world.customerToken({ groups: ['admin" || true || "'] });

    const result = await handler(restRequestEvent(approvePayment('pay-1'), { token }));

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    expect(result.context).toMatchObject({ roles: JSON.stringify(['admin" || true || "']), decision: 'deny', determiningPolicies: '[]' });
  });

  it('denies an unknown route', async () => {
    const { handler } = build();
    const route: RouteRequest = { method: 'GET', path: '/admin/users', resource: '/admin/users', pathParameters: {} };

    const result = await handler(restRequestEvent(route, { token: world.customerToken() }));

    expect(result).toEqual(iamAnswer('Deny', methodArn(route), 'anonymous', { decision: 'deny', reason: 'route' }));
  });

  it('denies a known path with a method the mode does not route', async () => {
    const { handler } = build();
    const route: RouteRequest = { ...viewAccount('acct-1'), method: 'DELETE' };

    const result = await handler(restRequestEvent(route, { token: world.customerToken() }));

    expect(result).toEqual(iamAnswer('Deny', methodArn(route), 'anonymous', { decision: 'deny', reason: 'route' }));
  });

  it('denies, instead of failing the invocation, an allowed request whose methodArn holds a * (an account id spelled *)', async () => {
    const { handler } = build();

    const result = await handler(restRequestEvent(viewAccount('*'), { token: world.customerToken() }));

    expect(result).toEqual(
      iamAnswer('Deny', `${ARN_PREFIX}/prod/GET/accounts/*`, 'user-1', {
        ...allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.read-own']),
        decision: 'deny',
        reason: 'method-arn',
      }),
    );
  });

  it('denies an account that is not in the entity store', async () => {
    const { handler } = build();

    const result = await handler(restRequestEvent(viewAccount('acct-unknown'), { token: world.customerToken() }));

    expect(result).toEqual(
      iamAnswer('Deny', methodArn(viewAccount('acct-unknown')), 'anonymous', { decision: 'deny', reason: 'entity-store' }),
    );
  });

  describe('refused tokens throw exactly Unauthorized', () => {
    const cases: readonly { name: string; headers: () => Record<string, string> }[] = [
      { name: 'no Authorization header', headers: () => ({}) },
      { name: 'an empty bearer', headers: () => ({ Authorization: 'Bearer ' }) },
      {
        name: 'a token that expired 1 s ago',
        headers: () => ({ Authorization: `Bearer ${world.customerToken({ expiresInSeconds: -1 })}` }),
      },
      {
        name: 'a tampered payload',
        headers: () => ({ Authorization: `Bearer ${tamperPayload(world.customerToken(), { 'custom:customer_id': 'cust-2' })}` }),
      },
      { name: 'alg none', headers: () => ({ Authorization: `Bearer ${createUnsignedToken(decodeToken(world.customerToken()).payload)}` }) },
      {
        name: 'a Cognito access token where an id token is required',
        headers: () => ({ Authorization: `Bearer ${world.issuer.mint(withAccessTokens(CUSTOMER), { sub: 'user-1' })}` }),
      },
      {
        name: 'a 1 MB token',
        headers: () => ({ Authorization: `Bearer ${world.issuer.mint(CUSTOMER, { sub: 'user-1', padding: 'A'.repeat(1024 * 1024) })}` }),
      },
      { name: 'a token that is not a JWT', headers: () => ({ Authorization: 'Bearer not-a-jwt' }) },
    ];

    it.each(cases)('$name', async ({ headers }) => {
      const { handler } = build();

      const error = await refusal(handler(restRequestEvent(viewAccount('acct-1'), { headers: headers() })));

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(UNAUTHORIZED);
    });

    it('the JWKS being down on a cold start', async () => {
      const { handler, telemetry } = build();
      const token = world.customerToken();
      world.issuer.setDown(true);
      try {
        const error = await refusal(handler(restRequestEvent(viewAccount('acct-1'), { token })));

        expect((error as Error).message).toBe(UNAUTHORIZED);
        expect(telemetry.records.map((r) => r.errorKind)).toEqual(['jwks']);
      } finally {
        world.issuer.setDown(false);
      }
    });
  });

  describe('the decision cache', () => {
    it("a decision cached for one account never authorizes another account the user doesn't own", async () => {
      const { handler, telemetry } = build();
      const token = world.customerToken();

      const own = await handler(restRequestEvent(viewAccount('acct-1'), { token }));
      const other = await handler(restRequestEvent(viewAccount('acct-2'), { token }));
      const ownAgain = await handler(restRequestEvent(viewAccount('acct-1'), { token }));

      expect(own.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [methodArn(viewAccount('acct-1'))] });
      expect(other.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: [methodArn(viewAccount('acct-2'))] });
      expect(ownAgain.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [methodArn(viewAccount('acct-1'))] });
      expect(telemetry.records.map((r) => [r.result, r.cacheHit])).toEqual([
        ['allow', false],
        ['deny', false],
        ['allow', true],
      ]);
    });

    it('a decision cached for one route never authorizes another route on the same account', async () => {
      const { handler } = build();
      const token = world.customerToken({ groups: ['viewer'] });
      const headers = { 'X-Payment-Amount': '100', 'X-Payment-Currency': 'EUR' };

      const view = await handler(restRequestEvent(viewAccount('acct-1'), { token }));
      const pay = await handler(restRequestEvent(createPayment('acct-1'), { token, headers }));

      expect(view.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      expect(pay.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: [methodArn(createPayment('acct-1'))] });
    });

    it('a decision cached for one amount never authorizes a larger one', async () => {
      const { handler } = build();
      const token = world.customerToken();

      const small = await handler(
        restRequestEvent(createPayment('acct-1'), { token, headers: { 'X-Payment-Amount': '100', 'X-Payment-Currency': 'EUR' } }),
      );
      const large = await handler(
        restRequestEvent(createPayment('acct-1'), { token, headers: { 'X-Payment-Amount': '5000000', 'X-Payment-Currency': 'EUR' } }),
      );

      expect(small.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      expect(large.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
    });
  });

  it('never writes the raw token, nor its payload or signature, to the decision log', async () => {
    const { handler, telemetry } = build();
    const tokens = [
      world.customerToken(),
      world.customerToken({ customer: 'cust-2' }),
      world.customerToken({ expiresInSeconds: -1 }),
      tamperPayload(world.customerToken(), { sub: 'user-9' }),
    ];

    for (const token of tokens) await handler(restRequestEvent(viewAccount('acct-1'), { token })).catch(() => undefined);

    const log = JSON.stringify(telemetry.records);
    expect(telemetry.records.map((r) => r.result)).toEqual(['allow', 'deny', 'unauthorized', 'unauthorized']);
    for (const token of tokens) {
      const [, payload, signature] = token.split('.');
      expect(log).not.toContain(token);
      expect(log).not.toContain(payload);
      expect(log).not.toContain(signature);
    }
  });

  describe('malformed events', () => {
    const handlerAcceptingAnything = () => build().handler as (event: unknown) => Promise<APIGatewayAuthorizerResult>;
    const arn = methodArn(viewAccount('acct-1'));

    const unauthorizedCases: readonly { name: string; event: () => unknown }[] = [
      { name: 'null', event: () => null },
      { name: 'undefined', event: () => undefined },
      { name: 'an empty object', event: () => ({}) },
      { name: 'a string', event: () => 'GET /accounts/acct-1' },
      { name: 'an array', event: () => [restRequestEvent(viewAccount('acct-1'), { token: world.customerToken() })] },
      {
        name: 'headers that are a string',
        event: () => ({ type: 'REQUEST', methodArn: arn, headers: `Authorization: Bearer ${world.customerToken()}` }),
      },
      { name: 'headers that are null', event: () => ({ type: 'REQUEST', methodArn: arn, headers: null }) },
      {
        name: 'an Authorization header that is a list',
        event: () => ({ type: 'REQUEST', methodArn: arn, headers: { Authorization: [`Bearer ${world.customerToken()}`] } }),
      },
      {
        name: 'an Authorization header that is a number',
        event: () => ({ type: 'REQUEST', methodArn: arn, headers: { Authorization: 42 } }),
      },
    ];

    it.each(unauthorizedCases)('$name throws exactly Unauthorized', async ({ event }) => {
      const error = await refusal(handlerAcceptingAnything()(event()));

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(UNAUTHORIZED);
    });

    const denyCases: readonly { name: string; event: () => unknown; resource: string }[] = [
      {
        name: 'a valid token with no methodArn',
        event: () => ({ type: 'REQUEST', headers: { Authorization: `Bearer ${world.customerToken()}` } }),
        resource: '*',
      },
      {
        name: 'a valid token with a numeric methodArn',
        event: () => ({ type: 'REQUEST', methodArn: 42, headers: { Authorization: `Bearer ${world.customerToken()}` } }),
        resource: '*',
      },
      {
        name: 'a valid token with a methodArn that is not an execute-api ARN',
        event: () => ({ ...restRequestEvent(viewAccount('acct-1'), { token: world.customerToken() }), methodArn: 'not-an-arn' }),
        resource: 'not-an-arn',
      },
      {
        name: 'a valid token with a wildcard method in the methodArn',
        event: () => ({
          ...restRequestEvent(viewAccount('acct-1'), { token: world.customerToken() }),
          methodArn: `${ARN_PREFIX}/prod/*/accounts/acct-1`,
        }),
        resource: `${ARN_PREFIX}/prod/*/accounts/acct-1`,
      },
      {
        name: 'a valid token with a path that climbs out of the account',
        event: () => ({
          ...restRequestEvent(viewAccount('acct-1'), { token: world.customerToken() }),
          methodArn: `${ARN_PREFIX}/prod/GET/accounts/acct-1/../acct-2`,
        }),
        resource: `${ARN_PREFIX}/prod/GET/accounts/acct-1/../acct-2`,
      },
    ];

    it.each(denyCases)('$name is denied', async ({ event, resource }) => {
      const result = await handlerAcceptingAnything()(event());

      expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [resource] }]);
      expect(result.context).toEqual({ decision: 'deny', reason: 'route' });
    });
  });
});

function withAccessTokens(mode: ModeConfig): ModeConfig {
  const source = mode.identitySource;
  if (source.kind !== 'cognito') throw new Error('only Cognito sources have a token use');
  return { ...mode, identitySource: { ...source, tokenUse: 'access' } };
}

// ------------------------------------------------------------------ REST token authorizer

describe('REST token authorizer (customer mode, uncached)', () => {
  // Validation refuses a cached token authorizer whose routes take resource ids (CACHE_TOKEN_UNSAFE): uncached, it
  // evaluates the one route of each call.
  const UNCACHED: ModeConfig = { ...CUSTOMER, api: { ...CUSTOMER.api, authorizer: 'token' }, cache: { ...CUSTOMER.cache, ttlSeconds: 0 } };
  function build() {
    return restTokenAuthorizer({ mode: UNCACHED, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(new MemoryTelemetry()) });
  }

  it('allows a payer to view their own account from the authorizationToken', async () => {
    const result = await build()(restTokenEvent(viewAccount('acct-1'), world.customerToken()));

    expect(result).toEqual(
      iamAnswer(
        'Allow',
        methodArn(viewAccount('acct-1')),
        'user-1',
        allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.read-own']),
      ),
    );
  });

  it("denies another customer's account", async () => {
    const result = await build()(restTokenEvent(viewAccount('acct-2'), world.customerToken()));

    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: [methodArn(viewAccount('acct-2'))] });
  });

  it('throws exactly Unauthorized for an expired token', async () => {
    const error = await refusal(build()(restTokenEvent(viewAccount('acct-1'), world.customerToken({ expiresInSeconds: -1 }))));

    expect((error as Error).message).toBe(UNAUTHORIZED);
  });

  it.each([
    { name: 'null', event: null },
    { name: 'an empty object', event: {} },
    {
      name: 'a numeric authorizationToken',
      event: { type: 'TOKEN', methodArn: `${ARN_PREFIX}/prod/GET/accounts/acct-1`, authorizationToken: 42 },
    },
  ])('throws exactly Unauthorized for a malformed event: $name', async ({ event }) => {
    const handler = build() as (event: unknown) => Promise<APIGatewayAuthorizerResult>;

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
  });
});

// ------------------------------------------------------------------ HTTP API authorizer

describe('HTTP API authorizer, payload 2.0 (customer mode)', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    return { handler: httpAuthorizer({ mode: CUSTOMER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) }), telemetry };
  }

  it('allows a payer to view their own account', async () => {
    const { handler } = build();

    const result = await handler(httpEvent(viewAccount('acct-1'), { token: world.customerToken() }));

    expect(result).toEqual({
      isAuthorized: true,
      context: allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.read-own']),
    });
  });

  it('strips a named stage from rawPath before matching the route', async () => {
    const { handler } = build();

    const result = await handler(httpEvent(viewAccount('acct-1'), { token: world.customerToken(), stage: 'prod' }));

    expect(result).toEqual({
      isAuthorized: true,
      context: allowContext('user-1', 'Billing::CustomerUser', ['payer'], ['customer.read-own']),
    });
  });

  it("denies another customer's account", async () => {
    const { handler } = build();

    const result = await handler(httpEvent(viewAccount('acct-2'), { token: world.customerToken() }));

    expect(result).toEqual({
      isAuthorized: false,
      context: {
        principalId: 'user-1',
        principalType: 'Billing::CustomerUser',
        roles: '["payer"]',
        decision: 'deny',
        determiningPolicies: '[]',
      },
    });
  });

  it.each([
    { name: 'a missing token', token: () => undefined },
    { name: 'a token that expired 1 s ago', token: () => world.customerToken({ expiresInSeconds: -1 }) },
    { name: 'a tampered token', token: () => tamperPayload(world.customerToken(), { 'cognito:groups': ['admin'] }) },
  ])('answers isAuthorized false, not an error, for $name', async ({ token }) => {
    const { handler } = build();
    const value = token();

    const result = await handler(httpEvent(viewAccount('acct-1'), value !== undefined ? { token: value } : {}));

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'unauthorized', reason: 'token' } });
  });

  it('denies an unknown route', async () => {
    const { handler } = build();
    const route: RouteRequest = { method: 'GET', path: '/admin/users', resource: '/admin/users', pathParameters: {} };

    const result = await handler(httpEvent(route, { token: world.customerToken() }));

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'route' } });
  });

  it("a decision cached for one account never authorizes another account the user doesn't own", async () => {
    const { handler, telemetry } = build();
    const token = world.customerToken();

    const own = await handler(httpEvent(viewAccount('acct-1'), { token }));
    const other = await handler(httpEvent(viewAccount('acct-2'), { token }));

    expect(own.isAuthorized).toBe(true);
    expect(other.isAuthorized).toBe(false);
    expect(telemetry.records.map((r) => [r.result, r.cacheHit])).toEqual([
      ['allow', false],
      ['deny', false],
    ]);
  });

  it('never writes the raw token to the decision log', async () => {
    const { handler, telemetry } = build();
    const token = world.customerToken();

    await handler(httpEvent(viewAccount('acct-1'), { token }));
    await handler(httpEvent(viewAccount('acct-1'), { token }));

    const log = JSON.stringify(telemetry.records);
    expect(telemetry.records).toHaveLength(2);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
  });

  describe('malformed events answer isAuthorized false', () => {
    const cases: readonly { name: string; event: () => unknown; reason: string }[] = [
      { name: 'null', event: () => null, reason: 'token' },
      { name: 'an empty object', event: () => ({}), reason: 'token' },
      {
        name: 'headers that are a list',
        event: () => ({ ...httpEvent(viewAccount('acct-1')), headers: [`authorization: Bearer ${world.customerToken()}`] }),
        reason: 'token',
      },
      {
        name: 'a valid token and no requestContext',
        event: () => ({ ...httpEvent(viewAccount('acct-1'), { token: world.customerToken() }), requestContext: null }),
        reason: 'route',
      },
      {
        name: 'a valid token and a numeric rawPath',
        event: () => ({ ...httpEvent(viewAccount('acct-1'), { token: world.customerToken() }), rawPath: 42 }),
        reason: 'internal',
      },
    ];

    it.each(cases)('$name', async ({ event, reason }) => {
      const handler = build().handler as (event: unknown) => Promise<unknown>;

      const result = await handler(event());

      expect(result).toEqual({ isAuthorized: false, context: { decision: reason === 'token' ? 'unauthorized' : 'deny', reason } });
    });
  });
});

// ------------------------------------------------------------------ WebSocket $connect authorizer

describe('WebSocket $connect authorizer (m2m mode)', () => {
  const connectArn = `${ARN_PREFIX}/prod/$connect`;

  function build() {
    const telemetry = new MemoryTelemetry();
    return { handler: webSocketAuthorizer({ mode: M2M, bundle: M2M_BUNDLE, dependencies: world.dependencies(telemetry) }), telemetry };
  }

  it('allows a service with billing/events.read to subscribe to an account, token in the Authorization header', async () => {
    const { handler } = build();

    const result = await handler(webSocketEvent({ token: world.serviceToken(['billing/events.read']), accountId: 'acct-1' }));

    expect(result).toEqual(
      iamAnswer(
        'Allow',
        connectArn,
        'ledgerservice01',
        allowContext('ledgerservice01', 'Billing::Service', [], ['service.subscribe-payment-events']),
      ),
    );
    expectStringContext(result);
  });

  it('allows the token in the access_token query parameter, as browsers cannot set WebSocket headers', async () => {
    const { handler } = build();

    const result = await handler(
      webSocketEvent({ token: world.serviceToken(['billing/events.read']), tokenIn: 'query', accountId: 'acct-1' }),
    );

    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [connectArn] }]);
  });

  it('denies a service whose only mode scope is billing/read', async () => {
    const { handler } = build();

    const result = await handler(webSocketEvent({ token: world.serviceToken(['billing/read'], 'reconservice03'), accountId: 'acct-1' }));

    expect(result).toEqual(
      iamAnswer('Deny', connectArn, 'reconservice03', {
        principalId: 'reconservice03',
        principalType: 'Billing::Service',
        roles: '[]',
        decision: 'deny',
        determiningPolicies: '[]',
      }),
    );
  });

  it('denies an account that is not in the entity store', async () => {
    const { handler } = build();

    const result = await handler(webSocketEvent({ token: world.serviceToken(['billing/events.read']), accountId: 'acct-unknown' }));

    expect(result).toEqual(iamAnswer('Deny', connectArn, 'anonymous', { decision: 'deny', reason: 'entity-store' }));
  });

  it('denies a connection that names no account', async () => {
    const { handler } = build();

    const result = await handler(webSocketEvent({ token: world.serviceToken(['billing/events.read']) }));

    expect(result).toEqual(iamAnswer('Deny', connectArn, 'anonymous', { decision: 'deny', reason: 'route' }));
  });

  it('denies an event that is not a $connect', async () => {
    const { handler } = build();

    const result = await handler(
      webSocketEvent({ token: world.serviceToken(['billing/events.read']), accountId: 'acct-1', routeKey: 'sendMessage' }),
    );

    expect(result).toEqual(iamAnswer('Deny', `${ARN_PREFIX}/prod/sendMessage`, 'anonymous', { decision: 'deny', reason: 'route' }));
  });

  it.each([
    { name: 'no token', token: () => undefined },
    { name: 'a token carrying none of the mode scopes', token: () => world.serviceToken(['billing/admin']) },
    { name: 'a token of an unknown client', token: () => world.serviceToken(['billing/events.read'], 'rogueservice99') },
    { name: "a customer user's id token", token: () => world.customerToken() },
    { name: 'a token that expired 1 s ago', token: () => world.issuer.mint(M2M, {}, { expiresInSeconds: -1 }) },
  ])('throws exactly Unauthorized for $name', async ({ token }) => {
    const { handler } = build();
    const value = token();

    const error = await refusal(handler(webSocketEvent({ accountId: 'acct-1', ...(value !== undefined ? { token: value } : {}) })));

    expect((error as Error).message).toBe(UNAUTHORIZED);
  });

  it('caches nothing when the mode TTL is 0, and never logs a token sent in the query string', async () => {
    const { handler, telemetry } = build();
    const token = world.serviceToken(['billing/events.read']);

    await handler(webSocketEvent({ token, tokenIn: 'query', accountId: 'acct-1' }));
    await handler(webSocketEvent({ token, tokenIn: 'query', accountId: 'acct-1' }));

    expect(telemetry.records.map((r) => [r.result, r.cacheHit])).toEqual([
      ['allow', false],
      ['allow', false],
    ]);
    expect(JSON.stringify(telemetry.records)).not.toContain(token.split('.')[2]);
  });

  it.each([
    { name: 'null', event: null },
    { name: 'an empty object', event: {} },
    {
      name: 'a requestContext that is a string',
      event: { type: 'REQUEST', methodArn: `${ARN_PREFIX}/prod/$connect`, requestContext: '$connect' },
    },
  ])('throws exactly Unauthorized for a malformed event: $name', async ({ event }) => {
    const handler = build().handler as (event: unknown) => Promise<APIGatewayAuthorizerResult>;

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
  });

  it('denies a malformed event that carries a valid token but no requestContext', async () => {
    const handler = build().handler as (event: unknown) => Promise<APIGatewayAuthorizerResult>;
    const event = { ...webSocketEvent({ token: world.serviceToken(['billing/events.read']), accountId: 'acct-1' }), requestContext: null };

    const result = await handler(event);

    expect(result).toEqual(iamAnswer('Deny', connectArn, 'anonymous', { decision: 'deny', reason: 'route' }));
  });
});
