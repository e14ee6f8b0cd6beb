// `delete <tenantId>`: the tenant's policy store (protection off first), then its mapping; an unknown tenant is an error.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { OffboardingError, TenantCliError, UnknownTenantError } from './errors.js';
import { assertTenantId } from './tenant-id.js';
import { deleteTenantStore } from './tenant-store.js';
import type { TenantTable } from './tenant-table.js';

export interface DeleteTenantOptions {
  readonly tenantId: string;
  readonly avp: VerifiedPermissionsClient;
  readonly table: TenantTable;
  /** Called before each step with its title. @default nothing is reported */
  readonly onStep?: (title: string) => void;
}

export interface DeleteTenantResult {
  readonly tenantId: string;
  readonly policyStoreId: string;
  readonly table: string;
  /** 'absent': the store was already gone (an earlier, interrupted delete), only the mapping was removed. */
  readonly policyStore: 'deleted' | 'absent';
}

export const DELETE_STEPS = {
  readMapping: 'reading the tenant table',
  deleteStore: 'deleting the policy store',
  removeMapping: 'removing the mapping',
} as const;

/**
 * Store first, mapping last. Interrupted in between, the mapping names a deleted store, so the tenant's requests are
 * denied and running delete again finishes; the other order could leave a store that no mapping leads back to.
 */
export async function deleteTenant(options: DeleteTenantOptions): Promise<DeleteTenantResult> {
  const { tenantId, avp, table } = options;
  assertTenantId(tenantId);

  options.onStep?.(DELETE_STEPS.readMapping);
  let policyStoreId: string | undefined;
  try {
    policyStoreId = await table.get(tenantId);
  } catch (error) {
    throw new OffboardingError(tenantId, DELETE_STEPS.readMapping, { cause: error });
  }
  if (policyStoreId === undefined) throw new UnknownTenantError(tenantId, table.name);

  options.onStep?.(DELETE_STEPS.deleteStore);
  let policyStore: 'deleted' | 'absent';
  try {
    policyStore = await deleteTenantStore(avp, policyStoreId);
  } catch (error) {
    throw new OffboardingError(tenantId, `${DELETE_STEPS.deleteStore} ${policyStoreId}`, { cause: error });
  }

  options.onStep?.(DELETE_STEPS.removeMapping);
  let removed: boolean;
  try {
    removed = await table.deleteIfPointsTo({ tenantId, policyStoreId });
  } catch (error) {
    throw new OffboardingError(tenantId, DELETE_STEPS.removeMapping, { cause: error });
  }
  if (!removed) {
    const cause = new TenantCliError(`the mapping no longer names policy store ${policyStoreId}, which was deleted`);
    throw new OffboardingError(tenantId, DELETE_STEPS.removeMapping, {
      cause,
      advice: 'another run changed the mapping meanwhile; it was left as it is (npm run tenant -- list shows it)',
    });
  }
  return { tenantId, policyStoreId, table: table.name, policyStore };
}
