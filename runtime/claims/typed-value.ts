// Converts claim and request values to Cedar values of a declared type, strictly: a wrong type is refused, never coerced.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ValueType } from '../config.js';

export class ValueTypeError extends Error {
  override readonly name = 'ValueTypeError';
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * A value from a token claim: JSON already, so types must match exactly. A Long claim must be a JSON integer,
 * not a string of digits; a Boolean claim must be true or false.
 */
export function claimToCedar(value: unknown, type: ValueType, delimiter?: string): CedarValueJson {
  switch (type) {
    case 'String':
      if (typeof value !== 'string') throw new ValueTypeError(`expected a string, got ${describe(value)}`);
      return value;
    case 'Long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ValueTypeError(`expected a safe integer, got ${describe(value)}`);
      return value;
    case 'Boolean':
      if (typeof value !== 'boolean') throw new ValueTypeError(`expected true or false, got ${describe(value)}`);
      return value;
    case 'Set<String>':
    case 'Set<Long>': {
      const element = type === 'Set<String>' ? 'String' : 'Long';
      const items = typeof value === 'string' && delimiter !== undefined ? value.split(delimiter).filter((s) => s !== '') : value;
      if (!Array.isArray(items)) throw new ValueTypeError(`expected a list, got ${describe(value)}`);
      return items.map((item) => claimToCedar(item, element));
    }
    default:
      return entityReference(value, type);
  }
}

/** A value from a header or the query string: always text, so Long and Boolean are parsed from their exact spelling. */
export function textToCedar(value: string, type: ValueType): CedarValueJson {
  switch (type) {
    case 'String':
      return value;
    case 'Long': {
      const number = Number(value);
      if (!INTEGER.test(value) || !Number.isSafeInteger(number)) throw new ValueTypeError(`expected an integer, got ${JSON.stringify(value)}`);
      return number;
    }
    case 'Boolean':
      if (value !== 'true' && value !== 'false') throw new ValueTypeError(`expected "true" or "false", got ${JSON.stringify(value)}`);
      return value === 'true';
    case 'Set<String>':
      return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'Set<Long>':
      return value.split(',').map((s) => textToCedar(s.trim(), 'Long'));
    default:
      return entityReference(value, type);
  }
}

function entityReference(value: unknown, type: ValueType): CedarValueJson {
  const match = /^Entity<(.+)>$/.exec(type);
  if (!match?.[1]) throw new ValueTypeError(`unsupported type ${type}`);
  if (typeof value !== 'string' || value === '') throw new ValueTypeError(`expected an entity id string, got ${describe(value)}`);
  return { __entity: { type: match[1], id: value } };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`;
}
