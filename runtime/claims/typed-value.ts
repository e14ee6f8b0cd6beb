// Converts claim and request values to Cedar values of a declared type, strictly: a wrong type is refused, never coerced.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { extensionValue } from './extension-text.js';
import type { ClaimEncoding } from '../config.js';
import type { ParsedValueType } from './value-type.js';
import { ValueTypeError } from './value-type-error.js';

export { ValueTypeError } from './value-type-error.js';

type RecordType = Extract<ParsedValueType, { kind: 'Record' }>;

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * A value from a token claim: JSON already, so types must match exactly. A Long claim must be a JSON integer, not a
 * string of digits; a Boolean claim must be true or false; an extension value is a string holding Cedar's spelling
 * of it (`"12.50"`, `"10.0.0.0/8"`); a record is a JSON object with exactly the declared attributes.
 */
export function claimToCedar(value: unknown, type: ParsedValueType, delimiter?: string): CedarValueJson {
  switch (type.kind) {
    case 'String':
      if (typeof value !== 'string') throw new ValueTypeError(`expected a string, got ${describe(value)}`);
      return value;
    case 'Long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw new ValueTypeError(`expected a safe integer, got ${describe(value)}`);
      return value;
    case 'Boolean':
      if (typeof value !== 'boolean') throw new ValueTypeError(`expected true or false, got ${describe(value)}`);
      return value;
    case 'Extension':
      if (typeof value !== 'string') throw new ValueTypeError(`expected a string holding a ${type.name}, got ${describe(value)}`);
      return extensionValue(type.name, value);
    case 'Entity':
      return entityReference(value, type.name);
    case 'Set': {
      const items = typeof value === 'string' && delimiter !== undefined ? value.split(delimiter).filter((s) => s !== '') : value;
      if (!Array.isArray(items)) throw new ValueTypeError(`expected a list, got ${describe(value)}`);
      return items.map((item) => claimToCedar(item, type.element));
    }
    case 'Record':
      return recordToCedar(value, type);
  }
}

/**
 * A value from a header, the query string, or a claim carried as text (Cognito's custom attributes): always text, so
 * Long and Boolean are parsed from their exact spelling. A set of simple values is comma-separated (items trimmed,
 * empty items dropped); a record, or a set of sets or records, is JSON text read with the claim rules.
 */
export function textToCedar(value: string, type: ParsedValueType): CedarValueJson {
  switch (type.kind) {
    case 'String':
      return value;
    case 'Long': {
      const number = Number(value);
      if (!INTEGER.test(value) || !Number.isSafeInteger(number))
        throw new ValueTypeError(`expected an integer, got ${JSON.stringify(value)}`);
      return number;
    }
    case 'Boolean':
      if (value !== 'true' && value !== 'false') throw new ValueTypeError(`expected "true" or "false", got ${JSON.stringify(value)}`);
      return value === 'true';
    case 'Extension':
      return extensionValue(type.name, value);
    case 'Entity':
      return entityReference(value, type.name);
    case 'Set': {
      const { element } = type;
      if (element.kind === 'Set' || element.kind === 'Record') return claimToCedar(parseJsonText(value, 'a list'), type);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => textToCedar(item, element));
    }
    case 'Record':
      return recordToCedar(parseJsonText(value, 'an object'), type);
  }
}

function recordToCedar(value: unknown, type: RecordType): CedarValueJson {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ValueTypeError(`expected an object, got ${describe(value)}`);
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !Object.hasOwn(type.attributes, key));
  if (unknown.length > 0)
    throw new ValueTypeError(
      `unknown attribute ${unknown.map((key) => JSON.stringify(key)).join(', ')}: the record declares ${declared(type)}`,
    );
  const entries: [string, CedarValueJson][] = [];
  for (const [name, attribute] of Object.entries(type.attributes)) {
    const item = Object.hasOwn(given, name) ? given[name] : undefined;
    if (item === undefined) {
      if (attribute.required) throw new ValueTypeError(`required attribute ${JSON.stringify(name)} is missing`);
      continue;
    }
    try {
      entries.push([name, claimToCedar(item, attribute.type)]);
    } catch (error) {
      if (error instanceof ValueTypeError)
        throw new ValueTypeError(`attribute ${JSON.stringify(name)}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  // fromEntries defines own properties, so an attribute named __proto__ stays data.
  return Object.fromEntries(entries);
}

function declared(type: RecordType): string {
  const names = Object.keys(type.attributes).sort();
  return names.length === 0 ? 'no attributes' : names.map((name) => JSON.stringify(name)).join(', ');
}

function parseJsonText(value: string, expected: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new ValueTypeError(`expected JSON text of ${expected}, got ${JSON.stringify(value.slice(0, 60))}`);
  }
}

function entityReference(value: unknown, entityType: string): CedarValueJson {
  if (typeof value !== 'string' || value === '') throw new ValueTypeError(`expected an entity id string, got ${describe(value)}`);
  return { __entity: { type: entityType, id: value } };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`;
}

/**
 * A claim's value as its mapping declares it carried: `json` (the JSON type must match) or `text` (a string holding
 * the value, read as a header would be; a delimiter, when given, splits a set instead of commas).
 */
export function encodedClaimToCedar(value: unknown, type: ParsedValueType, encoding: ClaimEncoding, delimiter?: string): CedarValueJson {
  if (encoding === 'json') return claimToCedar(value, type, delimiter);
  if (typeof value !== 'string') throw new ValueTypeError(`expected a string (the claim is carried as text), got ${describe(value)}`);
  if (type.kind === 'Set' && delimiter !== undefined && type.element.kind !== 'Set' && type.element.kind !== 'Record') {
    const { element } = type;
    return value
      .split(delimiter)
      .filter((item) => item !== '')
      .map((item) => textToCedar(item, element));
  }
  return textToCedar(value, type);
}
