// CloudFormation logical ids of AVP policies and templates, derived from their deploy identity (@id + fixed-scope hash).
//
// CloudFormation updates a resource in place while its logical id stays, and AVP refuses an update that changes a
// policy's effect, principal scope or resource scope (AVP user guide, "Editing static policies":
// https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policies-edit.html). A logical id that covers the
// scope hash turns such a change into a new resource (CloudFormation creates it, then deletes the old one during
// cleanup), while an action or condition change keeps the id and stays an update that AVP accepts.
import { createHash } from 'node:crypto';
import { type DeployedKind, deployIdentityOf } from '../common/deploy-identity.js';

const PREFIX: Record<DeployedKind, string> = { policy: 'Policy', template: 'Template' };

/** Room for the prefix and the hash within CloudFormation's 255 characters. */
const MAX_READABLE = 200;

/**
 * `customer.read-own` → `PolicyCustomerReadOwn1a2b3c4d`: the @id in PascalCase for readers, then 8 hex digits of a
 * hash over the deploy identity key (`<@id>#<scope hash>`), which keeps ids apart that read the same once punctuation
 * is dropped and changes exactly when AVP could not update the deployed statement into the new one.
 */
export function policyLogicalId(policyId: string, statement: string, kind: DeployedKind): string {
  const { key } = deployIdentityOf(policyId, statement, kind);
  const readable = policyId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .slice(0, MAX_READABLE);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `${PREFIX[kind]}${readable}${digest}`;
}
