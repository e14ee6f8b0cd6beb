import { existsSync, readdirSync } from 'node:fs';
import { policyToJson, type CedarValueJson, type EntityJson, type TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../../support/local-avp.js';
import type { PolicyBundle } from '../../../runtime/config.js';
import { createAvpEngine } from '../../../runtime/engine/avp-engine.js';
import type { AuthorizationRequest, Decision } from '../../../runtime/engine/decision.js';
import { createLocalEngine } from '../../../runtime/engine/local-engine.js';
import { asUid } from '../../../runtime/engine/avp-values.js';
import { EngineError } from '../../../runtime/errors.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { deployStore } from './support/deployed-store.js';

const customerBundle = fixtureMode('billing', 'customer').POLICY_BUNDLE;
const internalBundle = fixtureMode('billing', 'internal').POLICY_BUNDLE;
const m2mBundle = fixtureMode('billing', 'm2m').POLICY_BUNDLE;
const multiTenantBundle = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;

// ------------------------------------------------------------------ the world, after schema/billing.cedarschema
const uid = (type: string, id: string): TypeAndId => ({ type: `Billing::${type}`, id });
const ref = (u: TypeAndId): CedarValueJson => ({ __entity: u });
const key = (u: TypeAndId): string => `${u.type}::${JSON.stringify(u.id)}`;

const world = new Map<string, EntityJson>();
function define(u: TypeAndId, attrs: Record<string, CedarValueJson> = {}, parents: TypeAndId[] = []): TypeAndId {
  world.set(key(u), { uid: u, attrs, parents });
  return u;
}

const T1 = define(uid('Tenant', 't1'));
const T2 = define(uid('Tenant', 't2'));
const C1 = define(uid('Customer', 'c1'), { tenant: ref(T1), country: 'DE' }, [T1]);
const C2 = define(uid('Customer', 'c2'), { tenant: ref(T2), country: 'FR' }, [T2]);
const C3 = define(uid('Customer', 'c3'), { tenant: ref(T1), country: 'NL' }, [T1]);

function defineAccount(id: string, owner: TypeAndId, tenant: TypeAndId, frozen: boolean): TypeAndId {
  return define(uid('Account', id), { owner: ref(owner), tenant: ref(tenant), currency: 'EUR', frozen }, [owner]);
}
const ACCT_C1 = defineAccount('acct-c1', C1, T1, false);
const ACCT_C1_FROZEN = defineAccount('acct-c1-frozen', C1, T1, true);
const ACCT_C2 = defineAccount('acct-c2', C2, T2, false);
const ACCT_C2_FROZEN = defineAccount('acct-c2-frozen', C2, T2, true);
const ACCT_C3 = defineAccount('acct-c3', C3, T1, false);

function definePayment(id: string, account: TypeAndId, owner: TypeAndId, tenant: TypeAndId, status: string, createdBy: string): TypeAndId {
  return define(
    uid('Payment', id),
    { account: ref(account), owner: ref(owner), tenant: ref(tenant), amount: 5000, currency: 'EUR', status, createdBy },
    [account],
  );
}
const PAY_C1_BY_BOB = definePayment('pay-c1-by-bob', ACCT_C1, C1, T1, 'settled', 'bob');
const PAY_C1_BY_ALICE = definePayment('pay-c1-by-alice', ACCT_C1, C1, T1, 'pending', 'alice');
const PAY_C1_BY_TA = definePayment('pay-c1-by-ta', ACCT_C1, C1, T1, 'pending', 'ta');
const PAY_C1_PENDING = definePayment('pay-c1-pending', ACCT_C1, C1, T1, 'pending', 'bob');
const PAY_C2 = definePayment('pay-c2', ACCT_C2, C2, T2, 'settled', 'zed');

const BEN_C1 = define(uid('Beneficiary', 'ben-c1'), { owner: ref(C1), tenant: ref(T1), country: 'DE' }, [C1]);
const BEN_C2 = define(uid('Beneficiary', 'ben-c2'), { owner: ref(C2), tenant: ref(T2), country: 'FR' }, [C2]);

// Principals carry their related entities as the runtime builds them: groups (and the tenant) with no attributes.
interface Principal {
  readonly uid: TypeAndId;
  readonly entities: readonly EntityJson[];
}

function principal(u: TypeAndId, attrs: Record<string, CedarValueJson>, parents: readonly TypeAndId[]): Principal {
  return { uid: u, entities: [{ uid: u, attrs, parents: [...parents] }, ...parents.map((p) => ({ uid: p, attrs: {}, parents: [] }))] };
}

const customerUser = (id: string, role: string | undefined, customer: TypeAndId) =>
  principal(uid('CustomerUser', id), { userId: id, customer: ref(customer), email: `${id}@example.com` }, role ? [uid('Role', role)] : []);
const staffUser = (id: string, groups: readonly string[]) =>
  principal(
    uid('StaffUser', id),
    { email: `${id}@billing.example.com` },
    groups.map((g) => uid('StaffGroup', g)),
  );
const service = (id: string, scopes: readonly string[]) =>
  principal(uid('Service', id), { clientId: `${id}-client`, scopes: [...scopes] }, []);
const tenantUser = (id: string, role: string, tenant: TypeAndId, customer: TypeAndId) =>
  principal(uid('TenantUser', id), { userId: id, tenant: ref(tenant), customer: ref(customer) }, [uid('Role', role), tenant]);

type Context = Record<string, CedarValueJson>;
const payment = (amount: number, approverId?: string): Context => ({
  amount,
  currency: 'EUR',
  ...(approverId !== undefined ? { approverId } : {}),
});
const MFA: Context = { authMethods: ['pwd', 'mfa'] };
const PASSWORD_ONLY: Context = { authMethods: ['pwd'] };

interface Case {
  /** `<principal>_<action>_<resource>` */
  readonly name: string;
  readonly request: AuthorizationRequest;
  readonly expected: Pick<Decision, 'decision' | 'determiningPolicies'>;
}

/** The principal, the resource and the resource's direct parents, as the runtime's entity store loads them. */
function request(who: Principal, actionId: string, resource: TypeAndId, context: Context = {}): AuthorizationRequest {
  const resourceEntity = world.get(key(resource));
  if (!resourceEntity) throw new Error(`no entity ${key(resource)} in the test world`);
  const parents = resourceEntity.parents
    .map((p) => world.get(key('__entity' in p ? p.__entity : p)))
    .filter((e): e is EntityJson => e !== undefined);
  const entities = new Map<string, EntityJson>();
  for (const entity of [...who.entities, resourceEntity, ...parents]) {
    const entityUid = '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
    if (!entities.has(key(entityUid))) entities.set(key(entityUid), entity);
  }
  return { principal: who.uid, action: { type: 'Billing::Action', id: actionId }, resource, context, entities: [...entities.values()] };
}

function allow(name: string, req: AuthorizationRequest, ...determiningPolicies: string[]): Case {
  return { name, request: req, expected: { decision: 'allow', determiningPolicies } };
}

function deny(name: string, req: AuthorizationRequest, ...determiningPolicies: string[]): Case {
  return { name, request: req, expected: { decision: 'deny', determiningPolicies } };
}

// ------------------------------------------------------------------ corpora, one per mode
const FROZEN = 'shared.forbid-billing-from-frozen-account';
const LARGE = 'shared.forbid-large-payment-without-approver';
const SELF_APPROVAL = 'shared.forbid-self-approval';
const SELF_APPROVED = 'shared.forbid-self-approved-payment';
const NON_POSITIVE = 'shared.forbid-non-positive-amount';

const alice = customerUser('alice', 'admin', C1);
const pat = customerUser('pat', 'payer', C1);
const vera = customerUser('vera', 'viewer', C1);
const nora = customerUser('nora', undefined, C1);
const mallory = customerUser('mallory', 'admin', C2);

const CUSTOMER_CASES: readonly Case[] = [
  allow('vera_ViewAccount_acctC1', request(vera, 'ViewAccount', ACCT_C1), 'customer.read-own'),
  allow('vera_ListBilling_acctC1', request(vera, 'ListBilling', ACCT_C1), 'customer.read-own'),
  allow('vera_ViewPayment_payC1ByBob', request(vera, 'ViewPayment', PAY_C1_BY_BOB), 'customer.read-own'),
  allow('vera_ViewBeneficiary_benC1', request(vera, 'ViewBeneficiary', BEN_C1), 'customer.read-own'),
  deny('vera_ViewAccount_acctC2', request(vera, 'ViewAccount', ACCT_C2)),
  deny('nora_ViewAccount_acctC1', request(nora, 'ViewAccount', ACCT_C1)),
  deny('mallory_ViewPayment_payC1ByBob', request(mallory, 'ViewPayment', PAY_C1_BY_BOB)),
  deny('vera_CreatePayment_acctC1', request(vera, 'CreatePayment', ACCT_C1, payment(5000))),
  allow('pat_CreatePayment_acctC1', request(pat, 'CreatePayment', ACCT_C1, payment(5000)), 'customer.pay-from-own-account'),
  allow('pat_CreatePayment_acctC1_atTheLimit', request(pat, 'CreatePayment', ACCT_C1, payment(1_000_000)), 'customer.pay-from-own-account'),
  deny('pat_CreatePayment_acctC1_oneCentOverTheLimit', request(pat, 'CreatePayment', ACCT_C1, payment(1_000_001)), LARGE),
  deny('pat_CreatePayment_acctC1_zero', request(pat, 'CreatePayment', ACCT_C1, payment(0)), NON_POSITIVE),
  deny('pat_CreatePayment_acctC1_largeApprovedByHimself', request(pat, 'CreatePayment', ACCT_C1, payment(2_000_000, 'pat')), SELF_APPROVED),
  allow(
    'pat_CreatePayment_acctC1_largeWithApprover',
    request(pat, 'CreatePayment', ACCT_C1, payment(2_000_000, 'alice')),
    'customer.pay-from-own-account',
  ),
  deny('pat_CreatePayment_acctC1Frozen', request(pat, 'CreatePayment', ACCT_C1_FROZEN, payment(5000)), FROZEN),
  deny('pat_CreatePayment_acctC1Frozen_large', request(pat, 'CreatePayment', ACCT_C1_FROZEN, payment(2_000_000)), LARGE, FROZEN),
  deny('pat_CreatePayment_acctC2', request(pat, 'CreatePayment', ACCT_C2, payment(5000))),
  allow('alice_ApprovePayment_payC1ByBob', request(alice, 'ApprovePayment', PAY_C1_BY_BOB), 'customer.admin-approve-payment'),
  deny('alice_ApprovePayment_payC1ByAlice', request(alice, 'ApprovePayment', PAY_C1_BY_ALICE), SELF_APPROVAL),
  deny('pat_ApprovePayment_payC1ByBob', request(pat, 'ApprovePayment', PAY_C1_BY_BOB)),
  deny('mallory_ApprovePayment_payC1ByBob', request(mallory, 'ApprovePayment', PAY_C1_BY_BOB)),
  allow('alice_AddBeneficiary_c1', request(alice, 'AddBeneficiary', C1), 'customer.admin-add-beneficiary'),
  deny('alice_AddBeneficiary_c2', request(alice, 'AddBeneficiary', C2)),
  allow('alice_DeleteBeneficiary_benC1', request(alice, 'DeleteBeneficiary', BEN_C1), 'customer.admin-delete-beneficiary'),
  deny('pat_DeleteBeneficiary_benC1', request(pat, 'DeleteBeneficiary', BEN_C1)),
];

const sam = staffUser('sam', ['support']);
const kim = staffUser('kim', ['contractors', 'support']);
const rita = staffUser('rita', ['refunds']);
const fred = staffUser('fred', ['fraud']);
const carl = staffUser('carl', ['contractors', 'refunds']);
const cora = staffUser('cora', ['contractors', 'fraud']);
const noel = staffUser('noel', []);
const CONTRACTORS = 'staff.forbid-contractor-changes';

const INTERNAL_CASES: readonly Case[] = [
  allow('sam_ViewAccount_acctC1', request(sam, 'ViewAccount', ACCT_C1), 'staff.support-read'),
  allow('sam_ListBilling_acctC2', request(sam, 'ListBilling', ACCT_C2), 'staff.support-read'),
  allow('sam_ViewPayment_payC2', request(sam, 'ViewPayment', PAY_C2), 'staff.support-read'),
  allow('sam_ViewBeneficiary_benC2', request(sam, 'ViewBeneficiary', BEN_C2), 'staff.support-read'),
  allow('kim_ViewAccount_acctC1', request(kim, 'ViewAccount', ACCT_C1), 'staff.support-read'),
  deny('noel_ViewAccount_acctC1', request(noel, 'ViewAccount', ACCT_C1)),
  deny('rita_ViewAccount_acctC1', request(rita, 'ViewAccount', ACCT_C1)),
  allow('rita_RefundPayment_payC1ByBob_mfa', request(rita, 'RefundPayment', PAY_C1_BY_BOB, MFA), 'staff.refund-with-mfa'),
  deny('rita_RefundPayment_payC1ByBob_passwordOnly', request(rita, 'RefundPayment', PAY_C1_BY_BOB, PASSWORD_ONLY)),
  deny('rita_RefundPayment_payC1Pending_mfa', request(rita, 'RefundPayment', PAY_C1_PENDING, MFA)),
  deny('sam_RefundPayment_payC1ByBob_mfa', request(sam, 'RefundPayment', PAY_C1_BY_BOB, MFA)),
  deny('carl_RefundPayment_payC1ByBob_mfa', request(carl, 'RefundPayment', PAY_C1_BY_BOB, MFA), CONTRACTORS),
  allow('fred_FreezeAccount_acctC1_mfa', request(fred, 'FreezeAccount', ACCT_C1, MFA), 'staff.fraud-freeze-account'),
  allow('fred_UnfreezeAccount_acctC1Frozen_mfa', request(fred, 'UnfreezeAccount', ACCT_C1_FROZEN, MFA), 'staff.fraud-freeze-account'),
  deny('fred_FreezeAccount_acctC1_passwordOnly', request(fred, 'FreezeAccount', ACCT_C1, PASSWORD_ONLY)),
  deny('cora_FreezeAccount_acctC1_mfa', request(cora, 'FreezeAccount', ACCT_C1, MFA), CONTRACTORS),
  deny('cora_UnfreezeAccount_acctC1Frozen_mfa', request(cora, 'UnfreezeAccount', ACCT_C1_FROZEN, MFA), CONTRACTORS),
  deny('sam_FreezeAccount_acctC1_mfa', request(sam, 'FreezeAccount', ACCT_C1, MFA)),
];

const ledger = service('ledger', ['billing/events.read']);
const recon = service('recon', ['billing/read']);
const initiator = service('initiator', ['billing/write']);
const omni = service('omni', ['billing/events.read', 'billing/read', 'billing/write']);
const bare = service('bare', []);

const M2M_CASES: readonly Case[] = [
  allow('ledger_SubscribePaymentEvents_acctC1', request(ledger, 'SubscribePaymentEvents', ACCT_C1), 'service.subscribe-payment-events'),
  deny('recon_SubscribePaymentEvents_acctC1', request(recon, 'SubscribePaymentEvents', ACCT_C1)),
  allow('recon_ViewAccount_acctC1', request(recon, 'ViewAccount', ACCT_C1), 'service.read-billing'),
  allow('recon_ListBilling_acctC2', request(recon, 'ListBilling', ACCT_C2), 'service.read-billing'),
  allow('recon_ViewPayment_payC1ByBob', request(recon, 'ViewPayment', PAY_C1_BY_BOB), 'service.read-billing'),
  deny('ledger_ViewAccount_acctC1', request(ledger, 'ViewAccount', ACCT_C1)),
  allow('initiator_CreatePayment_acctC1', request(initiator, 'CreatePayment', ACCT_C1, payment(5000)), 'service.create-payment'),
  deny('initiator_CreatePayment_acctC1Frozen', request(initiator, 'CreatePayment', ACCT_C1_FROZEN, payment(5000)), FROZEN),
  deny('initiator_CreatePayment_acctC1_large', request(initiator, 'CreatePayment', ACCT_C1, payment(2_000_000)), LARGE),
  deny('initiator_CreatePayment_acctC1_negative', request(initiator, 'CreatePayment', ACCT_C1, payment(-500)), NON_POSITIVE),
  allow(
    'initiator_CreatePayment_acctC1_largeWithApprover',
    request(initiator, 'CreatePayment', ACCT_C1, payment(2_000_000, 'ops-lead')),
    'service.create-payment',
  ),
  deny('recon_CreatePayment_acctC1', request(recon, 'CreatePayment', ACCT_C1, payment(5000))),
  allow('omni_SubscribePaymentEvents_acctC2', request(omni, 'SubscribePaymentEvents', ACCT_C2), 'service.subscribe-payment-events'),
  allow('omni_ViewPayment_payC2', request(omni, 'ViewPayment', PAY_C2), 'service.read-billing'),
  deny('omni_CreatePayment_acctC2Frozen_large', request(omni, 'CreatePayment', ACCT_C2_FROZEN, payment(5_000_000)), LARGE, FROZEN),
  deny('bare_ViewAccount_acctC1', request(bare, 'ViewAccount', ACCT_C1)),
  deny('initiator_ViewAccount_acctC1', request(initiator, 'ViewAccount', ACCT_C1)),
];

const tv = tenantUser('tv', 'viewer', T1, C1);
const tp = tenantUser('tp', 'payer', T1, C1);
const ta = tenantUser('ta', 'admin', T1, C1);
const t3v = tenantUser('t3v', 'viewer', T1, C3);
// A user of tenant t2 whose token claims customer c1 of tenant t1: only the isolation rule stops them.
const xa = tenantUser('xa', 'admin', T2, C1);
const ISOLATION = 'tenant.isolation';

const MULTI_TENANT_CASES: readonly Case[] = [
  allow('tv_ViewAccount_acctC1', request(tv, 'ViewAccount', ACCT_C1), 'tenant.read-own'),
  allow('tv_ListBilling_acctC1', request(tv, 'ListBilling', ACCT_C1), 'tenant.read-own'),
  allow('tv_ViewPayment_payC1ByBob', request(tv, 'ViewPayment', PAY_C1_BY_BOB), 'tenant.read-own'),
  deny('t3v_ViewAccount_acctC1', request(t3v, 'ViewAccount', ACCT_C1)),
  allow('t3v_ViewAccount_acctC3', request(t3v, 'ViewAccount', ACCT_C3), 'tenant.read-own'),
  deny('tv_ViewAccount_acctC2', request(tv, 'ViewAccount', ACCT_C2), ISOLATION),
  deny('xa_ViewAccount_acctC1', request(xa, 'ViewAccount', ACCT_C1), ISOLATION),
  allow('tp_CreatePayment_acctC1', request(tp, 'CreatePayment', ACCT_C1, payment(5000)), 'tenant.pay-from-own-account'),
  deny('tv_CreatePayment_acctC1', request(tv, 'CreatePayment', ACCT_C1, payment(5000))),
  deny('tp_CreatePayment_acctC1Frozen', request(tp, 'CreatePayment', ACCT_C1_FROZEN, payment(5000)), FROZEN),
  deny('tp_CreatePayment_acctC1_large', request(tp, 'CreatePayment', ACCT_C1, payment(2_000_000)), LARGE),
  deny('tp_CreatePayment_acctC1_negative', request(tp, 'CreatePayment', ACCT_C1, payment(-1)), NON_POSITIVE),
  deny('tp_CreatePayment_acctC1_largeApprovedByHimself', request(tp, 'CreatePayment', ACCT_C1, payment(2_000_000, 'tp')), SELF_APPROVED),
  allow(
    'tp_CreatePayment_acctC1_largeWithApprover',
    request(tp, 'CreatePayment', ACCT_C1, payment(2_000_000, 'ta')),
    'tenant.pay-from-own-account',
  ),
  deny('tp_CreatePayment_acctC2Frozen_large', request(tp, 'CreatePayment', ACCT_C2_FROZEN, payment(2_000_000)), LARGE, FROZEN, ISOLATION),
  allow('ta_ApprovePayment_payC1ByBob', request(ta, 'ApprovePayment', PAY_C1_BY_BOB), 'tenant.admin-approve-payment'),
  deny('ta_ApprovePayment_payC1ByTa', request(ta, 'ApprovePayment', PAY_C1_BY_TA), SELF_APPROVAL),
  deny('tp_ApprovePayment_payC1ByBob', request(tp, 'ApprovePayment', PAY_C1_BY_BOB)),
  deny('xa_ApprovePayment_payC1ByBob', request(xa, 'ApprovePayment', PAY_C1_BY_BOB), ISOLATION),
  deny('tv_ViewBeneficiary_benC1', request(tv, 'ViewBeneficiary', BEN_C1)),
  deny('ta_AddBeneficiary_c1', request(ta, 'AddBeneficiary', C1)),
  deny('ta_AddBeneficiary_c2', request(ta, 'AddBeneficiary', C2), ISOLATION),
];

/** A request outside the schema: both engines refuse it (a Deny with a reason), neither evaluates it. */
interface RefusedCase {
  readonly name: string;
  readonly request: AuthorizationRequest;
  readonly reason: string;
}

interface ModeCorpus {
  readonly bundle: PolicyBundle;
  readonly cases: readonly Case[];
  readonly refused: readonly RefusedCase[];
  /** Policies no request of this mode can reach, and why: the schema gives their action no such principal. */
  readonly unreachable: readonly string[];
}

const CORPORA: Readonly<Record<string, ModeCorpus>> = {
  customer: {
    bundle: customerBundle,
    cases: CUSTOMER_CASES,
    refused: [
      {
        name: 'vera_ViewAccount_acctC1_unknownAttribute',
        request: {
          ...request(vera, 'ViewAccount', ACCT_C1),
          entities: request(vera, 'ViewAccount', ACCT_C1).entities.map((e) =>
            key(asUid(e.uid)) === key(ACCT_C1) ? { ...e, attrs: { ...e.attrs, iban: 'DE00' } } : e,
          ),
        },
        reason: 'attribute `iban` on `Billing::Account::"acct-c1"` should not exist according to the schema',
      },
    ],
    unreachable: [],
  },
  // Staff neither create nor approve billing.
  internal: {
    bundle: internalBundle,
    cases: INTERNAL_CASES,
    refused: [
      {
        name: 'rita_RefundPayment_payC1ByBob_noContext',
        request: request(rita, 'RefundPayment', PAY_C1_BY_BOB),
        reason: 'while parsing context, expected the record to have an attribute `authMethods`',
      },
    ],
    unreachable: [FROZEN, LARGE, SELF_APPROVAL, SELF_APPROVED, NON_POSITIVE],
  },
  // Services do not approve billing.
  m2m: {
    bundle: m2mBundle,
    cases: M2M_CASES,
    refused: [
      {
        name: 'recon_ViewBeneficiary_benC1',
        request: request(recon, 'ViewBeneficiary', BEN_C1),
        reason: 'principal type `Billing::Service` is not valid for `Billing::Action::"ViewBeneficiary"`',
      },
    ],
    unreachable: [SELF_APPROVAL, SELF_APPROVED],
  },
  'multi-tenant': { bundle: multiTenantBundle, cases: MULTI_TENANT_CASES, refused: [], unreachable: [] },
};
const MODES = Object.keys(CORPORA).sort();

function corpusOf(mode: string): ModeCorpus {
  const corpus = CORPORA[mode];
  if (!corpus) throw new Error(`no corpus for mode ${mode}`);
  return corpus;
}

function expectedDecision(expected: Case['expected']): Decision {
  return { decision: expected.decision, determiningPolicies: [...expected.determiningPolicies].sort(), errors: [] };
}

// ------------------------------------------------------------------ the corpus itself
describe('the parity corpus', () => {
  it('has a corpus for every mode in generated/*/policies.json, and the bundles are those files', () => {
    const generated = new URL('../../../generated/', import.meta.url);
    const modes = readdirSync(generated, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/policies.json`, generated)))
      .map((entry) => entry.name)
      .sort();

    expect(MODES).toEqual(modes);
    expect(MODES.map((mode) => corpusOf(mode).bundle.mode)).toEqual(modes);
  });

  describe.each(MODES)('mode %s', (mode) => {
    const { bundle, cases, unreachable } = corpusOf(mode);

    it('has at least 15 uniquely named cases, with both allows and denies', () => {
      expect(cases.length).toBeGreaterThanOrEqual(15);
      expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
      expect(new Set(cases.map((c) => c.expected.decision))).toEqual(new Set(['allow', 'deny']));
    });

    it('lets every reachable policy of the bundle determine at least one case', () => {
      const determining = new Set(cases.flatMap((c) => c.expected.determiningPolicies));
      const reachable = Object.keys(bundle.policies).filter((id) => !unreachable.includes(id));

      expect(reachable.filter((id) => !determining.has(id))).toEqual([]);
      expect(unreachable.filter((id) => !(id in bundle.policies))).toEqual([]);
    });

    it('has a case where a forbid overrides a permit that would otherwise allow', async () => {
      const permits = Object.fromEntries(
        Object.entries(bundle.policies).filter(([, text]) => {
          const json = policyToJson(text);
          return json.type === 'success' && json.json.effect === 'permit';
        }),
      );
      const permitsOnly = createLocalEngine({ ...bundle, mode: `${mode}-permits-only`, policies: permits });
      const denied = cases.filter((c) => c.expected.decision === 'deny' && c.expected.determiningPolicies.length > 0);

      const overridden = [];
      for (const c of denied) if ((await permitsOnly.isAuthorized(c.request, {})).decision === 'allow') overridden.push(c.name);

      expect(overridden.length).toBeGreaterThan(0);
    });
  });
});

// ------------------------------------------------------------------ the two engines
const localAvp = useLocalAvpEndpoint();

describe.each(MODES)('mode %s: the local engine and the AVP engine give the same decision and determining policies', (mode) => {
  const { bundle, cases } = corpusOf(mode);
  const local = createLocalEngine(bundle);
  let policyStoreId = '';

  // Deployed as tenant onboarding deploys: AVP's own policy ids, the @ids in the descriptions. The determining
  // policies compared below are names the AVP engine mapped back from those ids.
  beforeAll(async () => {
    ({ policyStoreId } = await deployStore(localAvp.client, bundle, { tenantId: `parity-${mode}` }));
  });

  it.each(cases)('$name: $expected.decision', async ({ request: req, expected }) => {
    const avp = createAvpEngine({ client: localAvp.client, timeoutMs: 10_000 });

    const viaLocal = await local.isAuthorized(req, {});
    const viaAvp = await avp.isAuthorized(req, { policyStoreId });

    expect(viaLocal).toEqual(expectedDecision(expected));
    expect(viaAvp).toEqual(viaLocal);
  });

  it.each(corpusOf(mode).refused.map((c) => ({ ...c })))(
    '$name: refused by both engines, with the same reason',
    async ({ request: req, reason }) => {
      const avp = createAvpEngine({ client: localAvp.client, timeoutMs: 10_000 });

      const viaLocal = local.isAuthorized(req, {});
      const viaAvp = avp.isAuthorized(req, { policyStoreId });

      await expect(viaLocal).rejects.toThrow(EngineError);
      await expect(viaLocal).rejects.toThrow(`cedar-wasm refused the request: `);
      await expect(viaLocal).rejects.toThrow(reason);
      await expect(viaAvp).rejects.toThrow(EngineError);
      await expect(viaAvp).rejects.toThrow('Verified Permissions failed (ValidationException): ');
      await expect(viaAvp).rejects.toThrow(reason);
    },
  );
});
