// The AVP engine names determining policies by their @ids, through the real SDK against the local AVP endpoint. The
// stores are made as tenant onboarding makes them, so AVP's policy ids are its own random ones: a name that comes back
// as an @id was mapped. ListPolicies (AVP API reference, "ListPolicies", https://docs.aws.amazon.com/verifiedpermissions/
// latest/apireference/API_ListPolicies.html) returns a static policy's description in `definition.static.description`,
// and pages of at most 50 items; CreatePolicy's optional `name` must be prefixed with `name/` (API reference,
// "CreatePolicy", https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_CreatePolicy.html).
import { CreatePolicyCommand } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../../support/local-avp.js';
import { createAvpEngine } from '../../../runtime/engine/avp-engine.js';
import { AvpPolicyNames, POLICY_NAMES_RETRY_MS, POLICY_NAMES_TTL_MS, type NamingNotice } from '../../../runtime/engine/avp-policy-names.js';
import type { AuthorizationRequest, Engine } from '../../../runtime/engine/decision.js';
import { LAB_BUNDLE } from '../../differential/lab-domain.js';
import { dataset, lab, labRequest, team, user } from '../../differential/lab-world.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { deployStore, type DeployedStore } from './support/deployed-store.js';

const CUSTOMER = fixtureMode('billing', 'customer').POLICY_BUNDLE;

const uid = (type: string, id: string): TypeAndId => ({ type: `Billing::${type}`, id });
const ref = (u: TypeAndId): CedarValueJson => ({ __entity: u });
const VERA: EntityJson = {
  uid: uid('CustomerUser', 'vera'),
  attrs: { userId: 'vera', customer: ref(uid('Customer', 'c1')) },
  parents: [uid('Role', 'viewer')],
};
const ACCT_1: EntityJson = {
  uid: uid('Account', 'acct-1'),
  attrs: { owner: ref(uid('Customer', 'c1')), tenant: ref(uid('Tenant', 't1')), currency: 'EUR', frozen: false },
  parents: [uid('Customer', 'c1')],
};
const ACCT_2: EntityJson = { ...ACCT_1, uid: uid('Account', 'acct-2'), attrs: { ...ACCT_1.attrs, owner: ref(uid('Customer', 'c2')) } };
const ask = (actionId: string, account: EntityJson = ACCT_1): AuthorizationRequest => ({
  principal: VERA.uid as TypeAndId,
  action: { type: 'Billing::Action', id: actionId },
  resource: account.uid as TypeAndId,
  context: {},
  entities: [VERA, account],
});
// vera_ViewAccount_acct1: allowed by customer.read-own.
const VIEW_OWN_ACCOUNT = ask('ViewAccount');
const LIST_OWN_BILLING = ask('ListBilling');

const BUDGET_MS = 5000;

/** A clock the test moves: every cache of the names expires by it. */
class TestClock {
  private at = 1_000_000;
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const localAvp = useLocalAvpEndpoint();

beforeEach(() => {
  localAvp.endpoint.setFault(undefined);
  localAvp.endpoint.resetRequestCounts();
});

function engineWithNames(options: { clock?: TestClock; notices?: NamingNotice[] } = {}): { engine: Engine; names: AvpPolicyNames } {
  const names = new AvpPolicyNames({
    client: localAvp.client,
    readTimeoutMs: BUDGET_MS,
    ...(options.clock ? { clock: options.clock } : {}),
    notify: (notice) => options.notices?.push(notice),
  });
  return { engine: createAvpEngine({ client: localAvp.client, timeoutMs: BUDGET_MS, names }), names };
}

describe('a single store, deployed with AVP-generated policy ids', () => {
  let store: DeployedStore;
  beforeAll(async () => {
    store = await deployStore(localAvp.client, CUSTOMER);
  });

  it('holds policies whose AVP ids are not their @ids', () => {
    expect(store.avpIdOf.get('customer.read-own')).toMatch(/^[A-Za-z0-9]{22}$/);
  });

  it('names the determining policy of a decision by its @id, and of a batch', async () => {
    const { engine } = engineWithNames();

    const single = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });
    const batch = await engine.isAuthorizedBatch([VIEW_OWN_ACCOUNT, LIST_OWN_BILLING], { policyStoreId: store.policyStoreId });

    expect(single).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
    expect(batch.map((d) => d.determiningPolicies)).toEqual([['customer.read-own'], ['customer.read-own']]);
  });

  it('reads the store once, then decides from the warm map without another ListPolicies', async () => {
    const { engine } = engineWithNames();

    for (let i = 0; i < 5; i++) await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });

    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(1);
    expect(localAvp.endpoint.requestCount('IsAuthorized')).toBe(5);
  });

  it('reports its size as the engine cache AvpPolicyNames: nothing before a read, one store after', async () => {
    const { engine } = engineWithNames();
    const before = engine.cache.size();

    await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });

    expect({ name: engine.cache.name, before, entries: engine.cache.size().entries }).toEqual({
      name: 'AvpPolicyNames',
      before: { entries: 0, bytes: 0 },
      entries: 1,
    });
    expect(engine.cache.size().bytes).toBeGreaterThan(0);
  });

  it('reads no names for a decision no policy determined', async () => {
    const { engine } = engineWithNames();

    const decision = await engine.isAuthorized(ask('ViewAccount', ACCT_2), { policyStoreId: store.policyStoreId });

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(0);
  });

  it('reads the store again once its map has outlived the TTL, by the injected clock', async () => {
    const clock = new TestClock();
    const { engine } = engineWithNames({ clock });
    await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });

    clock.advance(POLICY_NAMES_TTL_MS - 1);
    await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });
    const beforeExpiry = localAvp.endpoint.requestCount('ListPolicies');
    clock.advance(1);
    await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });

    expect([beforeExpiry, localAvp.endpoint.requestCount('ListPolicies')]).toEqual([1, 2]);
  });
});

describe('tenant stores, one map each', () => {
  let acme: DeployedStore;
  let globex: DeployedStore;
  beforeAll(async () => {
    [acme, globex] = [
      await deployStore(localAvp.client, CUSTOMER, { tenantId: 'acme' }),
      await deployStore(localAvp.client, CUSTOMER, { tenantId: 'globex' }),
    ];
  });

  it('names each tenant store’s own policy ids, which differ between stores', async () => {
    const { engine } = engineWithNames();

    const viaAcme = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: acme.policyStoreId });
    const viaGlobex = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: globex.policyStoreId });

    expect(acme.avpIdOf.get('customer.read-own')).not.toBe(globex.avpIdOf.get('customer.read-own'));
    expect([viaAcme.determiningPolicies, viaGlobex.determiningPolicies]).toEqual([['customer.read-own'], ['customer.read-own']]);
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(2);
  });

  it("never names one tenant's policy id with another tenant's map", async () => {
    const notices: NamingNotice[] = [];
    const { names } = engineWithNames({ notices });
    const acmeId = acme.avpIdOf.get('customer.read-own') ?? '';
    await names.nameAll(globex.policyStoreId, [globex.avpIdOf.get('customer.read-own') ?? ''], BUDGET_MS);

    const named = await names.nameAll(globex.policyStoreId, [acmeId], BUDGET_MS);

    expect(named).toEqual([`avp:${acmeId}`]);
    expect(notices).toEqual([
      { policyStoreId: globex.policyStoreId, policyIds: [acmeId], reason: 'ListPolicies does not list it, even after a refresh' },
    ]);
  });
});

describe('a policy created after the map was read', () => {
  it('is named after one refresh of the map, and a second decision needs no other', async () => {
    const store = await deployStore(localAvp.client, CUSTOMER, { tenantId: 'late' });
    localAvp.endpoint.resetRequestCounts();
    const { engine } = engineWithNames();
    await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });
    await localAvp.client.send(
      new CreatePolicyCommand({
        policyStoreId: store.policyStoreId,
        definition: {
          static: {
            description: 'late.viewers-list-billing',
            statement: [
              '@id("late.viewers-list-billing")',
              'permit (principal in Billing::Role::"viewer", action == Billing::Action::"ListBilling", resource);',
            ].join('\n'),
          },
        },
      }),
    );

    const first = await engine.isAuthorized(LIST_OWN_BILLING, { policyStoreId: store.policyStoreId });
    const second = await engine.isAuthorized(LIST_OWN_BILLING, { policyStoreId: store.policyStoreId });

    expect(first.determiningPolicies).toEqual(['customer.read-own', 'late.viewers-list-billing']);
    expect(second).toEqual(first);
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(2);
  });
});

describe('when ListPolicies fails', () => {
  let store: DeployedStore;
  beforeAll(async () => {
    store = await deployStore(localAvp.client, CUSTOMER, { tenantId: 'faulty' });
  });

  it('keeps the decision, shows the AVP id marked, says why, and names it once the store can be read again', async () => {
    const clock = new TestClock();
    const notices: NamingNotice[] = [];
    const { engine } = engineWithNames({ clock, notices });
    const avpId = store.avpIdOf.get('customer.read-own') ?? '';
    localAvp.endpoint.setFault({ kind: 'server-error', operations: ['ListPolicies'] });

    const during = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });
    localAvp.endpoint.setFault(undefined);
    const beforeRetry = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });
    clock.advance(POLICY_NAMES_RETRY_MS);
    const after = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: store.policyStoreId });

    expect(during).toEqual({ decision: 'allow', determiningPolicies: [`avp:${avpId}`], errors: [] });
    expect(beforeRetry).toEqual(during);
    expect(after).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
    expect(notices[0]).toEqual({
      policyStoreId: store.policyStoreId,
      policyIds: [avpId],
      reason: 'the policy names could not be read: ListPolicies failed (InternalServerException): injected fault: internal server error',
    });
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(2);
  });

  it('keeps the names already read when only the refresh for a new id fails', async () => {
    const notices: NamingNotice[] = [];
    const { names } = engineWithNames({ notices });
    const known = store.avpIdOf.get('customer.read-own') ?? '';
    await names.nameAll(store.policyStoreId, [known], BUDGET_MS);
    localAvp.endpoint.setFault({ kind: 'throttle', operations: ['ListPolicies'] });

    const named = await names.nameAll(store.policyStoreId, [known, 'NotYetListedPolicyId00'], BUDGET_MS);

    expect(named).toEqual(['customer.read-own', 'avp:NotYetListedPolicyId00']);
    expect(notices.map((n) => n.reason)).toEqual([
      'the policy names could not be refreshed: ListPolicies failed (ThrottlingException): Rate exceeded',
    ]);
  });

  it('does not wait beyond the budget for a slow read, and the read it started serves the next decision', async () => {
    const notices: NamingNotice[] = [];
    const { names } = engineWithNames({ notices });
    const avpId = store.avpIdOf.get('customer.read-own') ?? '';
    localAvp.endpoint.setFault({ kind: 'latency', ms: 400, operations: ['ListPolicies'] });

    const hurried = await names.nameAll(store.policyStoreId, [avpId], 20);
    const patient = await names.nameAll(store.policyStoreId, [avpId], BUDGET_MS);

    expect(hurried).toEqual([`avp:${avpId}`]);
    expect(notices[0]?.reason).toBe('the policy names were still being read when the decision was due');
    expect(patient).toEqual(['customer.read-own']);
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(1);
  });
});

describe('names beyond the static policies of the deploy', () => {
  it('reads every page of a store of more than 50 policies', async () => {
    const store = await deployStore(localAvp.client, CUSTOMER, { tenantId: 'big' });
    const statement = (n: number) =>
      `@id("bulk.${n}")\npermit (principal == Billing::CustomerUser::"u${n}", action == Billing::Action::"ViewAccount", resource);`;
    for (let n = 0; n < 60; n++) {
      await localAvp.client.send(
        new CreatePolicyCommand({
          policyStoreId: store.policyStoreId,
          definition: { static: { statement: statement(n), description: `bulk.${n}` } },
        }),
      );
    }
    const { engine } = engineWithNames();
    localAvp.endpoint.resetRequestCounts();
    const u59: EntityJson = { ...VERA, uid: uid('CustomerUser', 'u59'), parents: [] };

    const decision = await engine.isAuthorized(
      { ...VIEW_OWN_ACCOUNT, principal: uid('CustomerUser', 'u59'), entities: [u59, ACCT_1] },
      {
        policyStoreId: store.policyStoreId,
      },
    );

    expect(decision.determiningPolicies).toEqual(['bulk.59']);
    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(2);
  });

  it('marks a static policy with no description, which no deploy of this repository made', async () => {
    const store = await deployStore(localAvp.client, CUSTOMER, { tenantId: 'console' });
    const created = await localAvp.client.send(
      new CreatePolicyCommand({
        policyStoreId: store.policyStoreId,
        definition: { static: { statement: 'permit (principal == Billing::CustomerUser::"vera", action, resource);' } },
      }),
    );
    const notices: NamingNotice[] = [];
    const { engine } = engineWithNames({ notices });

    const allowed = await engine.isAuthorized(
      { ...VIEW_OWN_ACCOUNT, resource: uid('Account', 'acct-1'), action: { type: 'Billing::Action', id: 'ListBilling' } },
      { policyStoreId: store.policyStoreId },
    );
    expect(allowed.determiningPolicies).toEqual(['customer.read-own', `avp:${created.policyId}`].sort());
    expect(notices.map((n) => n.reason)).toEqual([
      `policy ${created.policyId} has no description: it was not deployed from this repository, which writes the @id there`,
    ]);
  });

  it('names a template-linked policy by its link id when created with one, else by its AVP id, as its only id', async () => {
    const bob = {
      id: 'link-bob-archive',
      templateId: 'lab.delegate-read',
      principal: lab('User', 'bob'),
      resource: lab('Team', 'archive'),
    };
    const ops = { id: 'unnamed', templateId: 'lab.grant-write', principal: lab('Team', 'ops'), resource: lab('Dataset', 'd-archive') };
    const store = await deployStore(localAvp.client, LAB_BUNDLE, {
      tenantId: 'lab',
      links: [
        { link: bob, named: true },
        { link: ops, named: false },
      ],
    });
    const { engine } = engineWithNames();
    const archive = dataset('d-archive', { teams: ['archive'], owner: 'carol' });
    const teams = [team('ops'), team('archive'), user('carol')];
    const dArchive = lab('Dataset', 'd-archive');

    const viaName = await engine.isAuthorized(labRequest('bob', 'list', dArchive, [user('bob'), archive, ...teams]), {
      policyStoreId: store.policyStoreId,
    });
    const viaId = await engine.isAuthorized(
      labRequest('eve', 'write', dArchive, [user('eve', { teams: ['ops'] }), archive, ...teams], { mfa: true }),
      {
        policyStoreId: store.policyStoreId,
      },
    );

    expect(viaName.determiningPolicies).toEqual(['link-bob-archive']);
    expect(viaId).toEqual({ decision: 'allow', determiningPolicies: [store.avpIdOf.get('unnamed')], errors: [] });
  });
});
