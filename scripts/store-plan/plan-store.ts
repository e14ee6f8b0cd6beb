// What a deploy does to one policy store, computed from the store as it is and the mode's bundle: pure, no I/O.
// Items are matched by kind and @id, then compared by deploy identity (common/deploy-identity.ts): the same identity
// is an update (or nothing), a different one a replacement, because AVP cannot update effect, principal or resource.
import {
  canonicalJson,
  deployIdentityOf,
  DeployIdentityError,
  fixedScopeChanges,
  type DeployedKind,
} from '../../common/deploy-identity.js';
import type { DesiredStore, FixedPart, ItemStep, LiveItem, LiveStore, SchemaStep, StorePlan } from './plan-types.js';

const KIND_ORDER: readonly DeployedKind[] = ['template', 'policy'];

export function planStore(live: LiveStore, desired: DesiredStore): StorePlan {
  const steps: ItemStep[] = [];
  for (const kind of KIND_ORDER) {
    const wanted = kind === 'policy' ? desired.policies : desired.templates;
    const inStore = live.items.filter((item) => item.kind === kind).sort((a, b) => compare(a.avpId, b.avpId));
    const byId = new Map<string, LiveItem[]>();
    for (const item of inStore) {
      // An item whose description is no @id was not made by a deploy: the plan brings the store to the repo, so it goes.
      if (item.policyId === undefined) steps.push(deleteStep(item, live));
      else byId.set(item.policyId, [...(byId.get(item.policyId) ?? []), item]);
    }
    for (const [policyId, statement] of Object.entries(wanted)) {
      const found = byId.get(policyId) ?? [];
      byId.delete(policyId);
      // Several items with one @id: a deploy stopped between creating a replacement and deleting the original.
      // Keep the one that already holds the wanted statement (else the first by AVP id), delete the rest.
      const keeper = found.find((item) => item.statement === statement) ?? found[0];
      if (keeper === undefined) steps.push({ action: 'create', kind, policyId, after: statement });
      else steps.push(compareItem(keeper, policyId, statement, live));
      for (const extra of found) if (extra !== keeper) steps.push(deleteStep(extra, live));
    }
    for (const leftOver of byId.values()) for (const item of leftOver) steps.push(deleteStep(item, live));
  }
  return { policyStoreId: live.policyStoreId, schema: planSchema(live.schema, desired.schema), steps: steps.sort(byStepOrder) };
}

function compareItem(item: LiveItem, policyId: string, after: string, live: LiveStore): ItemStep {
  const { kind, avpId, statement: before } = item;
  if (before === after) return { action: 'unchanged', kind, policyId, avpId };
  const changed = changedFixedParts(before, after, kind, policyId);
  if (changed.length === 0) return { action: 'update', kind, policyId, avpId, before, after };
  return { action: 'replace', kind, policyId, avpId, before, after, changed, linkedPolicies: linkedCount(item, live) };
}

/**
 * The fixed parts that differ. A statement in the store that does not parse here (written by another tool or a newer
 * Cedar) cannot be compared, so all three count as changed: a replacement is what always works.
 */
function changedFixedParts(before: string, after: string, kind: DeployedKind, policyId: string): FixedPart[] {
  const wanted = deployIdentityOf(policyId, after, kind);
  let current;
  try {
    current = deployIdentityOf(policyId, before, kind);
  } catch (error) {
    if (error instanceof DeployIdentityError) return ['effect', 'principal', 'resource'];
    throw error;
  }
  return current.key === wanted.key ? [] : fixedScopeChanges(before, after, kind);
}

function deleteStep(item: LiveItem, live: LiveStore): ItemStep {
  const { kind, policyId, avpId, statement: before } = item;
  return { action: 'delete', kind, policyId, avpId, before, linkedPolicies: linkedCount(item, live) };
}

function linkedCount(item: LiveItem, live: LiveStore): number {
  return item.kind === 'template' ? (live.linkedPolicies.get(item.avpId) ?? 0) : 0;
}

/** The schema is compared as parsed JSON with sorted keys: key order and whitespace are no change. */
function planSchema(before: string | undefined, wanted: Readonly<Record<string, unknown>>): SchemaStep {
  const after = JSON.stringify(wanted);
  if (before === undefined) return { action: 'put', before, after };
  let parsed: unknown;
  try {
    parsed = JSON.parse(before);
  } catch {
    return { action: 'put', before, after };
  }
  return canonicalJson(parsed) === canonicalJson(wanted) ? { action: 'unchanged' } : { action: 'put', before, after };
}

/** Templates first, then by @id (items without one last), then by AVP id. */
function byStepOrder(a: ItemStep, b: ItemStep): number {
  return (
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareOptional(a.policyId, b.policyId) || compare(avpIdOf(a), avpIdOf(b))
  );
}

function avpIdOf(step: ItemStep): string {
  return step.action === 'create' ? '' : step.avpId;
}

function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return compare(a, b);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
