// What a handler answers and what its decision line says are the same thing, for the refusals the security model
// lists: an Allow that the answer's form cannot carry, an ambiguous request, a request outside the schema, an
// evaluation error, and a WebSocket event for a route other than $connect.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRequestEvent, restTokenEvent, webSocketConnectEvent, type GatewayRequest } from '../../../local/gateway/authorizer-events.js';
import type { ModeConfig, PolicyBundle } from '../../../runtime/config.js';
import { MemoryTelemetry, restRequestAuthorizer, restTokenAuthorizer, webSocketAuthorizer } from '../../../runtime/index.js';
import { API, CUSTOMER, CUSTOMER_BUNDLE, M2M, M2M_BUNDLE, PARTNER, startBillingWorld, type BillingWorld } from './support/billing-world.js';

let world: BillingWorld;

beforeAll(async () => {
  world = await startBillingWorld();
});

afterAll(async () => {
  await world.close();
});

function customerHandler(options: { mode?: ModeConfig; bundle?: PolicyBundle } = {}) {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({
    mode: options.mode ?? CUSTOMER,
    bundle: options.bundle ?? CUSTOMER_BUNDLE,
    dependencies: world.dependencies(telemetry),
  });
  return { handler, telemetry };
}

const get = (path: string, token: string): GatewayRequest => ({
  method: 'GET',
  path,
  rawQuery: '',
  headers: { Authorization: `Bearer ${token}` },
  sourceIp: '198.51.100.7',
});

/** POST /accounts/acct-1/billing with these header lines, repeats kept as a client sent them. */
const payment = (token: string, amountLines: readonly string[]): GatewayRequest => ({
  method: 'POST',
  path: '/accounts/acct-1/billing',
  rawQuery: '',
  headerLines: [
    ['Authorization', `Bearer ${token}`],
    ['X-Payment-Currency', 'EUR'],
    ...amountLines.map((amount) => ['X-Payment-Amount', amount] as const),
  ],
  sourceIp: '198.51.100.7',
});

const viewAccountEvent = (accountId: string, token: string) =>
  restRequestEvent(API, get(`/accounts/${accountId}`, token), '/accounts/{accountId}', { accountId });

describe('an Allow the answer cannot carry (a methodArn holding a *)', () => {
  it('answers Deny with reason method-arn, and the decision line says deny with errorKind method-arn (REST request)', async () => {
    const { handler, telemetry } = customerHandler();

    const event = viewAccountEvent('*', world.customerToken());

    const result = await handler(event);

    expect(event.methodArn).toMatch(/\/prod\/GET\/accounts\/\*$/);
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [event.methodArn] }]);
    expect(result.context).toMatchObject({ decision: 'deny', reason: 'method-arn' });
    expect(telemetry.records).toHaveLength(1);
    expect(telemetry.records[0]).toMatchObject({ result: 'deny', errorKind: 'method-arn', cacheHit: false });
  });

  it('logs the same deny when the Allow comes from the decision cache', async () => {
    const { handler, telemetry } = customerHandler();
    const token = world.customerToken();

    await handler(viewAccountEvent('*', token));
    const second = await handler(viewAccountEvent('*', token));

    expect(second.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(telemetry.records.map((r) => [r.result, r.errorKind, r.cacheHit])).toEqual([
      ['deny', 'method-arn', false],
      ['deny', 'method-arn', true],
    ]);
  });

  it('answers and logs Deny for a cached TOKEN authorizer whose methodArn has a * in its stage, even from its cache', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restTokenAuthorizer({ mode: PARTNER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) });
    const token = world.customerToken();
    const wildcardStage = restTokenEvent({ apiId: 'api-id', stage: '*' }, get('/house-account', token), `Bearer ${token}`);

    const first = await handler(wildcardStage);
    const cached = await handler(wildcardStage);
    const plain = await handler(restTokenEvent(API, get('/house-account', token), `Bearer ${token}`));

    expect(first.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(first.context).toMatchObject({ decision: 'deny', reason: 'method-arn' });
    expect(cached.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(plain.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(telemetry.records.map((r) => [r.result, r.errorKind, r.cacheHit])).toEqual([
      ['deny', 'method-arn', false],
      ['deny', 'method-arn', true],
      ['allow', undefined, true],
    ]);
  });
});

describe('ambiguous refusals are never cached', () => {
  it('decides a repeated amount header afresh each time, and the single-copy request is evaluated, not served a refusal', async () => {
    const { handler, telemetry } = customerHandler();
    const token = world.customerToken();
    const event = (lines: readonly string[]) =>
      restRequestEvent(API, payment(token, lines), '/accounts/{accountId}/billing', { accountId: 'acct-1' });

    const first = await handler(event(['5000000', '100']));
    const second = await handler(event(['5000000', '100']));
    const single = await handler(event(['100']));
    const singleAgain = await handler(event(['100']));

    expect(first.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expect(second.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expect(single.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(singleAgain.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(telemetry.records.map((r) => [r.result, r.errorKind, r.cacheHit])).toEqual([
      ['deny', 'ambiguous-input', false],
      ['deny', 'ambiguous-input', false],
      ['allow', undefined, false],
      ['allow', undefined, true],
    ]);
  });
});

describe('a request outside the schema, through a handler', () => {
  // ViewAccount applies to accounts only; this route asks it of a customer, which Cedar's request validation refuses.
  const OUTSIDE_SCHEMA: ModeConfig = {
    ...CUSTOMER,
    routes: [
      {
        kind: 'http',
        key: 'GET /customers/{customerId}',
        method: 'GET',
        path: '/customers/{customerId}',
        action: 'ViewAccount',
        resource: { type: 'Billing::Customer', pathParameter: 'customerId' },
        context: [],
      },
    ],
  };

  it("answers Deny with reason engine, and logs cedar-wasm's refusal", async () => {
    const { handler, telemetry } = customerHandler({ mode: OUTSIDE_SCHEMA });

    const result = await handler(
      restRequestEvent(API, get('/customers/cust-1', world.customerToken()), '/customers/{customerId}', { customerId: 'cust-1' }),
    );

    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'engine' });
    expect(telemetry.records[0]).toMatchObject({
      result: 'deny',
      errorKind: 'engine',
      reason: expect.stringMatching(/^cedar-wasm refused the request/),
    });
  });
});

describe('an evaluation error, through a handler', () => {
  // A forbid that overflows on every payment: Cedar skips an erroring policy, so the permit would stand alone.
  const OVERFLOWING: PolicyBundle = {
    ...CUSTOMER_BUNDLE,
    policies: {
      ...CUSTOMER_BUNDLE.policies,
      'test.overflowing-forbid':
        'forbid (principal, action == Billing::Action::"CreatePayment", resource) when { context.amount * 9223372036854775807 > 0 };',
    },
  };

  it('answers Deny (decision deny in the context) and logs errorKind evaluation naming the erroring policy', async () => {
    const { handler, telemetry } = customerHandler({ bundle: OVERFLOWING });

    const result = await handler(
      restRequestEvent(API, payment(world.customerToken(), ['100']), '/accounts/{accountId}/billing', { accountId: 'acct-1' }),
    );

    expect(result.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(result.context).toMatchObject({ decision: 'deny' });
    expect(telemetry.records[0]).toMatchObject({
      result: 'deny',
      errorKind: 'evaluation',
      reason: expect.stringMatching(/^evaluation errors: test\.overflowing-forbid: integer overflow/),
    });
  });
});

describe('WebSocket: API Gateway calls the authorizer for $connect only', () => {
  function connectEvent(token: string, requestContext: { routeKey: string; eventType: string }): APIGatewayRequestAuthorizerEvent {
    const event = webSocketConnectEvent(
      API,
      { method: 'GET', path: '/', rawQuery: 'accountId=acct-1', headers: { Authorization: `Bearer ${token}` }, sourceIp: '198.51.100.7' },
      'Abc123=',
    );
    return { ...event, requestContext: { ...event.requestContext, ...requestContext } };
  }

  const cases = [
    { name: 'eventType CONNECT with routeKey $default', routeKey: '$default', eventType: 'CONNECT', effect: 'Deny' },
    { name: 'eventType CONNECT with routeKey sendMessage', routeKey: 'sendMessage', eventType: 'CONNECT', effect: 'Deny' },
    { name: 'routeKey $connect with eventType MESSAGE', routeKey: '$connect', eventType: 'MESSAGE', effect: 'Deny' },
    {
      name: 'routeKey $connect with eventType CONNECT (what API Gateway sends)',
      routeKey: '$connect',
      eventType: 'CONNECT',
      effect: 'Allow',
    },
  ] as const;

  it.each(cases)('$name: $effect', async ({ routeKey, eventType, effect }) => {
    const telemetry = new MemoryTelemetry();
    const handler = webSocketAuthorizer({ mode: M2M, bundle: M2M_BUNDLE, dependencies: world.dependencies(telemetry) });

    const result = await handler(connectEvent(world.serviceToken(['billing/events.read']), { routeKey, eventType }));

    expect(result.policyDocument.Statement[0]?.Effect).toBe(effect);
    if (effect === 'Deny') {
      expect(result.context).toEqual({ decision: 'deny', reason: 'route' });
      expect(telemetry.records[0]).toMatchObject({ result: 'deny', errorKind: 'route' });
    } else {
      expect(telemetry.records[0]).toMatchObject({ result: 'allow', determiningPolicies: ['service.subscribe-payment-events'] });
    }
  });
});
