// Chooses the one example route of a new mode from the schema: an action, a principal type and a resource type it names.
import type { ActionModel, CedarAttribute, EntityTypeModel, SchemaModel } from '../load/cedar-schema.js';
import { NoRoutableActionError } from './errors.js';

export interface ExampleRoute {
  readonly action: ActionModel;
  readonly principal: EntityTypeModel;
  readonly resource: EntityTypeModel;
  /** The context attributes the action requires, which the route must always supply. */
  readonly requiredContext: readonly (readonly [name: string, attribute: CedarAttribute])[];
}

/**
 * The first action, by id, that applies to a principal and a resource type of the schema, preferring one that
 * requires no context (a smaller first route to read); its first principal and resource types, by name.
 */
export function pickExampleRoute(schema: SchemaModel): ExampleRoute {
  const candidates = [...schema.actions.values()].flatMap((action) => {
    const principal = firstKnown(schema, action.principalTypes);
    const resource = firstKnown(schema, action.resourceTypes);
    if (principal === undefined || resource === undefined) return [];
    const requiredContext = Object.entries(action.context).filter(([, attribute]) => attribute.required);
    return [{ action, principal, resource, requiredContext }];
  });
  const chosen = candidates.find((candidate) => candidate.requiredContext.length === 0) ?? candidates[0];
  if (chosen === undefined) throw new NoRoutableActionError(schema.file.path);
  return chosen;
}

function firstKnown(schema: SchemaModel, names: readonly string[]): EntityTypeModel | undefined {
  return [...names]
    .sort()
    .map((name) => schema.entityTypes.get(name))
    .find((type) => type !== undefined);
}
