// The JSON wire form of AVP shapes, and checked readers for the members of a request body.
import type { AttributeValue, EntityItem } from '@aws-sdk/client-verifiedpermissions';
import { ValidationException } from './errors.js';

/**
 * An SDK model type as it travels in JSON: AVP sends timestamps as RFC 3339 strings, the SDK hands out `Date`s.
 * Typing replies with this keeps every member name checked against the SDK's own model.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required, non-empty string member. */
export function requiredString(body: JsonObject, key: string, path = key): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new ValidationException(`${path} must be a non-empty string`);
  return value;
}

export function optionalString(body: JsonObject, key: string, path = key): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationException(`${path} must be a string`);
  return value;
}

export function requiredObject(body: JsonObject, key: string, path = key): JsonObject {
  const value = body[key];
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  return value;
}

export function optionalObject(body: JsonObject, key: string, path = key): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  return value;
}

export function requiredArray(body: JsonObject, key: string, path = key): unknown[] {
  const value = body[key];
  if (!Array.isArray(value)) throw new ValidationException(`${path} must be a list`);
  return value;
}

export function optionalInteger(body: JsonObject, key: string, range: { readonly min: number; readonly max: number }): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ValidationException(`${key} must be an integer from ${range.min} to ${range.max}`);
  }
  return value;
}

/** One of the members of a union (`{static: ...}` or `{templateLinked: ...}`); AVP accepts exactly one. */
export function unionMember<K extends string>(union: JsonObject, members: readonly K[], path: string): { member: K; value: unknown } {
  const present = members.filter((member) => union[member] !== undefined && union[member] !== null);
  const [member] = present;
  if (present.length !== 1 || member === undefined) throw new ValidationException(`${path} must set exactly one of ${members.join(', ')}`);
  return { member, value: union[member] };
}

export interface Uid {
  readonly entityType: string;
  readonly entityId: string;
}

export function entityIdentifier(value: unknown, path: string): Uid {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  return {
    entityType: requiredString(value, 'entityType', `${path}.entityType`),
    entityId: requiredString(value, 'entityId', `${path}.entityId`),
  };
}

export function actionIdentifier(value: unknown, path: string): { readonly actionType: string; readonly actionId: string } {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  return {
    actionType: requiredString(value, 'actionType', `${path}.actionType`),
    actionId: requiredString(value, 'actionId', `${path}.actionId`),
  };
}

const TYPED_VALUE_MEMBERS = [
  'string',
  'long',
  'boolean',
  'set',
  'record',
  'entityIdentifier',
  'ipaddr',
  'decimal',
  'datetime',
  'duration',
] as const;
type TypedValueMember = (typeof TYPED_VALUE_MEMBERS)[number];

/**
 * The length and pattern AVP documents for each extension member (AttributeValue, AVP API reference:
 * https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_AttributeValue.html). Cedar checks the value
 * itself when it evaluates.
 */
const EXTENSION_FORMATS = {
  decimal: { min: 3, max: 23, pattern: /^-?\d{1,15}\.\d{1,4}$/ },
  ipaddr: { min: 1, max: 44, pattern: /^[0-9a-fA-F.:/]*$/ },
  datetime: { min: 10, max: 28, pattern: /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{4}))?$/ },
  duration: { min: 2, max: 100, pattern: /^-?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/ },
} as const;

/** A typed value, checked all the way down: exactly one known member, of the right JSON type and format. */
export function typedValue(value: unknown, path: string): AttributeValue {
  const keys = isJsonObject(value) ? Object.keys(value) : [];
  const [key] = keys;
  const member = TYPED_VALUE_MEMBERS.find((name) => name === key);
  if (!isJsonObject(value) || keys.length !== 1 || member === undefined) {
    throw new ValidationException(`${path} must hold exactly one of ${TYPED_VALUE_MEMBERS.join(', ')}`);
  }
  return memberValue(member, value[member], `${path}.${member}`);
}

function memberValue(member: TypedValueMember, item: unknown, path: string): AttributeValue {
  switch (member) {
    case 'string':
      if (typeof item !== 'string') throw new ValidationException(`${path} must be a string`);
      return { string: item };
    case 'long':
      if (typeof item !== 'number' || !Number.isInteger(item)) throw new ValidationException(`${path} must be an integer`);
      return { long: item };
    case 'boolean':
      if (typeof item !== 'boolean') throw new ValidationException(`${path} must be a boolean`);
      return { boolean: item };
    case 'set':
      if (!Array.isArray(item)) throw new ValidationException(`${path} must be a list`);
      return { set: item.map((element, index) => typedValue(element, `${path}[${index}]`)) };
    case 'record':
      return { record: attributeMap(item, path) };
    case 'entityIdentifier':
      return { entityIdentifier: entityIdentifier(item, path) };
    case 'decimal':
      return { decimal: extensionText(member, item, path) };
    case 'ipaddr':
      return { ipaddr: extensionText(member, item, path) };
    case 'datetime':
      return { datetime: extensionText(member, item, path) };
    case 'duration':
      return { duration: extensionText(member, item, path) };
  }
}

function extensionText(member: keyof typeof EXTENSION_FORMATS, item: unknown, path: string): string {
  const { min, max, pattern } = EXTENSION_FORMATS[member];
  if (typeof item !== 'string' || item.length < min || item.length > max || !pattern.test(item)) {
    throw new ValidationException(`${path} must be a string of ${min} to ${max} characters matching ${pattern.source}`);
  }
  return item;
}

/** A map of typed values (`contextMap`, an entity's `attributes` and `tags`, a `record`). */
export function attributeMap(value: unknown, path: string): Record<string, AttributeValue> {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  const map: Record<string, AttributeValue> = {};
  for (const [key, item] of Object.entries(value)) map[key] = typedValue(item, `${path}.${key}`);
  return map;
}

/** One member of `entityList`, rebuilt from checked parts. */
export function entityItem(value: unknown, path: string): EntityItem {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  const parents = value['parents'] === undefined || value['parents'] === null ? [] : requiredArray(value, 'parents', `${path}.parents`);
  return {
    identifier: entityIdentifier(value['identifier'], `${path}.identifier`),
    attributes:
      value['attributes'] === undefined || value['attributes'] === null ? {} : attributeMap(value['attributes'], `${path}.attributes`),
    parents: parents.map((parent, index) => entityIdentifier(parent, `${path}.parents[${index}]`)),
    // CedarTagValue has AttributeValue's members.
    ...(value['tags'] === undefined || value['tags'] === null ? {} : { tags: attributeMap(value['tags'], `${path}.tags`) }),
  };
}
