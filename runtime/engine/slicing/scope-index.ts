// Policies indexed by the entity or action their scope names, so a request finds the few that may apply without a scan.
import type { TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import { mayApply, type Scope } from './policy-scope.js';
import type { RequestAncestry } from './request-ancestry.js';

/** A static policy or a template link, with what a slice needs to preparse it. */
export type SlicePart =
  | { readonly kind: 'static'; readonly id: string; readonly text: string }
  | { readonly kind: 'link'; readonly link: TemplateLink; readonly templateText: string };

export interface ScopedPolicy {
  readonly scope: Scope;
  /** Unique among every policy the slicer may ever see, so equal keys mean equal slices. */
  readonly sliceKey: string;
  /** The estimate of what the policy costs a preparsed set: its text length. */
  readonly bytes: number;
  readonly part: SlicePart;
}

/**
 * Each policy sits under one anchor: the entity its principal scope names, else the entity its resource scope names,
 * else the action(s) its action scope names, else `everywhere` (an unconstrained or `is`-only scope lands in every
 * slice). A request looks up the anchors it may reach (itself and its ancestors on each side) and keeps the policies
 * whose whole scope it may satisfy.
 */
export class ScopeIndex {
  private readonly byPrincipal = new Map<string, ScopedPolicy[]>();
  private readonly byResource = new Map<string, ScopedPolicy[]>();
  private readonly byAction = new Map<string, ScopedPolicy[]>();
  private readonly everywhere: ScopedPolicy[] = [];

  /** `actionGroupsKnown: false` keeps `action in` policies out of the action anchors, as their groups are unknown. */
  constructor(private readonly actionGroupsKnown: boolean) {}

  add(policy: ScopedPolicy): void {
    const { principal, resource, action } = policy.scope;
    if (principal.op === 'eq' || principal.op === 'in' || principal.op === 'is-in') push(this.byPrincipal, principal.target, policy);
    else if (resource.op === 'eq' || resource.op === 'in' || resource.op === 'is-in') push(this.byResource, resource.target, policy);
    else if (action.op === 'eq') push(this.byAction, action.key, policy);
    else if (action.op === 'in' && this.actionGroupsKnown) for (const key of new Set(action.keys)) push(this.byAction, key, policy);
    else this.everywhere.push(policy);
  }

  /** Adds to `into` every policy of this index that the request may satisfy the scope of. */
  collect(request: RequestAncestry, into: Set<ScopedPolicy>): void {
    const keep = (policies: readonly ScopedPolicy[] | undefined) => {
      for (const policy of policies ?? []) if (mayApply(policy.scope, request, this.actionGroupsKnown)) into.add(policy);
    };
    for (const key of request.principal.keys) keep(this.byPrincipal.get(key));
    for (const key of request.resource.keys) keep(this.byResource.get(key));
    for (const key of request.action.keys) keep(this.byAction.get(key));
    keep(this.everywhere);
  }
}

function push(map: Map<string, ScopedPolicy[]>, key: string, policy: ScopedPolicy): void {
  const list = map.get(key);
  if (list) list.push(policy);
  else map.set(key, [policy]);
}
