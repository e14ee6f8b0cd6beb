// Stable CloudFormation logical ids derived from policy @ids, so reordering or moving policies never replaces them.
import { createHash } from 'node:crypto';

/** `customer.read-own` → `PolicyCustomerReadOwn1a2b3c`: readable, and the hash keeps distinct ids distinct. */
export function logicalIdFor(prefix: string, policyId: string): string {
  const readable = policyId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .slice(0, 200);
  const digest = createHash('sha256').update(policyId).digest('hex').slice(0, 6);
  return `${prefix}${readable}${digest}`;
}
