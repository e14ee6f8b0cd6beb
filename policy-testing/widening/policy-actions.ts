// Expands a policy's action scope into the schema's action ids, action groups included, so requests can be derived
// from the fixture requests of exactly those actions.
import type { SchemaModel } from '../../generator/load/cedar-schema.js';
import type { ActionScope } from './policy-facts.js';

/**
 * The ids of the actions the scope covers that a request can name, in schema order; `in` a group covers its members at
 * any depth. A group without `appliesTo` is left out: no request names it.
 */
export function actionsInScope(scope: ActionScope, schema: SchemaModel): string[] {
  const all = [...schema.actions.values()].filter((action) => action.principalTypes.length > 0);
  if (scope.kind === 'all') return all.map((action) => action.id);
  const named = new Set(scope.uids.map((uid) => uid.id));
  return all.filter((action) => ancestorsOf(action.id, schema).some((id) => named.has(id))).map((action) => action.id);
}

/** The action itself and every group above it. */
function ancestorsOf(id: string, schema: SchemaModel): string[] {
  const found = new Set<string>();
  const queue = [id];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (found.has(next)) continue;
    found.add(next);
    queue.push(...(schema.actions.get(next)?.groups ?? []));
  }
  return [...found];
}
