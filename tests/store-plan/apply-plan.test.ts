// applyPlan against the local AVP endpoint: the order of the writes, every kind of change, idempotence, refusal of
// plans that would delete tenant data, rollback on a failed write, and convergence after a crash midway.
import { GetPolicyCommand, ListPolicyTemplatesCommand, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AvpOperation } from '../../local/avp/avp-endpoint.js';
import { PlanRefusedError, RollbackIncompleteError, StepFailedError } from '../../scripts/store-plan/apply-errors.js';
import { writesOf } from '../../scripts/store-plan/apply-order.js';
import { applyPlan } from '../../scripts/store-plan/apply-plan.js';
import { planStore } from '../../scripts/store-plan/plan-store.js';
import { readLiveStore } from '../../scripts/store-plan/read-store.js';
import type { TenantClients } from '../../scripts/tenant/clients.js';
import { createTenant } from '../../scripts/tenant/create-tenant.js';
import { failOperation, startLocalServices, type LocalServices } from '../tenant-onboarding/support/local-services.js';
import {
  EDITED_BUNDLE,
  EDITS,
  expectedSnapshot,
  linkTemplate,
  MODE_CONFIG,
  POLICY_BUNDLE,
  snapshotOf,
  syncClients,
} from '../tenant-onboarding/support/sync-fixtures.js';

const WRITE_OPERATIONS: readonly AvpOperation[] = [
  'PutSchema',
  'CreatePolicy',
  'UpdatePolicy',
  'DeletePolicy',
  'CreatePolicyTemplate',
  'UpdatePolicyTemplate',
  'DeletePolicyTemplate',
];

let services: LocalServices;
let clients: TenantClients;
let avp: VerifiedPermissionsClient;
let tenantCount = 0;

beforeAll(async () => {
  services = await startLocalServices();
  clients = syncClients(services);
  avp = clients.avp;
});

afterEach(() => services.avp.setFault(undefined));

afterAll(async () => {
  clients.destroy();
  await services.close();
});

/** A tenant onboarded from the fixture bundle, with one template-linked policy of its own. */
async function onboardTenant(): Promise<{ policyStoreId: string; linkedId: string }> {
  tenantCount += 1;
  const created = await createTenant({
    tenantId: `apply-${tenantCount}`,
    mode: MODE_CONFIG,
    bundle: POLICY_BUNDLE,
    avp: services.avpClient,
    table: services.table,
  });
  const templates = await avp.send(new ListPolicyTemplatesCommand({ policyStoreId: created.policyStoreId }));
  const templateId = templates.policyTemplates?.[0]?.policyTemplateId ?? '';
  return { policyStoreId: created.policyStoreId, linkedId: await linkTemplate(avp, created.policyStoreId, templateId, 'alice') };
}

async function planFor(policyStoreId: string, bundle = EDITED_BUNDLE) {
  return planStore(await readLiveStore(avp, policyStoreId), bundle);
}

function writeCalls(): number {
  return WRITE_OPERATIONS.reduce((sum, operation) => sum + services.avp.requestCount(operation), 0);
}

describe('the order of the writes', () => {
  it('puts the schema first, creates forbids before permits, updates, and deletes last', async () => {
    const { policyStoreId } = await onboardTenant();

    const writes = writesOf(await planFor(policyStoreId)).map((write) =>
      write.op === 'put-schema' ? 'put-schema' : `${write.op} ${write.kind} ${write.policyId}`,
    );

    expect(writes).toEqual([
      'put-schema',
      `create policy ${EDITS.replaced}`,
      `create policy ${EDITS.created}`,
      `update template ${EDITS.updatedTemplate}`,
      `update policy ${EDITS.updated}`,
      // The replaced permit goes before the deleted forbid: a forbid is the last thing to leave the store.
      `delete policy ${EDITS.replaced}`,
      `delete policy ${EDITS.deleted}`,
    ]);
  });
});

describe('applyPlan on a tenant store', () => {
  it('brings schema, policies and templates to the bundle: update, replace, create, delete and schema change', async () => {
    const { policyStoreId } = await onboardTenant();

    const result = await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });

    expect(result.writes).toHaveLength(7);
    expect(snapshotOf(await readLiveStore(avp, policyStoreId))).toEqual(expectedSnapshot(EDITED_BUNDLE, { [EDITS.updatedTemplate]: 1 }));
  });

  it('leaves the tenant’s template-linked policy in place, under its own id', async () => {
    const { policyStoreId, linkedId } = await onboardTenant();

    await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });

    const linked = await avp.send(new GetPolicyCommand({ policyStoreId, policyId: linkedId }));
    expect(linked.policyType).toBe('TEMPLATE_LINKED');
    expect(linked.principal).toEqual({ entityType: 'Billing::TenantUser', entityId: 'alice' });
  });

  it('makes no write call when the store is already in sync', async () => {
    const { policyStoreId } = await onboardTenant();
    await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });
    services.avp.resetRequestCounts();

    const second = await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });

    expect(second.writes).toEqual([]);
    expect(writeCalls()).toBe(0);
  });

  it('refuses, before any write, a plan that would replace a template that has linked policies', async () => {
    const { policyStoreId } = await onboardTenant();
    const template = POLICY_BUNDLE.templates[EDITS.updatedTemplate] ?? '';
    const rescoped = {
      ...POLICY_BUNDLE,
      templates: { [EDITS.updatedTemplate]: template.replace('resource in ?resource', 'resource == ?resource') },
    };
    services.avp.resetRequestCounts();

    const applying = applyPlan({ client: avp, plan: await planFor(policyStoreId, rescoped), desired: rescoped });

    await expect(applying).rejects.toThrow(PlanRefusedError);
    await expect(applying).rejects.toThrow(/template tenant\.delegated-account-read changes its resource.*1 template-linked policy/);
    expect(writeCalls()).toBe(0);
  });

  it('refuses a plan that would delete a template that has linked policies', async () => {
    const { policyStoreId } = await onboardTenant();
    const withoutTemplate = { ...POLICY_BUNDLE, templates: {} };

    const applying = applyPlan({ client: avp, plan: await planFor(policyStoreId, withoutTemplate), desired: withoutTemplate });

    await expect(applying).rejects.toThrow(/deleting it would delete its 1 template-linked policy \(tenant data\)/);
  });
});

describe('rollback when a write fails midway', () => {
  it.each([
    ['the first create', 'CreatePolicyCommand', 1, 1],
    ['the template update', 'UpdatePolicyTemplateCommand', 1, 3],
    ['the last delete', 'DeletePolicyCommand', 2, 6],
  ] as const)('undoes every earlier write when %s fails, leaving the store exactly as before', async (_name, command, call, undone) => {
    const { policyStoreId } = await onboardTenant();
    const before = snapshotOf(await readLiveStore(avp, policyStoreId));
    const plan = await planFor(policyStoreId);
    const remove = failOperation(avp, services.avp, { command, call, fault: { kind: 'access-denied' } });

    const applying = applyPlan({ client: avp, plan, desired: EDITED_BUNDLE });

    await expect(applying).rejects.toThrow(StepFailedError);
    await expect(applying).rejects.toMatchObject({ code: 'STEP_FAILED_ROLLED_BACK', undone });
    remove();
    expect(snapshotOf(await readLiveStore(avp, policyStoreId))).toEqual(before);
  });

  it('reports what is left when undoing fails too, and a later sync converges', async () => {
    const { policyStoreId } = await onboardTenant();
    const plan = await planFor(policyStoreId);
    // Every DeletePolicy is denied: the first delete step fails, and so does deleting what the sync created.
    services.avp.setFault({ kind: 'access-denied', operations: ['DeletePolicy'] });

    const failure = await applyPlan({ client: avp, plan, desired: EDITED_BUNDLE }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RollbackIncompleteError);
    expect(failure).toMatchObject({
      code: 'ROLLBACK_INCOMPLETE',
      left: [
        expect.stringMatching(new RegExp(`^create policy ${EDITS.created} is still in effect`)),
        expect.stringMatching(new RegExp(`^create policy ${EDITS.replaced} is still in effect`)),
      ],
    });
    services.avp.setFault(undefined);
    await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });
    expect(snapshotOf(await readLiveStore(avp, policyStoreId))).toEqual(expectedSnapshot(EDITED_BUNDLE, { [EDITS.updatedTemplate]: 1 }));
  });
});

describe('resuming after a crash midway', () => {
  it('converges on the next run, removing the duplicate a create-before-delete left', async () => {
    const { policyStoreId } = await onboardTenant();
    // The process dies after the creates and updates, before any delete: nothing is rolled back.
    const crash = new Error('process killed');
    const applying = applyPlan({
      client: avp,
      plan: await planFor(policyStoreId),
      desired: EDITED_BUNDLE,
      onStep: (write) => {
        if (write.op === 'delete') throw crash;
      },
    });
    await expect(applying).rejects.toBe(crash);
    const halfway = await readLiveStore(avp, policyStoreId);
    expect(halfway.items.filter((item) => item.policyId === EDITS.replaced)).toHaveLength(2);

    const resumed = await applyPlan({ client: avp, plan: await planFor(policyStoreId), desired: EDITED_BUNDLE });

    expect(resumed.writes.map((write) => `${write.op} ${write.op === 'put-schema' ? '' : write.policyId}`)).toEqual([
      `delete ${EDITS.replaced}`,
      `delete ${EDITS.deleted}`,
    ]);
    expect(snapshotOf(await readLiveStore(avp, policyStoreId))).toEqual(expectedSnapshot(EDITED_BUNDLE, { [EDITS.updatedTemplate]: 1 }));
  });
});
