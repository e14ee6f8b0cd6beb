// Counts of a plan's steps, for the summary line of one store and the total over many.
import type { StorePlan } from './plan-types.js';

export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly unchanged: number;
  /** Stores whose schema the deploy puts. */
  readonly schemaPuts: number;
  /** Template-linked policies AVP deletes with the templates the plan replaces or deletes. */
  readonly linkedPoliciesDeleted: number;
}

export const NO_COUNTS: PlanCounts = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, schemaPuts: 0, linkedPoliciesDeleted: 0 };

export function countPlan(plan: StorePlan): PlanCounts {
  const count = (action: string) => plan.steps.filter((step) => step.action === action).length;
  return {
    create: count('create'),
    update: count('update'),
    replace: count('replace'),
    delete: count('delete'),
    unchanged: count('unchanged'),
    schemaPuts: plan.schema.action === 'put' ? 1 : 0,
    linkedPoliciesDeleted: plan.steps.reduce(
      (sum, step) => sum + (step.action === 'replace' || step.action === 'delete' ? step.linkedPolicies : 0),
      0,
    ),
  };
}

export function addCounts(a: PlanCounts, b: PlanCounts): PlanCounts {
  return {
    create: a.create + b.create,
    update: a.update + b.update,
    replace: a.replace + b.replace,
    delete: a.delete + b.delete,
    unchanged: a.unchanged + b.unchanged,
    schemaPuts: a.schemaPuts + b.schemaPuts,
    linkedPoliciesDeleted: a.linkedPoliciesDeleted + b.linkedPoliciesDeleted,
  };
}

/** True when a deploy would change anything: a step other than unchanged, or the schema. */
export function hasChanges(counts: PlanCounts): boolean {
  return counts.create + counts.update + counts.replace + counts.delete + counts.schemaPuts > 0;
}

/** `2 to create, 1 to update, 0 to replace, 1 to delete, 9 unchanged; schema unchanged`. */
export function summaryLine(counts: PlanCounts, stores = 1): string {
  const schema =
    stores === 1 ? `schema ${counts.schemaPuts === 1 ? 'to put' : 'unchanged'}` : `${counts.schemaPuts} of ${stores} schemas to put`;
  const linked =
    counts.linkedPoliciesDeleted > 0 ? `; ${counts.linkedPoliciesDeleted} template-linked policies deleted with their template` : '';
  return (
    `${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ${counts.delete} to delete, ` +
    `${counts.unchanged} unchanged; ${schema}${linked}`
  );
}
