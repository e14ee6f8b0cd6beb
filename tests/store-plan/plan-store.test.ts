// planStore: what a deploy does to each policy, template and the schema of one store, from the store and the bundle.
import { describe, expect, it } from 'vitest';
import { planStore } from '../../scripts/store-plan/plan-store.js';
import type { DesiredStore, LiveItem, LiveStore } from '../../scripts/store-plan/plan-types.js';
import { fixtureMode } from '../support/fixture-domain.js';

const BUNDLE = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;
const DESIRED: DesiredStore = { schema: BUNDLE.schema, policies: BUNDLE.policies, templates: BUNDLE.templates };
const READ_OWN = 'tenant.read-own';
const TEMPLATE = 'tenant.delegated-account-read';

function statementOf(policyId: string): string {
  const statement = BUNDLE.policies[policyId] ?? BUNDLE.templates[policyId];
  if (statement === undefined) throw new Error(`the billing fixture has no ${policyId}`);
  return statement;
}

/** A store exactly as a deploy of DESIRED leaves it, AVP ids `p-<n>` and `t-<n>` in @id order. */
function deployedStore(overrides: { items?: LiveItem[]; schema?: string | undefined; linked?: [string, number][] } = {}): LiveStore {
  const items: LiveItem[] = overrides.items ?? [
    ...Object.entries(DESIRED.templates).map(([policyId, statement], n) => ({
      kind: 'template' as const,
      avpId: `t-${n}`,
      policyId,
      statement,
    })),
    ...Object.entries(DESIRED.policies).map(([policyId, statement], n) => ({
      kind: 'policy' as const,
      avpId: `p-${n}`,
      policyId,
      statement,
    })),
  ];
  return {
    policyStoreId: 'store-1',
    schema: 'schema' in overrides ? overrides.schema : JSON.stringify(DESIRED.schema),
    items,
    linkedPolicies: new Map(overrides.linked ?? []),
  };
}

function withStatement(store: LiveStore, policyId: string, statement: string): LiveStore {
  return { ...store, items: store.items.map((item) => (item.policyId === policyId ? { ...item, statement } : item)) };
}

function stepOf(plan: ReturnType<typeof planStore>, policyId: string | undefined) {
  return plan.steps.filter((step) => step.policyId === policyId);
}

describe('planStore', () => {
  it('plans nothing but unchanged steps for a store a deploy of the same bundle made', () => {
    const plan = planStore(deployedStore(), DESIRED);

    expect(new Set(plan.steps.map((step) => step.action))).toEqual(new Set(['unchanged']));
    expect(plan.steps).toHaveLength(Object.keys(DESIRED.policies).length + Object.keys(DESIRED.templates).length);
    expect(plan.schema).toEqual({ action: 'unchanged' });
  });

  it('creates what the repository has and the store lacks', () => {
    const store = deployedStore();
    const plan = planStore({ ...store, items: store.items.filter((item) => item.policyId !== READ_OWN) }, DESIRED);

    expect(stepOf(plan, READ_OWN)).toEqual([{ action: 'create', kind: 'policy', policyId: READ_OWN, after: statementOf(READ_OWN) }]);
  });

  it('updates in place a policy whose condition changed, as AVP allows', () => {
    const before = `${statementOf(READ_OWN).replace(/;\s*$/, '')}\nunless { context has "blocked" };`;
    const plan = planStore(withStatement(deployedStore(), READ_OWN, before), DESIRED);

    expect(stepOf(plan, READ_OWN)).toEqual([
      { action: 'update', kind: 'policy', policyId: READ_OWN, avpId: expect.stringMatching(/^p-/), before, after: statementOf(READ_OWN) },
    ]);
  });

  it('updates in place a template whose action list changed', () => {
    const before = statementOf(TEMPLATE).replace(/,\s*Billing::Action::"ViewPayment"/, '');
    const plan = planStore(withStatement(deployedStore(), TEMPLATE, before), DESIRED);

    expect(stepOf(plan, TEMPLATE).map((step) => step.action)).toEqual(['update']);
  });

  it('replaces a policy whose effect changed, naming the effect', () => {
    const before = statementOf(READ_OWN).replace(/\bpermit\b/, 'forbid');
    const plan = planStore(withStatement(deployedStore(), READ_OWN, before), DESIRED);

    expect(stepOf(plan, READ_OWN)).toEqual([
      expect.objectContaining({ action: 'replace', kind: 'policy', changed: ['effect'], linkedPolicies: 0, before }),
    ]);
  });

  it('replaces a template whose resource scope changed and counts the linked policies AVP deletes with it', () => {
    const before = statementOf(TEMPLATE).replace('resource in ?resource', 'resource == ?resource');
    const store = withStatement(deployedStore({ linked: [['t-0', 7]] }), TEMPLATE, before);
    const plan = planStore(store, DESIRED);

    expect(stepOf(plan, TEMPLATE)).toEqual([
      expect.objectContaining({ action: 'replace', kind: 'template', avpId: 't-0', changed: ['resource'], linkedPolicies: 7 }),
    ]);
  });

  it('deletes what the store has and the repository does not, with the linked policies of a deleted template', () => {
    const plan = planStore(deployedStore({ linked: [['t-0', 3]] }), { ...DESIRED, templates: {} });

    expect(stepOf(plan, TEMPLATE)).toEqual([
      { action: 'delete', kind: 'template', policyId: TEMPLATE, avpId: 't-0', before: statementOf(TEMPLATE), linkedPolicies: 3 },
    ]);
  });

  it('deletes an item no deploy made (its description is not an @id), keyed by its AVP id', () => {
    const store = deployedStore();
    const handMade: LiveItem = { kind: 'policy', avpId: 'p-hand', policyId: undefined, statement: 'permit (principal, action, resource);' };
    const plan = planStore({ ...store, items: [...store.items, handMade] }, DESIRED);

    expect(stepOf(plan, undefined)).toEqual([
      { action: 'delete', kind: 'policy', policyId: undefined, avpId: 'p-hand', before: handMade.statement, linkedPolicies: 0 },
    ]);
    expect(plan.steps.at(-1)).toEqual(stepOf(plan, undefined)[0]);
  });

  it('keeps the duplicate holding the wanted statement and deletes the others (a crash between create and delete)', () => {
    const store = deployedStore();
    const stale: LiveItem = {
      kind: 'policy',
      avpId: 'a-old',
      policyId: READ_OWN,
      statement: statementOf(READ_OWN).replace(/\bpermit\b/, 'forbid'),
    };
    const plan = planStore({ ...store, items: [stale, ...store.items] }, DESIRED);

    expect(stepOf(plan, READ_OWN).map((step) => [step.action, 'avpId' in step ? step.avpId : undefined])).toEqual([
      ['delete', 'a-old'],
      ['unchanged', expect.stringMatching(/^p-/)],
    ]);
  });

  it('keeps the first duplicate by AVP id when none holds the wanted statement', () => {
    const store = deployedStore();
    const edited = `${statementOf(READ_OWN).replace(/;\s*$/, '')}\nunless { context has "x" };`;
    const copies: LiveItem[] = ['z-2', 'z-1'].map((avpId) => ({ kind: 'policy', avpId, policyId: READ_OWN, statement: edited }));
    const others = store.items.filter((item) => item.policyId !== READ_OWN);
    const plan = planStore({ ...store, items: [...others, ...copies] }, DESIRED);

    expect(stepOf(plan, READ_OWN).map((step) => [step.action, 'avpId' in step ? step.avpId : undefined])).toEqual([
      ['update', 'z-1'],
      ['delete', 'z-2'],
    ]);
  });

  it('matches by kind as well as @id: a policy with a template @id is not the template', () => {
    const store = deployedStore();
    const impostor: LiveItem = { kind: 'policy', avpId: 'p-x', policyId: TEMPLATE, statement: 'permit (principal, action, resource);' };
    const plan = planStore({ ...store, items: [...store.items, impostor] }, DESIRED);

    expect(stepOf(plan, TEMPLATE).map((step) => `${step.action} ${step.kind}`)).toEqual(['unchanged template', 'delete policy']);
  });

  it('sees no change when the repository lists its policies in another order', () => {
    const reversed: DesiredStore = { ...DESIRED, policies: Object.fromEntries(Object.entries(DESIRED.policies).reverse()) };

    expect(planStore(deployedStore(), reversed)).toEqual(planStore(deployedStore(), DESIRED));
    expect(planStore(deployedStore(), reversed).steps.every((step) => step.action === 'unchanged')).toBe(true);
  });

  it('sorts templates first, then by @id', () => {
    const store = deployedStore();
    const plan = planStore({ ...store, items: [...store.items].reverse() }, DESIRED);
    const order = plan.steps.map((step) => `${step.kind} ${step.policyId}`);
    const policyIds = Object.keys(DESIRED.policies).sort();

    expect(order).toEqual([`template ${TEMPLATE}`, ...policyIds.map((policyId) => `policy ${policyId}`)]);
  });

  it('sees no schema change when only the key order and whitespace of the schema JSON differ', () => {
    const reordered = JSON.stringify(
      JSON.parse(JSON.stringify(DESIRED.schema), (_key, value: unknown) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
      ),
      null,
      4,
    );

    expect(reordered).not.toBe(JSON.stringify(DESIRED.schema));
    expect(planStore(deployedStore({ schema: reordered }), DESIRED).schema).toEqual({ action: 'unchanged' });
  });

  it('puts the schema when the store has none or a different one', () => {
    const after = JSON.stringify(DESIRED.schema);

    expect(planStore(deployedStore({ schema: undefined }), DESIRED).schema).toEqual({ action: 'put', before: undefined, after });
    expect(planStore(deployedStore({ schema: '{"Other":{"entityTypes":{},"actions":{}}}' }), DESIRED).schema).toEqual({
      action: 'put',
      before: '{"Other":{"entityTypes":{},"actions":{}}}',
      after,
    });
  });

  it('never plans a step for a template-linked policy: they are not items of the live store', () => {
    const plan = planStore(deployedStore({ linked: [['t-0', 5]] }), DESIRED);

    expect(plan.steps.filter((step) => step.kind === 'template')).toEqual([
      { action: 'unchanged', kind: 'template', policyId: TEMPLATE, avpId: 't-0' },
    ]);
  });
});
