// Errors of `npm run tenant`: one base class, one subclass per kind; the CLI maps usage errors to exit code 2, the rest to 1.

export class TenantCliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TenantCliError';
  }
}

/** The command line is malformed: a missing or unknown command, an unknown option, a stray argument. Exit code 2. */
export class TenantUsageError extends TenantCliError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TenantUsageError';
  }
}

/** The tenant id does not match TENANT_ID_PATTERN. Exit code 2: nothing was read or written. */
export class InvalidTenantIdError extends TenantUsageError {
  constructor(
    readonly tenantId: string,
    readonly rule: string,
  ) {
    super(`invalid tenant id ${JSON.stringify(tenantId)}: ${rule}`);
    this.name = 'InvalidTenantIdError';
  }
}

/** `delete` of a tenant the tenant table does not hold. Exit code 1. */
export class UnknownTenantError extends TenantCliError {
  constructor(
    readonly tenantId: string,
    readonly table: string,
  ) {
    super(`tenant "${tenantId}" is unknown: table ${table} has no mapping for it (npm run tenant -- list shows the tenants)`);
    this.name = 'UnknownTenantError';
  }
}

/**
 * `create` found a mapping whose policy store no longer exists. Nothing is changed: a store deleted behind the
 * tool's back is an incident to look at, not something to paper over. Exit code 1.
 */
export class StaleTenantMappingError extends TenantCliError {
  constructor(
    readonly tenantId: string,
    readonly policyStoreId: string,
    readonly table: string,
  ) {
    super(
      `tenant "${tenantId}" is mapped in table ${table} to policy store ${policyStoreId}, which does not exist; ` +
        `nothing was changed. Run \`npm run tenant -- delete ${tenantId}\` to remove the mapping, then create the tenant again`,
    );
    this.name = 'StaleTenantMappingError';
  }
}

/**
 * A step of `create` failed and everything it had made was removed again: no store and no mapping is left.
 * Exit code 1; running `create` again is safe.
 */
export class OnboardingError extends TenantCliError {
  constructor(
    readonly tenantId: string,
    readonly step: string,
    /** The store created then deleted again; undefined when the failure came before any store existed. */
    readonly rolledBackPolicyStoreId: string | undefined,
    options: { readonly cause: unknown },
  ) {
    const outcome =
      rolledBackPolicyStoreId === undefined
        ? 'nothing was created'
        : `rolled back: policy store ${rolledBackPolicyStoreId} was deleted and no mapping was left`;
    super(`create "${tenantId}": ${step} failed: ${describeCause(options.cause)}; ${outcome}`, options);
    this.name = 'OnboardingError';
  }
}

/** What a failed rollback may have left behind. */
export interface RollbackLeftovers {
  /** The store could not be deleted. */
  readonly policyStoreLeft: boolean;
  /** The table write failed in a way that may still have written the mapping, and removing it failed too. */
  readonly mappingMayBeLeft: boolean;
  /** What failed while cleaning up, in order. */
  readonly failures: readonly string[];
}

/**
 * A step of `create` failed, and so did part of the clean-up. The message names what may be left and how to
 * remove it. Exit code 1.
 */
export class RollbackError extends TenantCliError {
  constructor(
    readonly tenantId: string,
    readonly step: string,
    readonly policyStoreId: string,
    readonly leftovers: RollbackLeftovers,
    options: { readonly cause: unknown },
  ) {
    super(
      `create "${tenantId}": ${step} failed: ${describeCause(options.cause)}; the rollback failed too ` +
        `(${leftovers.failures.join('; ')}). ` +
        remedy(tenantId, policyStoreId, leftovers),
      options,
    );
    this.name = 'RollbackError';
  }
}

function remedy(tenantId: string, policyStoreId: string, leftovers: RollbackLeftovers): string {
  const listTenants = '`npm run tenant -- list`';
  const deleteTenant = `once the endpoints answer, run \`npm run tenant -- delete ${tenantId}\` if ${listTenants} shows the tenant`;
  const deleteStore =
    `turn its deletion protection off and delete it (aws verifiedpermissions update-policy-store --policy-store-id ${policyStoreId} ` +
    `--validation-settings mode=STRICT --deletion-protection DISABLED, then aws verifiedpermissions delete-policy-store ` +
    `--policy-store-id ${policyStoreId})`;
  if (leftovers.policyStoreLeft && leftovers.mappingMayBeLeft) {
    return `Policy store ${policyStoreId} and a mapping of "${tenantId}" to it may be left: ${deleteTenant}; otherwise ${deleteStore}.`;
  }
  if (leftovers.mappingMayBeLeft)
    return `A mapping of "${tenantId}" to the deleted policy store ${policyStoreId} may be left: ${deleteTenant}.`;
  return `Policy store ${policyStoreId} is left, mapped to no tenant: ${deleteStore}.`;
}

/** A step of `delete` failed. What is already done stays done; running `delete` again finishes the job. Exit code 1. */
export class OffboardingError extends TenantCliError {
  constructor(
    readonly tenantId: string,
    readonly step: string,
    options: { readonly cause: unknown; readonly advice?: string },
  ) {
    super(`delete "${tenantId}": ${step} failed: ${describeCause(options.cause)}; ${options.advice ?? 'run the command again to finish'}`, {
      cause: options.cause,
    });
    this.name = 'OffboardingError';
  }
}

/**
 * The conditional write of a mapping failed. `mayHaveWritten` is false only when every attempt was refused before
 * reaching the table or rejected by it; a reset connection or a 5xx may hide a write that landed.
 */
export class MappingWriteError extends TenantCliError {
  constructor(
    readonly mayHaveWritten: boolean,
    options: { readonly cause: unknown },
  ) {
    super(describeCause(options.cause), options);
    this.name = 'MappingWriteError';
  }
}

/** A read of the tenant table for `list` failed. Exit code 1. */
export class TenantTableReadError extends TenantCliError {
  constructor(
    readonly table: string,
    options: { readonly cause: unknown },
  ) {
    super(`reading table ${table} failed: ${describeCause(options.cause)}`, options);
    this.name = 'TenantTableReadError';
  }
}

/** `ResourceNotFoundException: Requested resource not found`, on one line, or the text of whatever was thrown. */
export function describeCause(cause: unknown): string {
  if (cause instanceof TenantCliError) return cause.message;
  if (!(cause instanceof Error)) return String(cause);
  const message = cause.message.replace(/\s*\n\s*/g, ' ').trim();
  return message === '' ? cause.name : `${cause.name}: ${message}`;
}
