// Converts Cedar JSON values and entities into Amazon Verified Permissions' typed attribute format, and back.
import type { AttributeValue, CedarTagValue, EntityItem } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * Cedar JSON's extension function names and the AttributeValue member AVP uses for each (API reference,
 * AttributeValue). Cedar spells the ipaddr constructor `ip`; `ipaddr` is accepted too, as Cedar's type name.
 */
const EXTENSION_MEMBERS = { decimal: 'decimal', ip: 'ipaddr', ipaddr: 'ipaddr', datetime: 'datetime', duration: 'duration' } as const;
type ExtensionMember = (typeof EXTENSION_MEMBERS)[keyof typeof EXTENSION_MEMBERS];

/** The Cedar function each AVP extension member is read back as. */
const EXTENSION_FUNCTIONS: Readonly<Record<ExtensionMember, string>> = {
  decimal: 'decimal',
  ipaddr: 'ip',
  datetime: 'datetime',
  duration: 'duration',
};

export function toAvpValue(value: CedarValueJson): AttributeValue {
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'boolean') return { boolean: value };
  if (typeof value === 'number') return { long: value };
  if (Array.isArray(value)) return { set: value.map(toAvpValue) };
  if (value === null) throw new TypeError('Cedar has no null value');
  if ('__entity' in value && isUid(value['__entity'])) {
    return { entityIdentifier: { entityType: value['__entity'].type, entityId: value['__entity'].id } };
  }
  if ('__extn' in value) return toAvpExtension(value['__extn']);
  const record: Record<string, AttributeValue> = {};
  for (const [key, item] of Object.entries(value)) record[key] = toAvpValue(item as CedarValueJson);
  return { record };
}

function toAvpExtension(call: unknown): AttributeValue {
  if (typeof call !== 'object' || call === null || !('fn' in call) || !('arg' in call)) {
    throw new TypeError(`an extension value needs {fn, arg}, got ${JSON.stringify(call)}`);
  }
  const { fn, arg } = call;
  const member = Object.entries(EXTENSION_MEMBERS).find(([name]) => name === fn)?.[1];
  if (member === undefined) throw new TypeError(`AVP has no attribute type for the extension function ${JSON.stringify(fn)}`);
  if (typeof arg !== 'string') throw new TypeError(`the argument of ${String(fn)} must be a string, got ${JSON.stringify(arg)}`);
  switch (member) {
    case 'decimal':
      return { decimal: arg };
    case 'ipaddr':
      return { ipaddr: arg };
    case 'datetime':
      return { datetime: arg };
    case 'duration':
      return { duration: arg };
  }
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
    // CedarTagValue has the same members as AttributeValue.
    ...(entity.tags !== undefined ? { tags: toAvpRecord(entity.tags) satisfies Record<string, CedarTagValue> } : {}),
  };
}

export function fromAvpValue(value: AttributeValue | CedarTagValue): CedarValueJson {
  if (value.string !== undefined) return value.string;
  if (value.boolean !== undefined) return value.boolean;
  if (value.long !== undefined) return value.long;
  if (value.set !== undefined) return value.set.map(fromAvpValue);
  if (value.entityIdentifier !== undefined) {
    return { __entity: { type: value.entityIdentifier.entityType ?? '', id: value.entityIdentifier.entityId ?? '' } };
  }
  if (value.record !== undefined) return fromAvpRecord(value.record);
  for (const member of ['decimal', 'ipaddr', 'datetime', 'duration'] as const) {
    const arg = value[member];
    if (arg !== undefined) return { __extn: { fn: EXTENSION_FUNCTIONS[member], arg } };
  }
  throw new TypeError(`unsupported AVP value ${JSON.stringify(value)}`);
}

export function fromAvpRecord(record: Record<string, AttributeValue | CedarTagValue>): Record<string, CedarValueJson> {
  const values: Record<string, CedarValueJson> = {};
  for (const [key, item] of Object.entries(record)) values[key] = fromAvpValue(item);
  return values;
}

export function fromAvpEntity(item: EntityItem): EntityJson {
  return {
    uid: { type: item.identifier?.entityType ?? '', id: item.identifier?.entityId ?? '' },
    attrs: fromAvpRecord(item.attributes ?? {}),
    parents: (item.parents ?? []).map((p) => ({ type: p.entityType ?? '', id: p.entityId ?? '' })),
    ...(item.tags !== undefined ? { tags: fromAvpRecord(item.tags) } : {}),
  };
}

function isUid(value: unknown): value is TypeAndId {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TypeAndId).type === 'string' &&
    typeof (value as TypeAndId).id === 'string'
  );
}

/** EntityJson allows `{__entity: uid}` or a bare uid; the runtime always builds bare ones. */
export function asUid(value: EntityJson['uid']): TypeAndId {
  return '__entity' in value ? value.__entity : value;
}
