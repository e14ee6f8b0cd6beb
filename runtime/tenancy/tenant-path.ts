// A multi-tenant route whose path names a tenant serves only that tenant's tokens.
import type { Principal } from '../claims/principal-entity.js';
import type { TenancyConfig } from '../config.js';
import { TenantError } from '../errors.js';
import type { RouteMatch } from '../routes/route-table.js';

export function assertTenantMatchesPath(tenancy: TenancyConfig, principal: Principal, match: RouteMatch): void {
  if (tenancy.kind !== 'multi' || !tenancy.pathParameter) return;
  const named = match.pathParameters[tenancy.pathParameter];
  if (named !== undefined && named !== principal.tenantId) {
    throw new TenantError(`the path names tenant ${JSON.stringify(named)} but the token belongs to ${JSON.stringify(principal.tenantId)}`);
  }
}
