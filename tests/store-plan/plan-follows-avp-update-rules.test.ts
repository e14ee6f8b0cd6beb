// A plan's `update` is exactly what AVP accepts as an update and its `replace` exactly what AVP refuses: each planned
// step is tried as UpdatePolicy / UpdatePolicyTemplate on the local AVP endpoint, which enforces AVP's update rules.
// AVP user guide, "Editing static policies" (https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policies-edit.html):
// the effect, the principal and the resource of a static policy cannot be changed; the action and the conditions can.
// "Editing policy templates" (https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policy-templates-edit.html)
// states the same of templates.
import {
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  UpdatePolicyCommand,
  UpdatePolicyTemplateCommand,
  ValidationException,
} from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { planStore } from '../../scripts/store-plan/plan-store.js';
import type { ItemStep, StorePlan } from '../../scripts/store-plan/plan-types.js';
import { readLiveStore } from '../../scripts/store-plan/read-store.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { seedStore } from './support/seed-store.js';

const CUSTOMER = fixtureMode('billing', 'customer').POLICY_BUNDLE;
const TENANTS = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;
const TEMPLATE = 'tenant.delegated-account-read';

/** Replaces `from` by `to` in the bundle statement of `policyId`, failing when the fixture no longer contains `from`. */
function edited(statements: Readonly<Record<string, string>>, policyId: string, from: string | RegExp, to: string): string {
  const statement = statements[policyId] ?? '';
  const result = statement.replace(from, to);
  if (result === statement) throw new Error(`the fixture's ${policyId} no longer contains ${String(from)}`);
  return result;
}

/** The store before the repository's edits: each policy differs from the bundle in one part. */
const STORE_POLICIES: Record<string, string> = {
  ...CUSTOMER.policies,
  'customer.admin-add-beneficiary': edited(CUSTOMER.policies, 'customer.admin-add-beneficiary', ' in Billing::Role::"admin"', ''),
  'customer.pay-from-own-account': edited(CUSTOMER.policies, 'customer.pay-from-own-account', 'resource is Billing::Account', 'resource'),
  'shared.forbid-self-approval': edited(CUSTOMER.policies, 'shared.forbid-self-approval', /^forbid/m, 'permit'),
  'customer.read-own': edited(CUSTOMER.policies, 'customer.read-own', /\s*Billing::Action::"ListBilling",/, ''),
  'shared.forbid-non-positive-amount': edited(CUSTOMER.policies, 'shared.forbid-non-positive-amount', /;\s*$/, '\nunless { false };'),
};

let endpoint: LocalAvpEndpoint;
let client: ReturnType<typeof createLocalAvpClient>;
let policyPlan: StorePlan;
let policyStore: string;
let templatePlans: { readonly store: string; readonly plan: StorePlan }[];

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  policyStore = (await seedStore(client, { bundle: { ...CUSTOMER, policies: STORE_POLICIES } })).policyStoreId;
  policyPlan = planStore(await readLiveStore(client, policyStore), CUSTOMER);
  const templateEdits = [
    edited(TENANTS.templates, TEMPLATE, 'resource in ?resource', 'resource == ?resource'),
    edited(TENANTS.templates, TEMPLATE, /\s*Billing::Action::"ViewPayment"/, '').replace(',]', ']'),
  ];
  templatePlans = await Promise.all(
    templateEdits.map(async (statement) => {
      const store = (await seedStore(client, { bundle: { ...TENANTS, templates: { [TEMPLATE]: statement } } })).policyStoreId;
      return { store, plan: planStore(await readLiveStore(client, store), TENANTS) };
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

function actionsOf(plan: StorePlan): Record<string, string> {
  return Object.fromEntries(plan.steps.filter((step) => step.action !== 'unchanged').map((step) => [step.policyId, step.action]));
}

async function tryUpdate(store: string, step: Extract<ItemStep, { action: 'update' | 'replace' }>): Promise<void> {
  if (step.kind === 'policy') {
    await client.send(
      new UpdatePolicyCommand({ policyStoreId: store, policyId: step.avpId, definition: { static: { statement: step.after } } }),
    );
  } else {
    await client.send(new UpdatePolicyTemplateCommand({ policyStoreId: store, policyTemplateId: step.avpId, statement: step.after }));
  }
}

async function storedStatement(store: string, step: ItemStep & { avpId: string }): Promise<string | undefined> {
  if (step.kind === 'policy') {
    return (await client.send(new GetPolicyCommand({ policyStoreId: store, policyId: step.avpId }))).definition?.static?.statement;
  }
  return (await client.send(new GetPolicyTemplateCommand({ policyStoreId: store, policyTemplateId: step.avpId }))).statement;
}

describe('a plan against AVP update rules', () => {
  it('plans an update for action and condition edits and a replace for effect, principal and resource edits', () => {
    expect(actionsOf(policyPlan)).toEqual({
      'customer.admin-add-beneficiary': 'replace',
      'customer.pay-from-own-account': 'replace',
      'shared.forbid-self-approval': 'replace',
      'customer.read-own': 'update',
      'shared.forbid-non-positive-amount': 'update',
    });
    expect(templatePlans.map(({ plan }) => actionsOf(plan))).toEqual([{ [TEMPLATE]: 'replace' }, { [TEMPLATE]: 'update' }]);
  });

  it('every planned update is accepted by UpdatePolicy / UpdatePolicyTemplate and leaves the repository statement', async () => {
    const updates = [
      ...policyPlan.steps.map((step) => ({ store: policyStore, step })),
      ...templatePlans.flatMap(({ store, plan }) => plan.steps.map((step) => ({ store, step }))),
    ].flatMap(({ store, step }) => (step.action === 'update' ? [{ store, step }] : []));

    for (const { store, step } of updates) await tryUpdate(store, step);

    expect(updates).toHaveLength(3);
    const stored = await Promise.all(updates.map(({ store, step }) => storedStatement(store, step)));
    expect(stored).toEqual(updates.map(({ step }) => step.after));
  });

  it('every planned replace is refused by UpdatePolicy / UpdatePolicyTemplate with a ValidationException', async () => {
    const replaces = [
      ...policyPlan.steps.map((step) => ({ store: policyStore, step })),
      ...templatePlans.flatMap(({ store, plan }) => plan.steps.map((step) => ({ store, step }))),
    ].flatMap(({ store, step }) => (step.action === 'replace' ? [{ store, step }] : []));

    const outcomes = await Promise.all(
      replaces.map(({ store, step }) =>
        tryUpdate(store, step).then(
          () => 'accepted',
          (error: unknown) => error,
        ),
      ),
    );

    expect(replaces).toHaveLength(4);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(ValidationException);
  });
});
