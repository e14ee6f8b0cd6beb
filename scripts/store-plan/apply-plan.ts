// Applies a StorePlan to one policy store through the SDK, in the order of apply-order.ts, undoing its own writes when one fails.
import { randomUUID } from 'node:crypto';
import {
  CreatePolicyCommand,
  CreatePolicyTemplateCommand,
  DeletePolicyCommand,
  DeletePolicyTemplateCommand,
  PutSchemaCommand,
  ResourceNotFoundException,
  UpdatePolicyCommand,
  UpdatePolicyTemplateCommand,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import type { DeployedKind } from '../../common/deploy-identity.js';
import {
  describeCause,
  describeWrite,
  PlanMismatchError,
  PlanRefusedError,
  RollbackIncompleteError,
  StepFailedError,
} from './apply-errors.js';
import { refusalsOf, writesOf, type PlannedWrite } from './apply-order.js';
import type { DesiredStore, StorePlan } from './plan-types.js';

export interface ApplyPlanOptions {
  readonly client: VerifiedPermissionsClient;
  readonly plan: StorePlan;
  /** The bundle the plan was made from: a plan whose statements differ from it is refused (PlanMismatchError). */
  readonly desired: DesiredStore;
  /** Called before each write. @default nothing is reported */
  readonly onStep?: (write: PlannedWrite) => void;
  /** Attempts of each undo, on top of the client's own retries: undoing matters more than failing fast. @default 3 */
  readonly undoAttempts?: number;
}

export interface ApplyResult {
  readonly policyStoreId: string;
  /** The writes made, in order; empty when the store was already in sync. */
  readonly writes: readonly PlannedWrite[];
}

type CreateWrite = Extract<PlannedWrite, { op: 'create' }>;

/** A write that landed, with what undoing it takes: a create is undone by deleting the id AVP gave it. */
type Done =
  | { readonly kind: 'created'; readonly write: CreateWrite; readonly avpId: string }
  | { readonly kind: 'changed'; readonly write: Exclude<PlannedWrite, CreateWrite> };

/**
 * Throws PlanRefusedError or PlanMismatchError before any write; StepFailedError when a write failed and the ones
 * before it were undone (the store is as before); RollbackIncompleteError when undoing failed too.
 * Template-linked policies are never created, updated or deleted here: they are not in any plan.
 */
export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyResult> {
  const { client, plan } = options;
  const policyStoreId = plan.policyStoreId;
  const reasons = refusalsOf(plan);
  if (reasons.length > 0) throw new PlanRefusedError(policyStoreId, reasons);
  const mismatched = mismatchesOf(plan, options.desired);
  if (mismatched.length > 0) throw new PlanMismatchError(policyStoreId, mismatched);

  const writes = writesOf(plan);
  const done: Done[] = [];
  for (const write of writes) {
    options.onStep?.(write);
    try {
      done.push(await perform(client, policyStoreId, write));
    } catch (cause) {
      const left = await rollBack(client, policyStoreId, done, options.undoAttempts ?? 3);
      if (left.length > 0) throw new RollbackIncompleteError(policyStoreId, write, left, { cause });
      throw new StepFailedError(policyStoreId, write, done.length, { cause });
    }
  }
  return { policyStoreId, writes };
}

/** The @ids whose statement in the plan is not the bundle's. */
function mismatchesOf(plan: StorePlan, desired: DesiredStore): string[] {
  const mismatched: string[] = [];
  for (const step of plan.steps) {
    if (step.action !== 'create' && step.action !== 'update' && step.action !== 'replace') continue;
    const wanted = step.kind === 'policy' ? desired.policies[step.policyId] : desired.templates[step.policyId];
    if (wanted !== step.after) mismatched.push(step.policyId);
  }
  return mismatched;
}

async function perform(client: VerifiedPermissionsClient, policyStoreId: string, write: PlannedWrite): Promise<Done> {
  switch (write.op) {
    case 'put-schema':
      await putSchema(client, policyStoreId, write.after);
      return { kind: 'changed', write };
    case 'create':
      return { kind: 'created', write, avpId: await create(client, policyStoreId, write.kind, write.policyId, write.statement) };
    case 'update':
      await update(client, policyStoreId, write.kind, write.avpId, write.policyId, write.after);
      return { kind: 'changed', write };
    case 'delete':
      await remove(client, policyStoreId, write.kind, write.avpId);
      return { kind: 'changed', write };
  }
}

/** Undoes `done` newest first; returns what could not be undone, one line each. */
async function rollBack(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  done: readonly Done[],
  attempts: number,
): Promise<string[]> {
  const left: string[] = [];
  for (const entry of [...done].reverse()) {
    try {
      await retrying(attempts, () => undo(client, policyStoreId, entry));
    } catch (error) {
      left.push(`${describeWrite(entry.write)} is still in effect (undoing it failed: ${describeCause(error)})`);
    }
  }
  return left;
}

async function undo(client: VerifiedPermissionsClient, policyStoreId: string, entry: Done): Promise<void> {
  if (entry.kind === 'created') return remove(client, policyStoreId, entry.write.kind, entry.avpId);
  const { write } = entry;
  switch (write.op) {
    case 'put-schema':
      // AVP has no call that removes a schema; a store without one before the sync keeps the new one.
      if (write.before === undefined) throw new Error('the store had no schema before, and AVP cannot remove one');
      return putSchema(client, policyStoreId, write.before);
    case 'update':
      return update(client, policyStoreId, write.kind, write.avpId, write.policyId, write.before);
    case 'delete':
      // Re-created under a new AVP id, with the same statement and @id description.
      await create(client, policyStoreId, write.kind, write.policyId, write.before);
      return;
  }
}

async function retrying(attempts: number, run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

async function putSchema(client: VerifiedPermissionsClient, policyStoreId: string, cedarJson: string): Promise<void> {
  await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson } }));
}

/** The description carries the @id, as the stack's and onboarding's items do: it is how the next plan finds the item. */
async function create(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  kind: DeployedKind,
  policyId: string | undefined,
  statement: string,
): Promise<string> {
  // One token per create, kept across the SDK's retries: a retry after a lost reply does not make a second item.
  const clientToken = randomUUID();
  const description = policyId !== undefined ? { description: policyId } : {};
  if (kind === 'policy') {
    const out = await client.send(
      new CreatePolicyCommand({ clientToken, policyStoreId, definition: { static: { statement, ...description } } }),
    );
    return requireId(out.policyId, 'CreatePolicy');
  }
  const out = await client.send(new CreatePolicyTemplateCommand({ clientToken, policyStoreId, statement, ...description }));
  return requireId(out.policyTemplateId, 'CreatePolicyTemplate');
}

async function update(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  kind: DeployedKind,
  avpId: string,
  policyId: string,
  statement: string,
): Promise<void> {
  if (kind === 'policy') {
    await client.send(
      new UpdatePolicyCommand({ policyStoreId, policyId: avpId, definition: { static: { statement, description: policyId } } }),
    );
  } else {
    await client.send(new UpdatePolicyTemplateCommand({ policyStoreId, policyTemplateId: avpId, statement, description: policyId }));
  }
}

/** An item already gone counts as deleted: a retry after a lost reply, or a concurrent sync, got there first. */
async function remove(client: VerifiedPermissionsClient, policyStoreId: string, kind: DeployedKind, avpId: string): Promise<void> {
  try {
    if (kind === 'policy') await client.send(new DeletePolicyCommand({ policyStoreId, policyId: avpId }));
    else await client.send(new DeletePolicyTemplateCommand({ policyStoreId, policyTemplateId: avpId }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}

function requireId(id: string | undefined, operation: string): string {
  if (id === undefined || id === '') throw new Error(`${operation} returned no id`);
  return id;
}
