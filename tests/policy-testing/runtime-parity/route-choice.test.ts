import type { Context } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { chooseRoute } from '../../../policy-testing/runtime-parity/route-choice.js';
import type { TestRequest } from '../../../policy-testing/evaluate.js';
import type { ModeConfig } from '../../../runtime/config.js';
import { PATH_TENANT_MODE, SERVICE_MODE, TENANT_MODE, uid } from './mode-configs.js';

function request(action: string, resource: { type: string; id: string }, context: Context = {}): TestRequest {
  return { principal: uid('TenantUser', 'tina'), action: { type: 'Billing::Action', id: action }, resource, context };
}

function routed(mode: ModeConfig, testRequest: TestRequest, tenantId?: string) {
  const result = chooseRoute(mode, testRequest, tenantId);
  return result.ok
    ? {
        route: result.value.route.key,
        input: result.value.input,
        pathParameters: result.value.pathParameters,
        contextClaims: result.value.contextClaims,
      }
    : result.unreachable;
}

const PAYMENT = { amount: 250, currency: 'EUR', approverId: 'cora', ip: { __extn: { fn: 'ip', arg: '198.51.100.7' } } };

describe('the route a case takes', () => {
  it('is the route of its action and resource type, with the resource id in its path parameter, escaped', () => {
    expect(routed(TENANT_MODE, request('ViewAccount', uid('Account', 'acct/1 ü')))).toEqual({
      route: 'GET /tenants/{tenantId}/accounts/{accountId}',
      input: { method: 'GET', path: '/tenants/parity/accounts/acct%2F1%20%C3%BC', headers: {}, query: {}, requestContext: {} },
      pathParameters: { tenantId: 'parity', accountId: 'acct/1 ü' },
      contextClaims: [],
    });
  });

  it('names the token’s tenant in the tenancy path parameter', () => {
    const result = routed(PATH_TENANT_MODE, request('ViewAccount', uid('Account', 'acct-1')), 't-north');

    expect(result).toMatchObject({ input: { path: '/tenants/t-north/accounts/acct-1' } });
  });

  it('puts each context value where the route reads it: header and query as text, claim, request context', () => {
    expect(routed(TENANT_MODE, request('CreatePayment', uid('Account', 'acct-1'), PAYMENT))).toEqual({
      route: 'POST /tenants/{tenantId}/accounts/{accountId}/billing',
      input: {
        method: 'POST',
        path: '/tenants/parity/accounts/acct-1/billing',
        headers: { 'X-Payment-Amount': '250' },
        query: { currency: 'EUR' },
        requestContext: { sourceIp: '198.51.100.7' },
      },
      pathParameters: { tenantId: 'parity', accountId: 'acct-1' },
      contextClaims: [{ claim: 'custom:approver_id', value: 'cora', name: 'approverId' }],
    });
  });

  it('is a $connect with the resource id in its query parameter', () => {
    expect(routed(SERVICE_MODE, request('SubscribePaymentEvents', uid('Account', 'acct-1')))).toEqual({
      route: '$connect',
      input: { connect: true, headers: {}, query: { accountId: 'acct-1' }, requestContext: {} },
      pathParameters: {},
      contextClaims: [],
    });
  });

  it('is the fixed-id route when the case names that resource', () => {
    const modeWithFixedOnly: ModeConfig = { ...TENANT_MODE, routes: TENANT_MODE.routes.filter((route) => route.resource.id !== undefined) };

    expect(routed(modeWithFixedOnly, request('ViewAccount', uid('Account', 'daily')))).toMatchObject({
      route: 'GET /reports/daily',
      input: { path: '/reports/daily' },
    });
  });
});

describe('a case no route can carry', () => {
  it('has an action the mode does not route for its resource type', () => {
    expect(routed(TENANT_MODE, request('ViewPayment', uid('Payment', 'pay-1')))).toEqual({
      kind: 'no-route',
      reason: 'mode saas routes no ViewPayment on a Billing::Payment',
    });
  });

  it('names another resource than the only route’s fixed id', () => {
    const modeWithFixedOnly: ModeConfig = { ...TENANT_MODE, routes: TENANT_MODE.routes.filter((route) => route.resource.id !== undefined) };

    expect(routed(modeWithFixedOnly, request('ViewAccount', uid('Account', 'acct-1')))).toEqual({
      kind: 'resource-not-nameable',
      reason: 'route GET /reports/daily always names Billing::Account::"daily", not Billing::Account::"acct-1"',
    });
  });

  it('has a context value the route does not supply', () => {
    expect(routed(TENANT_MODE, request('CreatePayment', uid('Account', 'acct-1'), { ...PAYMENT, channel: 'web' }))).toEqual({
      kind: 'context-value',
      reason: 'context `channel`: route POST /tenants/{tenantId}/accounts/{accountId}/billing supplies no such value',
    });
  });

  it('has a context value of another type than the route’s source spells', () => {
    expect(routed(TENANT_MODE, request('CreatePayment', uid('Account', 'acct-1'), { ...PAYMENT, amount: '1000001' }))).toEqual({
      kind: 'context-value',
      reason:
        'context `amount` (header X-Payment-Amount, Long) on route POST /tenants/{tenantId}/accounts/{accountId}/billing: ' +
        '"1000001" is not a Long',
    });
  });

  it('lacks a value the request context always supplies', () => {
    const { ip: _ip, ...withoutIp } = PAYMENT;

    expect(routed(TENANT_MODE, request('CreatePayment', uid('Account', 'acct-1'), withoutIp))).toEqual({
      kind: 'context-value',
      reason:
        "route POST /tenants/{tenantId}/accounts/{accountId}/billing always supplies `ip` from the request's sourceIp; the case has none",
    });
  });

  it('has a source address that is a range', () => {
    expect(
      routed(
        TENANT_MODE,
        request('CreatePayment', uid('Account', 'acct-1'), { ...PAYMENT, ip: { __extn: { fn: 'ip', arg: '10.0.0.0/8' } } }),
      ),
    ).toEqual({
      kind: 'context-value',
      reason:
        'context `ip` (request sourceIp, ipaddr) on route POST /tenants/{tenantId}/accounts/{accountId}/billing: ' +
        '"10.0.0.0/8" is not the one address a request comes from',
    });
  });
});

describe('the request time a case reads', () => {
  const timed = (type: string): ModeConfig => ({
    ...TENANT_MODE,
    routes: [
      {
        kind: 'http',
        key: 'GET /t/{accountId}',
        method: 'GET',
        path: '/t/{accountId}',
        action: 'ViewAccount',
        resource: { type: 'Billing::Account', pathParameter: 'accountId' },
        context: [{ name: 'now', source: 'request', key: 'requestTime', type, required: true }],
      },
    ],
  });

  it('as a datetime, is the epoch milliseconds API Gateway stamps, offsets included', () => {
    const result = chooseRoute(
      timed('datetime'),
      request('ViewAccount', uid('Account', 'a'), { now: { __extn: { fn: 'datetime', arg: '2026-12-06T13:00:00+0100' } } }),
      undefined,
    );

    expect(result.ok ? result.value.input.requestContext : result).toEqual({ requestTimeEpochMs: Date.UTC(2026, 11, 6, 12) });
  });

  it('as a Long, is those milliseconds themselves', () => {
    const result = chooseRoute(timed('Long'), request('ViewAccount', uid('Account', 'a'), { now: 1765022400000 }), undefined);

    expect(result.ok ? result.value.input.requestContext : result).toEqual({ requestTimeEpochMs: 1765022400000 });
  });
});

describe('a case whose required context value is absent', () => {
  it('is still sent, without it: the runtime’s answer to that request is what parity compares', () => {
    const { amount: _amount, ...withoutAmount } = PAYMENT;

    expect(routed(TENANT_MODE, request('CreatePayment', uid('Account', 'acct-1'), withoutAmount))).toMatchObject({
      input: { headers: {} },
    });
  });
});
