import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import '../../policy-testing/matchers.js';
import { useProject } from '../../policy-testing/request-decider.js';
import {
  type ActionRequest,
  type TypedEntity,
  entity as typedEntity,
  policyRequest as typedRequest,
  type SchemaTypes,
} from '../../policy-testing/typed-request.js';
import { fixtureRoot } from '../support/fixture-domain.js';

// The few types of the billing fixture's schema these requests need, as its generated schema.ts would declare them,
// so that the matchers are tested on a fixture domain, not on the repository's own.
interface EntityUid<T extends string = string> {
  readonly type: T;
  readonly id: string;
}
interface EntityRef<T extends string> {
  readonly __entity: EntityUid<T>;
}
interface PaymentRequestContext {
  readonly amount: number;
  readonly approverId?: string;
  readonly currency: string;
}
interface BillingTypes extends SchemaTypes {
  readonly entityAttributes: {
    readonly 'Billing::Account': {
      readonly owner: EntityRef<'Billing::Customer'>;
      readonly tenant: EntityRef<'Billing::Tenant'>;
      readonly currency: string;
      readonly frozen: boolean;
    };
    readonly 'Billing::Customer': { readonly tenant: EntityRef<'Billing::Tenant'>; readonly country: string };
    readonly 'Billing::CustomerUser': {
      readonly userId: string;
      readonly customer: EntityRef<'Billing::Customer'>;
      readonly email?: string;
    };
    readonly 'Billing::Role': Record<string, never>;
    readonly 'Billing::Tenant': Record<string, never>;
    readonly 'Billing::TenantUser': {
      readonly userId: string;
      readonly tenant: EntityRef<'Billing::Tenant'>;
      readonly customer: EntityRef<'Billing::Customer'>;
    };
  };
  readonly actionPrincipal: {
    readonly CreatePayment: 'Billing::CustomerUser' | 'Billing::Service' | 'Billing::TenantUser';
    readonly RefundPayment: 'Billing::StaffUser';
    readonly ViewAccount: 'Billing::CustomerUser' | 'Billing::StaffUser' | 'Billing::Service' | 'Billing::TenantUser';
  };
  readonly actionResource: {
    readonly CreatePayment: 'Billing::Account';
    readonly RefundPayment: 'Billing::Payment';
    readonly ViewAccount: 'Billing::Account';
  };
  readonly actionContext: {
    readonly CreatePayment: PaymentRequestContext;
    readonly RefundPayment: { readonly authMethods: readonly string[] };
    readonly ViewAccount: Record<string, never>;
  };
}
type BillingEntityType = keyof BillingTypes['entityAttributes'];
type BillingAction = keyof BillingTypes['actionPrincipal'];

const entity = <T extends BillingEntityType>(
  uid: EntityUid<T>,
  attrs: TypedEntity<T, BillingTypes>['attrs'],
  parents: readonly EntityUid[] = [],
) => typedEntity<T, BillingTypes>(uid, attrs, parents);
const policyRequest = <A extends BillingAction>(request: ActionRequest<A, BillingTypes>) => typedRequest<A, BillingTypes>(request);
const uidOf =
  <T extends BillingEntityType>(type: T) =>
  (id: string): EntityUid<T> => ({ type, id });
const uid = {
  Account: uidOf('Billing::Account'),
  Customer: uidOf('Billing::Customer'),
  CustomerUser: uidOf('Billing::CustomerUser'),
  Role: uidOf('Billing::Role'),
  Tenant: uidOf('Billing::Tenant'),
  TenantUser: uidOf('Billing::TenantUser'),
};

beforeAll(() => useProject(fixtureRoot('billing')));

const acme: EntityRef<'Billing::Customer'> = { __entity: uid.Customer('cust-acme') };
const north: EntityRef<'Billing::Tenant'> = { __entity: uid.Tenant('t-north') };

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
      'expected Billing::CustomerUser::"alice" CreatePayment Billing::Account::"acct-2" (mode customer) ' +
        'to be allowed, but it was denied by shared.forbid-billing-from-frozen-account',
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
      'expected Billing::CustomerUser::"bob" CreatePayment Billing::Account::"acct-1" (mode customer) ' +
        'to be denied by customer.pay-from-own-account, but it was denied by no policy',
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

describe('request types follow the schema types', () => {
  it('types principal, resource and context by the action', () => {
    expectTypeOf<ActionRequest<'RefundPayment', BillingTypes>['principal']>().toEqualTypeOf<EntityUid<'Billing::StaffUser'>>();
    expectTypeOf<ActionRequest<'CreatePayment', BillingTypes>['resource']>().toEqualTypeOf<EntityUid<'Billing::Account'>>();
    expectTypeOf<ActionRequest<'CreatePayment', BillingTypes>['context']>().toEqualTypeOf<PaymentRequestContext>();
  });

  it('offers the matchers only on typed requests', () => {
    expectTypeOf(expect(payment).toBeAllowed).toEqualTypeOf<() => void>();
    expectTypeOf(expect(42).toBeAllowed).toBeNever();
    expectTypeOf(expect('alice').toBeDeniedBy).toBeNever();
  });
});
