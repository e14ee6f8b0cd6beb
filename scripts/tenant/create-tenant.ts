// `create <tenantId>`: a filled policy store, then the tenant's mapping; idempotent, and rolled back on any failure.
import { ResourceNotFoundException as TableNotFoundException } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import { describeCause, MappingWriteError, OnboardingError, RollbackError, StaleTenantMappingError, TenantCliError } from './errors.js';
import { assertTenantId } from './tenant-id.js';
import {
  createBundlePolicies,
  createBundleTemplates,
  createTenantStore,
  deleteTenantStore,
  findPolicyStore,
  putBundleSchema,
} from './tenant-store.js';
import type { TenantTable } from './tenant-table.js';

export interface CreateTenantOptions {
  readonly tenantId: string;
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly avp: VerifiedPermissionsClient;
  readonly table: TenantTable;
  /** Called before each step with its title. @default nothing is reported */
  readonly onStep?: (title: string) => void;
}

export type CreateTenantResult =
  | {
      readonly status: 'created';
      readonly tenantId: string;
      readonly policyStoreId: string;
      readonly table: string;
      readonly policies: number;
      readonly templates: number;
    }
  /** The tenant was already onboarded (by an earlier run, or a concurrent one that won): nothing was changed. */
  | { readonly status: 'exists'; readonly tenantId: string; readonly policyStoreId: string; readonly table: string };

export const CREATE_STEPS = {
  readMapping: 'reading the tenant table',
  checkStore: 'checking the mapped policy store',
  createStore: 'creating the policy store',
  putSchema: 'putting the schema',
  createPolicies: 'creating the policies',
  createTemplates: 'creating the templates',
  writeMapping: 'writing the mapping',
} as const;

/**
 * Store first, mapping last: the runtime only ever finds a complete store. The mapping is written on condition that
 * the tenant has none, so two concurrent runs cannot both map it; the loser deletes its store and reports the winner's.
 */
export async function createTenant(options: CreateTenantOptions): Promise<CreateTenantResult> {
  const { tenantId, mode, bundle, avp, table } = options;
  assertTenantId(tenantId);
  let current: string = CREATE_STEPS.readMapping;
  const step = <T>(title: string, run: () => Promise<T>): Promise<T> => {
    current = title;
    options.onStep?.(title);
    return run();
  };

  let existing: string | undefined;
  try {
    existing = await step(CREATE_STEPS.readMapping, () => table.get(tenantId));
  } catch (error) {
    throw new OnboardingError(tenantId, current, undefined, { cause: error });
  }
  if (existing !== undefined) return existingTenant(options, existing);

  let policyStoreId: string;
  try {
    policyStoreId = await step(CREATE_STEPS.createStore, () => createTenantStore(avp, { tenantId, mode: mode.name }));
  } catch (error) {
    throw new OnboardingError(tenantId, current, undefined, { cause: error });
  }

  let counts: { policies: number; templates: number };
  let written: boolean;
  try {
    await step(CREATE_STEPS.putSchema, () => putBundleSchema(avp, policyStoreId, bundle));
    const policies = await step(CREATE_STEPS.createPolicies, () => createBundlePolicies(avp, policyStoreId, bundle));
    const templates = await step(CREATE_STEPS.createTemplates, () => createBundleTemplates(avp, policyStoreId, bundle));
    counts = { policies, templates };
    written = await step(CREATE_STEPS.writeMapping, () => table.putIfAbsent({ tenantId, policyStoreId }));
  } catch (error) {
    // A write whose reply was lost may still have landed: then the clean-up removes our mapping too.
    return rollBack(options, {
      step: current,
      policyStoreId,
      mappingMayExist: error instanceof MappingWriteError && error.mayHaveWritten,
      cause: error,
    });
  }
  const created: CreateTenantResult = { status: 'created', tenantId, policyStoreId, table: table.name, ...counts };
  if (written) return created;

  // The condition failed: either our own write landed and the SDK retried it after a lost reply, or another run won.
  let winner: string | undefined;
  try {
    winner = await table.get(tenantId);
  } catch (error) {
    return rollBack(options, { step: CREATE_STEPS.writeMapping, policyStoreId, mappingMayExist: true, cause: error });
  }
  if (winner === policyStoreId) return created;
  await deleteOwnStore(options, policyStoreId);
  if (winner === undefined) {
    const cause = new TenantCliError('the tenant was mapped by another run, then unmapped again before this run could read it');
    throw new OnboardingError(tenantId, CREATE_STEPS.writeMapping, policyStoreId, { cause });
  }
  return existingTenant(options, winner);
}

/** An existing mapping is only reported when its store still exists; a dangling one is refused, never repaired. */
async function existingTenant(options: CreateTenantOptions, policyStoreId: string): Promise<CreateTenantResult> {
  const { tenantId, avp, table } = options;
  options.onStep?.(CREATE_STEPS.checkStore);
  let store;
  try {
    store = await findPolicyStore(avp, policyStoreId);
  } catch (error) {
    throw new OnboardingError(tenantId, CREATE_STEPS.checkStore, undefined, { cause: error });
  }
  if (store === undefined) throw new StaleTenantMappingError(tenantId, policyStoreId, table.name);
  return { status: 'exists', tenantId, policyStoreId, table: table.name };
}

interface Failure {
  readonly step: string;
  readonly policyStoreId: string;
  /** The table write may have landed although it failed (a lost reply): the mapping is removed too. */
  readonly mappingMayExist: boolean;
  readonly cause: unknown;
}

/** Removes the mapping (only if it names our store) and then the store; always throws, saying what is left if anything. */
async function rollBack(options: CreateTenantOptions, failure: Failure): Promise<never> {
  const { tenantId, avp, table } = options;
  const { step, policyStoreId, cause } = failure;
  const failures: string[] = [];
  let mappingMayBeLeft = false;
  if (failure.mappingMayExist) {
    try {
      await table.deleteIfPointsTo({ tenantId, policyStoreId });
    } catch (error) {
      // A table that does not exist holds no mapping.
      if (!(error instanceof TableNotFoundException)) {
        mappingMayBeLeft = true;
        failures.push(`removing the mapping from ${table.name}: ${describeCause(error)}`);
      }
    }
  }
  let policyStoreLeft = false;
  try {
    await deleteTenantStore(avp, policyStoreId);
  } catch (error) {
    policyStoreLeft = true;
    failures.push(`deleting policy store ${policyStoreId}: ${describeCause(error)}`);
  }
  if (failures.length > 0)
    throw new RollbackError(tenantId, step, policyStoreId, { policyStoreLeft, mappingMayBeLeft, failures }, { cause });
  throw new OnboardingError(tenantId, step, policyStoreId, { cause });
}

/** After losing the race for the mapping: our store is mapped to nobody and goes. */
async function deleteOwnStore(options: CreateTenantOptions, policyStoreId: string): Promise<void> {
  try {
    await deleteTenantStore(options.avp, policyStoreId);
  } catch (error) {
    const cause = new TenantCliError(`another run mapped the tenant first`);
    throw new RollbackError(
      options.tenantId,
      CREATE_STEPS.writeMapping,
      policyStoreId,
      { policyStoreLeft: true, mappingMayBeLeft: false, failures: [`deleting policy store ${policyStoreId}: ${describeCause(error)}`] },
      { cause },
    );
  }
}
