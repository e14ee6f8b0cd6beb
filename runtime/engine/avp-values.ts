// Converts Cedar JSON values and entities into Amazon Verified Permissions' typed attribute format, and back.
import type { AttributeValue, EntityItem } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';

export function toAvpValue(value: CedarValueJson): AttributeValue {
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'boolean') return { boolean: value };
  if (typeof value === 'number') return { long: value };
  if (Array.isArray(value)) return { set: value.map(toAvpValue) };
  if (value === null) throw new TypeError('Cedar has no null value');
  if ('__entity' in value && isUid(value['__entity'])) {
    return { entityIdentifier: { entityType: value['__entity'].type, entityId: value['__entity'].id } };
  }
  if ('__extn' in value) throw new TypeError('extension values are not sent to AVP by this runtime');
  const record: Record<string, AttributeValue> = {};
  for (const [key, item] of Object.entries(value)) record[key] = toAvpValue(item as CedarValueJson);
  return { record };
}

export function toAvpRecord(values: Readonly<Record<string, CedarValueJson>>): Record<string, AttributeValue> {
  const record: Record<string, AttributeValue> = {};
  for (const [key, item] of Object.entries(values)) record[key] = toAvpValue(item);
  return record;
}

export function toAvpEntity(entity: EntityJson): EntityItem {
  const uid = asUid(entity.uid);
  return {
    identifier: { entityType: uid.type, entityId: uid.id },
    attributes: toAvpRecord(entity.attrs),
    parents: entity.parents.map((parent) => {
      const p = asUid(parent);
      return { entityType: p.type, entityId: p.id };
    }),
  };
}

export function fromAvpValue(value: AttributeValue): CedarValueJson {
  if (value.string !== undefined) return value.string;
  if (value.boolean !== undefined) return value.boolean;
  if (value.long !== undefined) return value.long;
  if (value.set !== undefined) return value.set.map(fromAvpValue);
  if (value.entityIdentifier !== undefined) {
    return { __entity: { type: value.entityIdentifier.entityType ?? '', id: value.entityIdentifier.entityId ?? '' } };
  }
  if (value.record !== undefined) return fromAvpRecord(value.record);
  throw new TypeError(`unsupported AVP value ${JSON.stringify(value)}`);
}

export function fromAvpRecord(record: Record<string, AttributeValue>): Record<string, CedarValueJson> {
  const values: Record<string, CedarValueJson> = {};
  for (const [key, item] of Object.entries(record)) values[key] = fromAvpValue(item);
  return values;
}

export function fromAvpEntity(item: EntityItem): EntityJson {
  return {
    uid: { type: item.identifier?.entityType ?? '', id: item.identifier?.entityId ?? '' },
    attrs: fromAvpRecord(item.attributes ?? {}),
    parents: (item.parents ?? []).map((p) => ({ type: p.entityType ?? '', id: p.entityId ?? '' })),
  };
}

function isUid(value: unknown): value is TypeAndId {
  return typeof value === 'object' && value !== null && typeof (value as TypeAndId).type === 'string' && typeof (value as TypeAndId).id === 'string';
}

/** EntityJson allows `{__entity: uid}` or a bare uid; the runtime always builds bare ones. */
export function asUid(value: EntityJson['uid']): TypeAndId {
  return '__entity' in value ? value.__entity : value;
}
