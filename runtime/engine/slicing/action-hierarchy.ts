// The schema's action groups (`memberOf`), as parent edges between action entity keys, for `action in Action::"group"`.
import { entityKey } from './policy-scope.js';

/** `unknown` when the schema could not be read: the slicer then treats every `action in` as possibly satisfied. */
export type ActionHierarchy =
  | { readonly kind: 'known'; readonly parents: ReadonlyMap<string, readonly string[]> }
  | { readonly kind: 'unknown'; readonly why: string };

/**
 * Reads a Cedar JSON schema (`{ namespace: { actions: { name: { memberOf: [{ id, type? }] } } } }`). A `memberOf`
 * without a type names an action of the same namespace; with a type, the edge is recorded both as written and
 * qualified by the namespace: one extra edge can only put a policy in more slices, never leave one out.
 */
export function readActionHierarchy(schema: unknown): ActionHierarchy {
  if (!isRecord(schema)) return { kind: 'unknown', why: 'the schema is not an object of namespaces' };
  const parents = new Map<string, string[]>();
  for (const [namespace, definition] of Object.entries(schema)) {
    if (!isRecord(definition)) return { kind: 'unknown', why: `namespace ${JSON.stringify(namespace)} is not an object` };
    const actions = definition.actions ?? {};
    if (!isRecord(actions)) return { kind: 'unknown', why: `the actions of namespace ${JSON.stringify(namespace)} are not an object` };
    const actionType = namespace === '' ? 'Action' : `${namespace}::Action`;
    for (const [name, action] of Object.entries(actions)) {
      if (!isRecord(action)) return { kind: 'unknown', why: `action ${JSON.stringify(name)} is not an object` };
      const memberOf = action.memberOf ?? [];
      if (!Array.isArray(memberOf)) return { kind: 'unknown', why: `the memberOf of action ${JSON.stringify(name)} is not a list` };
      const edges: string[] = [];
      for (const group of memberOf) {
        if (!isRecord(group) || typeof group.id !== 'string') return { kind: 'unknown', why: `action ${name} has a malformed memberOf` };
        if (group.type === undefined) edges.push(entityKey({ type: actionType, id: group.id }));
        else if (typeof group.type === 'string') {
          edges.push(entityKey({ type: group.type, id: group.id }));
          if (namespace !== '') edges.push(entityKey({ type: `${namespace}::${group.type}`, id: group.id }));
        } else return { kind: 'unknown', why: `action ${name} has a memberOf whose type is not a string` };
      }
      const key = entityKey({ type: actionType, id: name });
      parents.set(key, [...(parents.get(key) ?? []), ...edges]);
    }
  }
  return { kind: 'known', parents };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
