// The writes a StorePlan turns into, in the order applyPlan makes them, and the plans it refuses; pure, no AWS call.
//
// The order, and why:
//  1. Refuse first. A template that is replaced or deleted while template-linked policies use it takes those policies
//     with it (AVP's DeletePolicyTemplate "also deletes any policies that were created from the specified policy
//     template"); they are tenant data, so such a plan is refused for that tenant before any write.
//  2. The schema, first of the writes. In a STRICT store every created or updated statement is validated against the
//     schema at write time, so a policy that uses a new action or attribute needs the new schema in place. AVP does
//     not re-validate the policies already in the store when the schema changes (API reference, PutSchema), so the
//     old ones, deleted at the end, are not in the way.
//  3. Creates, replacements' new halves included: forbids before permits, so no new permit is live before the
//     forbid that limits it.
//  4. Updates in place (UpdatePolicy, UpdatePolicyTemplate): forbids before permits, for the same reason.
//  5. Deletes last, removed items and replacements' old halves: permits before forbids. Until this step the old and
//     the new version of a replaced policy are both in the store, so there is never a moment without the forbid.
// A crash between 3 and 5 leaves two items with one @id; the next plan keeps the one that matches and deletes the other.
import { DeployIdentityError, fixedScopeOf, type DeployedKind } from '../../common/deploy-identity.js';
import type { ItemStep, StorePlan } from './plan-types.js';

export type PlannedWrite =
  | { readonly op: 'put-schema'; readonly before: string | undefined; readonly after: string }
  | { readonly op: 'create'; readonly kind: DeployedKind; readonly policyId: string; readonly statement: string }
  | {
      readonly op: 'update';
      readonly kind: DeployedKind;
      readonly policyId: string;
      readonly avpId: string;
      readonly before: string;
      readonly after: string;
    }
  | {
      readonly op: 'delete';
      readonly kind: DeployedKind;
      /** undefined for an item no deploy made (its description is not an @id). */
      readonly policyId: string | undefined;
      readonly avpId: string;
      readonly before: string;
    };

/** Why the plan must not be applied to its store; empty when it may be. */
export function refusalsOf(plan: StorePlan): string[] {
  const reasons: string[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'template') continue;
    if (step.action === 'replace' && step.linkedPolicies > 0) {
      reasons.push(
        `template ${step.policyId} changes its ${step.changed.join(', ')}, which AVP cannot update: replacing it would delete ` +
          `its ${linked(step.linkedPolicies)} (tenant data). Keep its effect and scopes and change only actions or ` +
          `conditions, or add the new template under a new @id and move the links`,
      );
    }
    if (step.action === 'delete' && step.linkedPolicies > 0) {
      reasons.push(
        `template ${step.policyId ?? step.avpId} is no longer in the bundle, but deleting it would delete its ` +
          `${linked(step.linkedPolicies)} (tenant data). Remove the links first, or keep the template`,
      );
    }
  }
  return reasons;
}

/** The writes of a plan, in the order above; empty for a store already in sync. */
export function writesOf(plan: StorePlan): PlannedWrite[] {
  const schema: PlannedWrite[] = plan.schema.action === 'put' ? [{ op: 'put-schema', ...pick(plan.schema) }] : [];
  const creates: PlannedWrite[] = [];
  const updates: PlannedWrite[] = [];
  const deletes: PlannedWrite[] = [];
  for (const step of plan.steps) collect(step, { creates, updates, deletes });
  return [...schema, ...byEffect(creates, 'forbid'), ...byEffect(updates, 'forbid'), ...byEffect(deletes, 'permit')];
}

function collect(step: ItemStep, into: { creates: PlannedWrite[]; updates: PlannedWrite[]; deletes: PlannedWrite[] }): void {
  switch (step.action) {
    case 'unchanged':
      return;
    case 'create':
      into.creates.push({ op: 'create', kind: step.kind, policyId: step.policyId, statement: step.after });
      return;
    case 'update':
      into.updates.push({
        op: 'update',
        kind: step.kind,
        policyId: step.policyId,
        avpId: step.avpId,
        before: step.before,
        after: step.after,
      });
      return;
    case 'replace':
      into.creates.push({ op: 'create', kind: step.kind, policyId: step.policyId, statement: step.after });
      into.deletes.push({ op: 'delete', kind: step.kind, policyId: step.policyId, avpId: step.avpId, before: step.before });
      return;
    case 'delete':
      into.deletes.push({ op: 'delete', kind: step.kind, policyId: step.policyId, avpId: step.avpId, before: step.before });
      return;
  }
}

/** A stable sort that puts the writes of one effect first, keeping the plan's order (templates, then @id) within each. */
function byEffect(writes: readonly PlannedWrite[], first: 'permit' | 'forbid'): PlannedWrite[] {
  const rank = (write: PlannedWrite) => (effectOf(write) === first ? 0 : 1);
  return writes
    .map((write, index) => ({ write, index }))
    .sort((a, b) => rank(a.write) - rank(b.write) || a.index - b.index)
    .map((entry) => entry.write);
}

/** undefined for the schema, and for a statement in the store that does not parse here (made by another tool). */
function effectOf(write: PlannedWrite): 'permit' | 'forbid' | undefined {
  if (write.op === 'put-schema') return undefined;
  const statement = write.op === 'create' ? write.statement : write.op === 'update' ? write.after : write.before;
  try {
    return fixedScopeOf(statement, write.kind).effect;
  } catch (error) {
    if (error instanceof DeployIdentityError) return undefined;
    throw error;
  }
}

function pick(schema: { readonly before: string | undefined; readonly after: string }) {
  return { before: schema.before, after: schema.after };
}

function linked(count: number): string {
  return `${count} template-linked ${count === 1 ? 'policy' : 'policies'}`;
}
