// Errors of applyPlan: one base class with a code, one subclass per outcome a caller must tell apart.
import type { PlannedWrite } from './apply-order.js';

export type ApplyPlanErrorCode = 'PLAN_REFUSED' | 'PLAN_MISMATCH' | 'STEP_FAILED_ROLLED_BACK' | 'ROLLBACK_INCOMPLETE';

export abstract class ApplyPlanError extends Error {
  abstract readonly code: ApplyPlanErrorCode;
  constructor(
    readonly policyStoreId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The plan would destroy tenant data (template-linked policies): nothing was written. */
export class PlanRefusedError extends ApplyPlanError {
  override readonly name = 'PlanRefusedError';
  readonly code = 'PLAN_REFUSED';
  constructor(
    policyStoreId: string,
    readonly reasons: readonly string[],
  ) {
    super(policyStoreId, `refused, nothing was written: ${reasons.join('; ')}`);
  }
}

/** The plan's statements are not the desired store's: it was computed for another bundle. Nothing was written. */
export class PlanMismatchError extends ApplyPlanError {
  override readonly name = 'PlanMismatchError';
  readonly code = 'PLAN_MISMATCH';
  constructor(
    policyStoreId: string,
    readonly policyIds: readonly string[],
  ) {
    super(
      policyStoreId,
      `the plan does not match the desired bundle for ${policyIds.join(', ')}; nothing was written: plan again from the same bundle`,
    );
  }
}

/** A write failed; every write made before it was undone, so the store is as it was before the sync. */
export class StepFailedError extends ApplyPlanError {
  override readonly name = 'StepFailedError';
  readonly code = 'STEP_FAILED_ROLLED_BACK';
  constructor(
    policyStoreId: string,
    readonly step: PlannedWrite,
    readonly undone: number,
    options: { readonly cause: unknown },
  ) {
    super(
      policyStoreId,
      `${describeWrite(step)} failed: ${describeCause(options.cause)}; rolled back (${undone} earlier ` +
        `${undone === 1 ? 'write' : 'writes'} undone), the store is as before`,
      options,
    );
  }
}

/** A write failed and so did part of undoing the earlier ones: the store is half-synced and `left` says how. */
export class RollbackIncompleteError extends ApplyPlanError {
  override readonly name = 'RollbackIncompleteError';
  readonly code = 'ROLLBACK_INCOMPLETE';
  constructor(
    policyStoreId: string,
    readonly step: PlannedWrite,
    /** What is still changed, one line per write that could not be undone. */
    readonly left: readonly string[],
    options: { readonly cause: unknown },
  ) {
    super(
      policyStoreId,
      `${describeWrite(step)} failed: ${describeCause(options.cause)}; the rollback failed too, NEEDS ATTENTION: ` +
        `${left.join('; ')}. Running the sync again converges the store to the bundle`,
      options,
    );
  }
}

/** `create policy tenant.read-own`, `put schema`, … */
export function describeWrite(write: PlannedWrite): string {
  switch (write.op) {
    case 'put-schema':
      return 'put schema';
    case 'create':
      return `create ${write.kind} ${write.policyId}`;
    case 'update':
      return `update ${write.kind} ${write.policyId} (${write.avpId})`;
    case 'delete':
      return `delete ${write.kind} ${write.policyId ?? '(no @id)'} (${write.avpId})`;
  }
}

/** `ThrottlingException: Rate exceeded`, on one line. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const message = cause.message.replace(/\s*\n\s*/g, ' ').trim();
  return message === '' ? cause.name : `${cause.name}: ${message}`;
}
