// The request's principal, action and resource with every ancestor Cedar's `in` would see: what a slice is chosen by.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { ActionHierarchy } from './action-hierarchy.js';
import { entityKey, entityKeyOfJson } from './policy-scope.js';

export interface Side {
  readonly type: string;
  readonly key: string;
  /** The entity itself and all its ancestors. */
  readonly keys: ReadonlySet<string>;
}

export interface RequestAncestry {
  readonly principal: Side;
  readonly action: Side;
  readonly resource: Side;
}

export interface SliceRequest {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly entities: readonly EntityJson[];
}

/**
 * Cedar's `in` follows `parents` transitively through the entities of the request; a parent that is not itself an
 * entity of the request has no known parents. Actions also follow the schema's `memberOf`, which cedar-wasm adds when
 * the schema is passed; following it when the schema is not passed only adds ancestors, so only widens a slice.
 * A parent written in a form this reader does not know makes `undefined`: the caller then evaluates every policy.
 */
export function ancestryOf(request: SliceRequest, actions: ActionHierarchy): RequestAncestry | undefined {
  const parents = new Map<string, string[]>();
  for (const entity of request.entities) {
    const key = entityKeyOfJson(entity.uid);
    if (key === undefined) return undefined;
    const list = parents.get(key) ?? [];
    for (const parent of entity.parents) {
      const parentKey = entityKeyOfJson(parent);
      if (parentKey === undefined) return undefined;
      list.push(parentKey);
    }
    parents.set(key, list);
  }
  const schemaParents = actions.kind === 'known' ? actions.parents : new Map<string, readonly string[]>();
  return {
    principal: sideOf(request.principal, (key) => parents.get(key)),
    action: sideOf(request.action, (key) => [...(parents.get(key) ?? []), ...(schemaParents.get(key) ?? [])]),
    resource: sideOf(request.resource, (key) => parents.get(key)),
  };
}

function sideOf(uid: TypeAndId, parentsOf: (key: string) => readonly string[] | undefined): Side {
  const key = entityKey(uid);
  const keys = new Set<string>([key]);
  const pending = [key];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const parent of parentsOf(next) ?? []) {
      if (keys.has(parent)) continue;
      keys.add(parent);
      pending.push(parent);
    }
  }
  return { type: uid.type, key, keys };
}
