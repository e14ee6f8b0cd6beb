// Errors of `npm run plan`: one base class with a code, one subclass per kind. Usage mistakes are UsageErrors (exit 2).
import { UsageError } from '../../common/cli/command-line.js';

export type PlanErrorCode = 'PLAN_NO_STORE' | 'PLAN_UNKNOWN_TENANT';

export abstract class PlanError extends Error {
  abstract readonly code: PlanErrorCode;
}

/** The mode has no policy store to compare: a local-engine stack without one, or a stack not deployed yet. */
export class NoStoreToPlanError extends PlanError {
  override readonly name = 'NoStoreToPlanError';
  readonly code = 'PLAN_NO_STORE';
}

/** --tenant names a tenant the tenant table has no policy store for. */
export class UnknownTenantError extends PlanError {
  override readonly name = 'UnknownTenantError';
  readonly code = 'PLAN_UNKNOWN_TENANT';
}

/** A command-line mistake: printed with the usage, exit code 2. */
export class PlanUsageError extends UsageError {
  override readonly name = 'PlanUsageError';
}
