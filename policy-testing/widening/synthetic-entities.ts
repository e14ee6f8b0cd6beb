// Builds the entities a derived request needs that no fixture has: a schema-valid entity of a type, with its required
// attributes copied from a fixture of the same type (or filled with defaults) and only the parents a probe names.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { SchemaModel } from '../../generator/load/cedar-schema.js';
import { defaultValue, uidOf } from './attribute-values.js';
import { entityOf } from './policy-facts.js';

export interface SyntheticEntityOptions {
  readonly uid: TypeAndId;
  /** Kept when the schema lets the type be a member of theirs; nothing else is copied, so it is in no other group. */
  readonly parents: readonly TypeAndId[];
  readonly schema: SchemaModel;
  /** The fixtures: the first entity of the same type lends its attributes. */
  readonly pool: readonly EntityJson[];
}

/** A new entity the schema accepts; undefined for a type the schema lacks or an enum type (its entities are fixed). */
export function syntheticEntity({ uid, parents, schema, pool }: SyntheticEntityOptions): EntityJson | undefined {
  const entityType = schema.entityTypes.get(uid.type);
  if (entityType?.kind !== 'standard') return undefined;
  const model = pool.find((entity) => uidOf(entity).type === uid.type);
  const attrs: Record<string, CedarValueJson> = {};
  for (const [name, attribute] of Object.entries(entityType.attributes)) {
    const copied = model?.attrs[name];
    if (copied !== undefined) attrs[name] = model ? renamed(copied, uidOf(model), uid) : copied;
    else if (attribute.required) {
      const value = defaultValue(attribute.type, schema, pool);
      if (value === undefined) return undefined;
      attrs[name] = value;
    }
  }
  return {
    uid,
    attrs,
    parents: parents.filter((parent) => entityType.memberOfTypes.includes(parent.type)),
    ...(entityType.tags ? { tags: model?.tags ?? {} } : {}),
  };
}

/**
 * The model's own id, where its attributes repeat it (`userId: alice`, `self: User::"alice"`), becomes the new
 * entity's: a copy that still claimed to be alice would satisfy `resource.createdBy == principal.userId` for alice's
 * resources, and a synthetic entity must own nothing.
 */
function renamed(value: CedarValueJson, from: TypeAndId, to: TypeAndId): CedarValueJson {
  if (value === from.id) return to.id;
  const uid = entityOf(value);
  if (uid && uid.type === from.type && uid.id === from.id) return { __entity: to };
  if (Array.isArray(value)) return value.map((item) => renamed(item, from, to));
  return value;
}
