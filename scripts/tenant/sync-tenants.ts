// `sync`: brings tenant policy stores to the mode's bundle (schema, policies, templates) by the same plan as `npm run plan`.
// Per tenant: read the store, plan, apply (or print, with --dry-run); a failure is rolled back and reported for that tenant only.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import {
  ApplyPlanError,
  describeCause,
  describeWrite,
  PlanRefusedError,
  RollbackIncompleteError,
  StepFailedError,
} from '../store-plan/apply-errors.js';
import { refusalsOf, writesOf } from '../store-plan/apply-order.js';
import { applyPlan } from '../store-plan/apply-plan.js';
import { planStore } from '../store-plan/plan-store.js';
import type { DesiredStore, StorePlan } from '../store-plan/plan-types.js';
import { withConcurrency } from '../../common/with-concurrency.js';
import { readLiveStore } from '../store-plan/read-store.js';
import { TenantTableReadError, UnknownTenantError } from './errors.js';
import { DEFAULT_SYNC_CONCURRENCY, type SyncTarget } from './sync-options.js';
import type { ListedTenant, TenantTable } from './tenant-table.js';

export { DEFAULT_SYNC_CONCURRENCY, type SyncTarget } from './sync-options.js';

/** GetPolicy / GetPolicyTemplate calls in flight per store while reading it; the pacer spaces them anyway. */
const READ_CONCURRENCY = 2;

export type FailedState =
  /** Nothing was written: the store could not be read, or the plan was refused. */
  | 'untouched'
  /** A write failed and every earlier write was undone: the store is as before. */
  | 'rolled-back'
  /** A write failed and undoing failed too: `left` says what is still changed. */
  | 'needs-attention';

export type TenantOutcome =
  | { readonly status: 'unchanged'; readonly tenantId: string; readonly policyStoreId: string }
  | { readonly status: 'synced'; readonly tenantId: string; readonly policyStoreId: string; readonly writes: readonly string[] }
  /** --dry-run: what a sync would write; nothing was. */
  | {
      readonly status: 'planned';
      readonly tenantId: string;
      readonly policyStoreId: string;
      readonly writes: readonly string[];
      readonly plan: StorePlan;
    }
  | {
      readonly status: 'failed';
      readonly tenantId: string;
      readonly policyStoreId: string | undefined;
      readonly state: FailedState;
      readonly reason: string;
      readonly left: readonly string[];
    };

export interface SyncSummary {
  readonly dryRun: boolean;
  readonly total: number;
  readonly elapsedMs: number;
  readonly tenantsPerSecond: number;
  /** In tenant id order. */
  readonly tenants: readonly TenantOutcome[];
}

export interface SyncTenantsOptions {
  readonly avp: VerifiedPermissionsClient;
  readonly table: TenantTable;
  readonly desired: DesiredStore;
  readonly target: SyncTarget;
  readonly dryRun: boolean;
  /** Tenants synced at once. @default DEFAULT_SYNC_CONCURRENCY */
  readonly concurrency?: number;
  /** Called once the tenants are known, with how many there are. */
  readonly onStart?: (total: number) => void;
  /** Called as each tenant finishes, in completion order. */
  readonly onTenant?: (outcome: TenantOutcome) => void;
  /** @default performance.now */
  readonly now?: () => number;
}

/** Throws UnknownTenantError for --tenant of a tenant the table does not hold, TenantTableReadError when the table cannot be read. */
export async function syncTenants(options: SyncTenantsOptions): Promise<SyncSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tenants = await tenantsOf(options.table, options.target);
  options.onStart?.(tenants.length);
  const outcomes = await withConcurrency(tenants, options.concurrency ?? DEFAULT_SYNC_CONCURRENCY, async (tenant) => {
    const outcome = await syncTenant(tenant, options);
    options.onTenant?.(outcome);
    return outcome;
  });
  const elapsedMs = now() - started;
  return {
    dryRun: options.dryRun,
    total: outcomes.length,
    elapsedMs,
    tenantsPerSecond: elapsedMs > 0 ? (outcomes.length * 1000) / elapsedMs : 0,
    tenants: outcomes,
  };
}

async function tenantsOf(table: TenantTable, target: SyncTarget): Promise<readonly ListedTenant[]> {
  try {
    if (target.kind === 'all') return await table.list();
    const policyStoreId = await table.get(target.tenantId);
    if (policyStoreId === undefined) throw new UnknownTenantError(target.tenantId, table.name);
    return [{ tenantId: target.tenantId, policyStoreId }];
  } catch (error) {
    if (error instanceof UnknownTenantError) throw error;
    throw new TenantTableReadError(table.name, { cause: error });
  }
}

/** Never throws: every failure becomes the tenant's outcome, so one tenant cannot stop the others. */
export async function syncTenant(
  tenant: ListedTenant,
  options: Pick<SyncTenantsOptions, 'avp' | 'desired' | 'dryRun'>,
): Promise<TenantOutcome> {
  const { tenantId, policyStoreId } = tenant;
  const untouched = (reason: string): TenantOutcome => ({
    status: 'failed',
    tenantId,
    policyStoreId,
    state: 'untouched',
    reason,
    left: [],
  });
  if (policyStoreId === undefined) return untouched('its tenant table item has no policy store id');
  let plan: StorePlan;
  try {
    plan = planStore(await readLiveStore(options.avp, policyStoreId, { concurrency: READ_CONCURRENCY }), options.desired);
  } catch (error) {
    return untouched(`reading or planning the store failed: ${describeCause(error)}`);
  }
  if (options.dryRun) {
    const refusals = refusalsOf(plan);
    if (refusals.length > 0) return untouched(new PlanRefusedError(policyStoreId, refusals).message);
    const writes = writesOf(plan);
    if (writes.length === 0) return { status: 'unchanged', tenantId, policyStoreId };
    return { status: 'planned', tenantId, policyStoreId, writes: writes.map(describeWrite), plan };
  }
  try {
    const { writes } = await applyPlan({ client: options.avp, plan, desired: options.desired });
    if (writes.length === 0) return { status: 'unchanged', tenantId, policyStoreId };
    return { status: 'synced', tenantId, policyStoreId, writes: writes.map(describeWrite) };
  } catch (error) {
    if (error instanceof RollbackIncompleteError) {
      return { status: 'failed', tenantId, policyStoreId, state: 'needs-attention', reason: error.message, left: error.left };
    }
    if (error instanceof StepFailedError)
      return { status: 'failed', tenantId, policyStoreId, state: 'rolled-back', reason: error.message, left: [] };
    if (error instanceof ApplyPlanError) return untouched(error.message);
    // applyPlan catches every failed write; what is left here was thrown before the first one.
    return untouched(describeCause(error));
  }
}
