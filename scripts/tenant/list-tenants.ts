// `list`: every tenant of the tenant table with its policy store id, sorted by tenant id.
import { TenantTableReadError } from './errors.js';
import type { ListedTenant, TenantTable } from './tenant-table.js';

export async function listTenants(options: { readonly table: TenantTable }): Promise<ListedTenant[]> {
  try {
    return await options.table.list();
  } catch (error) {
    throw new TenantTableReadError(options.table.name, { cause: error });
  }
}
