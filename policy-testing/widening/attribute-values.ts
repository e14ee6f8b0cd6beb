// Checks Cedar values against the schema's declared types, fills defaults for required attributes, and applies a
// probe's change to a record of attributes (a context or an entity's attrs), refusing any change the schema would.
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarAttribute, SchemaModel } from '../../generator/load/cedar-schema.js';
import type { ParsedValueType } from '../../runtime/claims/value-type.js';
import { entityOf } from './policy-facts.js';
import type { AttributeChange } from './probes.js';

export type CedarRecord = Readonly<Record<string, CedarValueJson>>;

/** The function that builds each extension type's values, as Cedar JSON's `__extn` names it. */
const EXTENSION_FUNCTIONS = { decimal: 'decimal', ipaddr: 'ip', datetime: 'datetime', duration: 'duration' } as const;
const EXTENSION_DEFAULTS = { decimal: '0.0', ipaddr: '0.0.0.0', datetime: '1970-01-01', duration: '0ms' } as const;

/** Whether the schema accepts `value` for an attribute of `type`. */
export function valueFits(value: CedarValueJson, type: ParsedValueType, schema: SchemaModel): boolean {
  switch (type.kind) {
    case 'String':
      return typeof value === 'string';
    case 'Long':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'Set':
      return Array.isArray(value) && value.every((item) => valueFits(item, type.element, schema));
    case 'Entity': {
      const uid = entityOf(value);
      const entityType = schema.entityTypes.get(type.name);
      if (!uid || uid.type !== type.name || !entityType) return false;
      return entityType.kind === 'standard' || entityType.choices.includes(uid.id);
    }
    case 'Extension': {
      const extension: unknown = isRecord(value) && '__extn' in value ? value['__extn'] : undefined;
      return isRecord(extension) && extension['fn'] === EXTENSION_FUNCTIONS[type.name] && typeof extension['arg'] === 'string';
    }
    case 'Record':
      return isRecord(value) && recordFits(value as CedarRecord, type.attributes, schema);
  }
}

/** Every key declared, every required one present, every value of its type. */
export function recordFits(record: CedarRecord, declared: Readonly<Record<string, CedarAttribute>>, schema: SchemaModel): boolean {
  return (
    Object.entries(record).every(([key, value]) => {
      const attribute = declared[key];
      return attribute !== undefined && valueFits(value, attribute.type, schema);
    }) && Object.entries(declared).every(([key, attribute]) => !attribute.required || key in record)
  );
}

/**
 * A value of `type` the schema accepts; entity references name an entity of the pool when there is one, so that a
 * policy following the reference finds it. Undefined for an enum entity type without choices.
 */
export function defaultValue(type: ParsedValueType, schema: SchemaModel, pool: readonly EntityJson[]): CedarValueJson | undefined {
  switch (type.kind) {
    case 'String':
      return 'synthetic';
    case 'Long':
      return 0;
    case 'Boolean':
      return false;
    case 'Set':
      return [];
    case 'Extension':
      return { __extn: { fn: EXTENSION_FUNCTIONS[type.name], arg: EXTENSION_DEFAULTS[type.name] } };
    case 'Entity': {
      const entityType = schema.entityTypes.get(type.name);
      if (entityType?.kind === 'enum') {
        const [first] = entityType.choices;
        return first === undefined ? undefined : { __entity: { type: type.name, id: first } };
      }
      const known = pool.map((entity) => uidOf(entity)).find((uid) => uid.type === type.name);
      return { __entity: known ?? { type: type.name, id: 'synthetic' } };
    }
    case 'Record': {
      const record: Record<string, CedarValueJson> = {};
      for (const [key, attribute] of Object.entries(type.attributes)) {
        if (!attribute.required) continue;
        const value = defaultValue(attribute.type, schema, pool);
        if (value === undefined) return undefined;
        record[key] = value;
      }
      return record;
    }
  }
}

/** The record with `change` applied to `attr`, or undefined when the schema does not allow the change. */
export function applyChange(options: {
  readonly record: CedarRecord;
  readonly attr: string;
  readonly declared: Readonly<Record<string, CedarAttribute>>;
  readonly change: AttributeChange;
  readonly schema: SchemaModel;
  readonly pool: readonly EntityJson[];
}): CedarRecord | undefined {
  const { record, attr, declared, change, schema, pool } = options;
  const attribute = declared[attr];
  if (!attribute) return undefined;
  const { [attr]: current, ...others } = record;
  // The record keeps its key order, so a derived context reads like the one it came from.
  const withValue = (value: CedarValueJson | undefined): CedarRecord | undefined =>
    value !== undefined && valueFits(value, attribute.type, schema) ? { ...record, [attr]: value } : undefined;
  switch (change.kind) {
    case 'set':
      return withValue(change.value);
    case 'present':
      // Already present: the record is a request of the space as it is.
      if (current !== undefined) return record;
      return withValue(change.value === 'default' ? defaultValue(attribute.type, schema, pool) : change.value);
    case 'absent':
      return attribute.required ? undefined : others;
    case 'add': {
      const members = Array.isArray(current) ? current : [];
      const already = members.some((member) => JSON.stringify(member) === JSON.stringify(change.member));
      return withValue(already ? members : [...members, change.member]);
    }
    case 'remove': {
      if (attribute.type.kind !== 'Set') return undefined;
      const members = Array.isArray(current) ? current : [];
      return withValue(members.filter((member) => JSON.stringify(member) !== JSON.stringify(change.member)));
    }
  }
}

export function uidOf(entity: EntityJson): { type: string; id: string } {
  return '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
