// Which mode `npm run tenant` onboards tenants for: a multi-tenant mode of the generated output, named by --mode
// when the project has more than one.
import type { GeneratedMode } from '../../common/generated-modes.js';
import type { ModeConfig, PolicyBundle, TenancyConfig } from '../../runtime/config.js';
import { TenantUsageError } from './errors.js';

export interface TenantMode {
  readonly config: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly tenancy: Extract<TenancyConfig, { kind: 'multi' }>;
}

/** Throws TenantUsageError when no multi-tenant mode matches, or several do and none is named. */
export function selectTenantMode(modes: readonly GeneratedMode[], requested: string | undefined): TenantMode {
  const multiTenant = modes.flatMap(({ config, bundle }) =>
    config.tenancy.kind === 'multi' ? [{ config, bundle, tenancy: config.tenancy }] : [],
  );
  const names = multiTenant.map((mode) => mode.config.name);
  if (requested !== undefined) {
    const found = multiTenant.find((mode) => mode.config.name === requested);
    if (found) return found;
    const known = modes.some((mode) => mode.name === requested);
    throw new TenantUsageError(
      known
        ? `mode ${requested} is single-tenant; tenants are onboarded for ${names.length > 0 ? names.join(', ') : 'no mode of this project'}`
        : `no generated mode ${requested}; multi-tenant modes: ${names.length > 0 ? names.join(', ') : 'none'}`,
    );
  }
  const [only, ...others] = multiTenant;
  if (only === undefined) throw new TenantUsageError('the project has no multi-tenant mode (a mode with tenancy: multi)');
  if (others.length > 0)
    throw new TenantUsageError(`the project has several multi-tenant modes (${names.join(', ')}); name one with --mode`);
  return only;
}
