// A value the decision reads that arrives more than once is a Deny (401 for the token) with reason `ambiguous-input`,
// for every API type, with the event shapes API Gateway sends; one copy of each still decides as before.
//
// How API Gateway hands repeats over, which these events follow:
// - REST and WebSocket REQUEST authorizers get `headers` / `queryStringParameters` (one value per name, the last copy)
//   and `multiValueHeaders` / `multiValueQueryStringParameters` (every copy): "Input to an API Gateway Lambda
//   authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
// - Payload 2.0 has no multi-value maps: "Duplicate headers are combined with commas", and so are duplicate query
//   strings ("Payload format differences" in "Create AWS Lambda proxy integrations for HTTP APIs in API Gateway",
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig, RouteConfig } from '../../runtime/config.js';
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
  refusal,
  restRequestEvent,
  startHandlerWorld,
  viewAccount,
  type HandlerWorld,
} from './support/handler-events.js';

const ENTITIES: readonly EntityJson[] = [
  customer('cust-1', { country: 'FR', inBank: false }),
  customer('cust-2', { country: 'DE', inBank: false }),
  account('acct-1', 'cust-1'),
  account('acct-2', 'cust-2'),
];

let world: HandlerWorld;

beforeAll(async () => {
  world = await startHandlerWorld(ENTITIES);
});

afterAll(async () => {
  await world?.close();
});

const customerToken = (customerId = 'cust-1') => world.customerToken({ customer: customerId });
const serviceToken = () => world.serviceToken(['billing/events.read']);

/** The decision line says why: the reason the context carries and the error kind the log line carries. */
function expectAmbiguousLine(telemetry: MemoryTelemetry, result: 'deny' | 'unauthorized'): void {
  expect(telemetry.records.map((record) => [record.result, record.errorKind])).toEqual([[result, 'ambiguous-input']]);
}

/** A REST REQUEST event for `POST /accounts/acct-1/billing` from the client's header lines, in order. */
const restPayEvent = (lines: readonly Line[]) => restRequestEvent(createPayment('acct-1'), { headers: lines });

/** A payload 2.0 event for `route` whose header values (authorization included) are passed as API Gateway joined them. */
const payload2Event = (route: ReturnType<typeof viewAccount>, headers: Record<string, string>, query?: Record<string, string>) =>
  httpEvent(route, { headers, ...(query ? { query } : {}) });

const PAY = createPayment('acct-1');

function effectOf(result: APIGatewayAuthorizerResult): string | undefined {
  return result.policyDocument.Statement[0]?.Effect;
}

// ------------------------------------------------------------------ REST v1 REQUEST

describe('REST REQUEST authorizer: a repeated value is ambiguous-input', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    return {
      handler: restRequestAuthorizer({ mode: CUSTOMER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) }),
      telemetry,
    };
  }

  it('still allows a payment whose amount and currency headers each arrive once', async () => {
    const { handler } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const result = await handler(event);

    expect(effectOf(result)).toBe('Allow');
    expect(result.context).toMatchObject({ decision: 'allow' });
  });

  it('denies an amount header sent twice (multiValueHeaders has two copies, headers only the last)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '5000000'],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);
    expect(event.headers?.['X-Payment-Amount']).toBe('100');

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('denies an amount header sent in two casings (X-Payment-Amount and x-payment-amount)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '5000000'],
      ['x-payment-amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('answers 401 when the Authorization header arrives twice', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken('cust-2')}`],
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  it('answers 401 when the token header arrives in two casings (Authorization and authorization)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken('cust-2')}`],
      ['authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });
});

// ------------------------------------------------------------------ REST v1 TOKEN

describe('REST TOKEN authorizer: nothing can arrive twice', () => {
  // A TOKEN event is `{ type, authorizationToken, methodArn }`: one string from the token source, no headers, no query.
  // There is no second copy to refuse, so the ambiguity rule has nothing to do here; this shows the answer is unchanged.
  const UNCACHED: ModeConfig = { ...CUSTOMER, api: { ...CUSTOMER.api, authorizer: 'token' }, cache: { ...CUSTOMER.cache, ttlSeconds: 0 } };

  it('still allows with the one token the event carries', async () => {
    const handler = restTokenAuthorizer({
      mode: UNCACHED,
      bundle: CUSTOMER_BUNDLE,
      dependencies: world.dependencies(new MemoryTelemetry()),
    });
    const event: APIGatewayTokenAuthorizerEvent = {
      type: 'TOKEN',
      methodArn: methodArn(viewAccount('acct-1')),
      authorizationToken: `Bearer ${customerToken()}`,
    };

    const result = await handler(event);

    expect(effectOf(result)).toBe('Allow');
  });
});

// ------------------------------------------------------------------ HTTP API payload 2.0

describe('HTTP API authorizer, payload 2.0: a comma in a scalar value is ambiguous-input', () => {
  function build(mode: ModeConfig = CUSTOMER) {
    const telemetry = new MemoryTelemetry();
    return { handler: httpAuthorizer({ mode, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) }), telemetry };
  }

  it('still allows a payment whose headers each arrive once', async () => {
    const { handler } = build();
    const event = payload2Event(PAY, {
      authorization: `Bearer ${customerToken()}`,
      'x-payment-amount': '100',
      'x-payment-currency': 'EUR',
    });

    const result = await handler(event);

    expect(result).toMatchObject({ isAuthorized: true, context: { decision: 'allow' } });
  });

  it('denies an amount (Long) that API Gateway joined from two copies: "5000000,100"', async () => {
    const { handler, telemetry } = build();
    const event = payload2Event(PAY, {
      authorization: `Bearer ${customerToken()}`,
      'x-payment-amount': '5000000,100',
      'x-payment-currency': 'EUR',
    });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('denies a currency (String) with a comma in it, since a single comma-joined text cannot be told from two copies', async () => {
    const { handler, telemetry } = build();
    const event = payload2Event(PAY, {
      authorization: `Bearer ${customerToken()}`,
      'x-payment-amount': '100',
      'x-payment-currency': 'EUR,USD',
    });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('refuses two joined tokens in authorization as it refuses a missing one (isAuthorized false, logged unauthorized)', async () => {
    const { handler, telemetry } = build();
    const authorization = `Bearer ${customerToken('cust-2')},Bearer ${customerToken()}`;
    const event = payload2Event(PAY, { authorization, 'x-payment-amount': '100', 'x-payment-currency': 'EUR' });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'unauthorized', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  describe('a resource id read from the query string', () => {
    // The customer mode reads its account from the path; this variant reads it from `?accountId=` to show the query rule.
    const FROM_QUERY: ModeConfig = {
      ...CUSTOMER,
      routes: CUSTOMER.routes.map(
        (route): RouteConfig =>
          route.key === 'GET /accounts/{accountId}'
            ? { ...route, resource: { type: route.resource.type, queryParameter: 'accountId' } }
            : route,
      ),
    };
    const VIEW = viewAccount('acct-1');

    it('still allows the one account id the query carries', async () => {
      const { handler } = build(FROM_QUERY);

      const result = await handler(payload2Event(VIEW, { authorization: `Bearer ${customerToken()}` }, { accountId: 'acct-1' }));

      expect(result).toMatchObject({ isAuthorized: true, context: { decision: 'allow' } });
    });

    it('denies ?accountId=acct-2&accountId=acct-1, which payload 2.0 carries as "acct-2,acct-1"', async () => {
      const { handler, telemetry } = build(FROM_QUERY);

      const result = await handler(payload2Event(VIEW, { authorization: `Bearer ${customerToken()}` }, { accountId: 'acct-2,acct-1' }));

      expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
      expectAmbiguousLine(telemetry, 'deny');
    });
  });
});

// ------------------------------------------------------------------ WebSocket $connect

describe('WebSocket $connect authorizer: a repeated value is ambiguous-input', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    return { handler: webSocketAuthorizer({ mode: M2M, bundle: M2M_BUNDLE, dependencies: world.dependencies(telemetry) }), telemetry };
  }

  it('still allows one token and one account id', async () => {
    const { handler } = build();

    const result = await handler(
      connectEvent({ headers: [['Authorization', `Bearer ${serviceToken()}`]], query: [['accountId', 'acct-1']] }),
    );

    expect(effectOf(result)).toBe('Allow');
  });

  it('denies ?accountId=acct-2&accountId=acct-1 (two copies in multiValueQueryStringParameters)', async () => {
    const { handler, telemetry } = build();
    const event = connectEvent({
      headers: [['Authorization', `Bearer ${serviceToken()}`]],
      query: [
        ['accountId', 'acct-2'],
        ['accountId', 'acct-1'],
      ],
    });

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('answers 401 when the token header arrives in two casings', async () => {
    const { handler, telemetry } = build();
    const token = `Bearer ${serviceToken()}`;
    const event = connectEvent({
      headers: [
        ['Authorization', token],
        ['authorization', token],
      ],
      query: [['accountId', 'acct-1']],
    });

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  it('answers 401 when the access_token query parameter arrives twice', async () => {
    const { handler, telemetry } = build();
    const token = serviceToken();
    const event = connectEvent({
      query: [
        ['accountId', 'acct-1'],
        ['access_token', token],
        ['access_token', token],
      ],
    });

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });
});
