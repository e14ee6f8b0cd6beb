// A policy's deploy identity: its @id plus a short hash of what Amazon Verified Permissions cannot update in place.
//
// AVP refuses UpdatePolicy and UpdatePolicyTemplate when the effect, the principal scope or the resource scope changes
// ("You can't change these elements of a static policy ... To change any of these elements you will need to delete
// and re-create the policy": AVP user guide, "Editing static policies" and "Editing policy templates"). Keying a
// deployed policy by @id alone turns such an edit into an update that fails in AWS. Keying it by @id and this hash
// turns it into a replacement, while an action or condition change keeps the same identity and stays an update.
import { createHash } from 'node:crypto';
import { policyToJson, templateToJson, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';

export type DeployedKind = 'policy' | 'template';

/** The parts of a policy or template that AVP cannot update, in Cedar's JSON policy form. */
export interface FixedScope {
  readonly effect: 'permit' | 'forbid';
  readonly principal: unknown;
  readonly resource: unknown;
}

export interface DeployIdentity {
  /** The policy's `@id`. */
  readonly policyId: string;
  /** 8 hex digits of SHA-256 over the canonical JSON of the fixed scope. */
  readonly scopeHash: string;
  /** `<@id>#<scopeHash>`: equal exactly when AVP can move one statement to the other with an update. */
  readonly key: string;
}

export class DeployIdentityError extends Error {
  override readonly name = 'DeployIdentityError';
  readonly code = 'DEPLOY_IDENTITY_UNPARSABLE';
}

/** The effect, principal and resource constraints of one policy (`kind: 'policy'`) or template statement. */
export function fixedScopeOf(statement: string, kind: DeployedKind): FixedScope {
  const answer = kind === 'policy' ? policyToJson(statement) : templateToJson(statement);
  if (answer.type === 'failure') {
    throw new DeployIdentityError(`the ${kind} does not parse: ${answer.errors.map((error) => error.message).join('; ')}`);
  }
  const json: PolicyJson = answer.json;
  return { effect: json.effect, principal: json.principal, resource: json.resource };
}

/** Which of effect, principal scope and resource scope differ between two statements of the same kind, in that order. */
export function fixedScopeChanges(before: string, after: string, kind: DeployedKind): ('effect' | 'principal' | 'resource')[] {
  const a = fixedScopeOf(before, kind);
  const b = fixedScopeOf(after, kind);
  return (['effect', 'principal', 'resource'] as const).filter((part) => canonicalJson(a[part]) !== canonicalJson(b[part]));
}

export function deployIdentityOf(policyId: string, statement: string, kind: DeployedKind): DeployIdentity {
  const scopeHash = createHash('sha256')
    .update(canonicalJson(fixedScopeOf(statement, kind)))
    .digest('hex')
    .slice(0, 8);
  return { policyId, scopeHash, key: `${policyId}#${scopeHash}` };
}

/** JSON with object keys sorted at every depth, so the hash depends on content and not on cedar-wasm's key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}
