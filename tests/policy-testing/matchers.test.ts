import { describe, expect, expectTypeOf, it } from 'vitest';
import '../../policy-testing/matchers.js';
import { uid, type CreatePaymentContext, type EntityRef, type EntityUid } from '../../generated/schema.js';
import { entity, policyRequest, type ActionRequest } from '../../policy-testing/typed-request.js';

const acme: EntityRef<'Payments::Customer'> = { __entity: uid.Customer('cust-acme') };
const north: EntityRef<'Payments::Tenant'> = { __entity: uid.Tenant('t-north') };

const alice = entity(uid.CustomerUser('alice'), { userId: 'alice', customer: acme }, [uid.Role('payer')]);
const bob = entity(uid.CustomerUser('bob'), { userId: 'bob', customer: acme }, [uid.Role('viewer')]);
const account = entity(uid.Account('acct-1'), { owner: acme, tenant: north, currency: 'EUR', frozen: false }, [uid.Customer('cust-acme')]);
const frozen = entity(uid.Account('acct-2'), { owner: acme, tenant: north, currency: 'EUR', frozen: true }, [uid.Customer('cust-acme')]);

const payment = policyRequest({
  mode: 'customer',
  principal: uid.CustomerUser('alice'),
  action: 'CreatePayment',
  resource: uid.Account('acct-1'),
  context: { amount: 25_000, currency: 'EUR' },
  entities: [alice, bob, account, frozen],
});

describe('toBeAllowed', () => {
  it('passes when the mode allows the request', () => {
    expect(payment).toBeAllowed();
  });

  it('fails with the decision, the determining policies and the errors', () => {
    expect(() => expect({ ...payment, resource: uid.Account('acct-2') }).toBeAllowed()).toThrowError(
      'expected Payments::CustomerUser::"alice" CreatePayment Payments::Account::"acct-2" (mode customer) to be allowed, but it was denied by shared.forbid-payments-from-frozen-account',
    );
  });

  it('negates with .not', () => {
    expect({ ...payment, principal: uid.CustomerUser('bob') }).not.toBeAllowed();
  });
});

describe('toBeDeniedBy', () => {
  it('passes when the named policy determined the deny', () => {
    expect({ ...payment, context: { amount: 1_000_001, currency: 'EUR' } }).toBeDeniedBy('shared.forbid-large-payment-without-approver');
  });

  it('fails on a deny that no policy determined', () => {
    expect(() => expect({ ...payment, principal: uid.CustomerUser('bob') }).toBeDeniedBy('customer.pay-from-own-account')).toThrowError(
      'expected Payments::CustomerUser::"bob" CreatePayment Payments::Account::"acct-1" (mode customer) to be denied by customer.pay-from-own-account, but it was denied by no policy',
    );
  });

  it('fails on a policy id the mode does not have, listing the ones it has', () => {
    expect(() => expect(payment).toBeDeniedBy('shared.forbid-frozen')).toThrowError(
      /^mode customer has no policy "shared.forbid-frozen"; its policies: customer\.admin-add-beneficiary, /,
    );
  });

  it('decides with template links given in the request', () => {
    const ada = entity(uid.TenantUser('ada'), { userId: 'ada', tenant: north, customer: { __entity: uid.Customer('cust-globex') } }, [
      uid.Tenant('t-north'),
    ]);
    const read = policyRequest({
      mode: 'multi-tenant',
      principal: uid.TenantUser('ada'),
      action: 'ViewAccount',
      resource: uid.Account('acct-1'),
      context: {},
      entities: [ada, account],
      templateLinks: [
        {
          id: 'ada-reads-acct-1',
          template: 'tenant.delegated-account-read',
          principal: uid.TenantUser('ada'),
          resource: uid.Account('acct-1'),
        },
      ],
    });
    expect(read).toBeAllowed();
    expect({ ...read, templateLinks: [] }).not.toBeAllowed();
  });
});

describe('request types follow the generated schema', () => {
  it('types principal, resource and context by the action', () => {
    expectTypeOf<ActionRequest<'RefundPayment'>['principal']>().toEqualTypeOf<EntityUid<'Payments::StaffUser'>>();
    expectTypeOf<ActionRequest<'CreatePayment'>['resource']>().toEqualTypeOf<EntityUid<'Payments::Account'>>();
    expectTypeOf<ActionRequest<'CreatePayment'>['context']>().toEqualTypeOf<CreatePaymentContext>();
  });

  it('offers the matchers only on typed requests', () => {
    expectTypeOf(expect(payment).toBeAllowed).toEqualTypeOf<() => void>();
    expectTypeOf(expect(42).toBeAllowed).toBeNever();
    expectTypeOf(expect('alice').toBeDeniedBy).toBeNever();
  });
});
