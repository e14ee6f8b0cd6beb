// Which tenant ids onboarding accepts: short, lower-case, safe in a table key, a URL path segment and a store description.
import { InvalidTenantIdError } from './errors.js';

/** 2 to 63 characters: lower-case letters, digits and hyphens, starting with a letter or a digit. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const RULE =
  'use 2 to 63 characters, lower-case letters, digits and "-", starting with a letter or a digit (pattern ^[a-z0-9][a-z0-9-]{1,62}$)';

/** Throws InvalidTenantIdError, naming the rule, when the id does not match TENANT_ID_PATTERN. */
export function assertTenantId(tenantId: string): void {
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new InvalidTenantIdError(tenantId, RULE);
}
