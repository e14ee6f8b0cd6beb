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
  return { entityType: requiredString(value, 'entityType', `${path}.entityType`), entityId: requiredString(value, 'entityId', `${path}.entityId`) };
}

export function actionIdentifier(value: unknown, path: string): { readonly actionType: string; readonly actionId: string } {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  return { actionType: requiredString(value, 'actionType', `${path}.actionType`), actionId: requiredString(value, 'actionId', `${path}.actionId`) };
}

const TYPED_VALUE_MEMBERS = {
  string: 'string',
  long: 'number',
  boolean: 'boolean',
  set: 'array',
  record: 'object',
  entityIdentifier: 'object',
} as const;

/**
 * The outer level of a typed value: one known member of the right JSON type. Nested values are checked by the
 * runtime's converters, which throw a TypeError on anything else; callers report that as a ValidationException.
 */
function isTypedValue(value: unknown): value is AttributeValue {
  if (!isJsonObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const [key] = keys;
  const member = Object.entries(TYPED_VALUE_MEMBERS).find(([name]) => name === key);
  if (!member || key === undefined) return false;
  const item = value[key];
  const kind = Array.isArray(item) ? 'array' : item === null ? 'null' : typeof item;
  return kind === member[1];
}

/** A map of typed values (`contextMap`, an entity's `attributes`). */
export function attributeMap(value: unknown, path: string): Record<string, AttributeValue> {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  const map: Record<string, AttributeValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isTypedValue(item)) throw new ValidationException(`${path}.${key} must hold exactly one of ${Object.keys(TYPED_VALUE_MEMBERS).join(', ')}`);
    map[key] = item;
  }
  return map;
}

/** One member of `entityList`, rebuilt from checked parts. */
export function entityItem(value: unknown, path: string): EntityItem {
  if (!isJsonObject(value)) throw new ValidationException(`${path} must be an object`);
  if (value['tags'] !== undefined && value['tags'] !== null) throw new ValidationException(`${path}.tags: entity tags are not supported by the local endpoint`);
  const parents = value['parents'] === undefined || value['parents'] === null ? [] : requiredArray(value, 'parents', `${path}.parents`);
  return {
    identifier: entityIdentifier(value['identifier'], `${path}.identifier`),
    attributes: value['attributes'] === undefined || value['attributes'] === null ? {} : attributeMap(value['attributes'], `${path}.attributes`),
    parents: parents.map((parent, index) => entityIdentifier(parent, `${path}.parents[${index}]`)),
  };
}
