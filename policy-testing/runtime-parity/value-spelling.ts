// Spells a Cedar value the way a token claim, a header or a query parameter must carry it for the runtime to read
// that value back: the inverse of runtime/claims/typed-value.ts, written apart from it so that the parity run tests it.
import { EXTENSION_FUNCTION } from '../../runtime/claims/extension-text.js';
import type { ClaimEncoding, ExtensionType } from '../../runtime/config.js';
import type { ParsedValueType } from '../../runtime/claims/value-type.js';
import { formatValueType } from '../../runtime/claims/value-type.js';

/** The spelling, or what keeps the value from being carried (`a string, not a Long`). */
export type Spelling<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface ClaimSpellingOptions {
  readonly encoding: ClaimEncoding;
  /** A set claim carried as one string split on this (Cognito's space-delimited `scope`). */
  readonly delimiter?: string;
}

/** The claim value (JSON) that the runtime reads back as `value` of `type`. */
export function claimSpelling(value: unknown, type: ParsedValueType, options: ClaimSpellingOptions): Spelling<unknown> {
  if (options.encoding === 'text') {
    if (options.delimiter !== undefined && type.kind === 'Set' && isSimple(type.element))
      return delimitedText(value, type.element, options.delimiter, textSpelling);
    return textSpelling(value, type);
  }
  if (options.delimiter !== undefined && type.kind === 'Set' && type.element.kind === 'String')
    return delimitedText(value, type.element, options.delimiter, jsonSpelling);
  return jsonSpelling(value, type);
}

/** A claim as JSON: the JSON type must match the Cedar type exactly; extension values are strings. */
export function jsonSpelling(value: unknown, type: ParsedValueType): Spelling<unknown> {
  switch (type.kind) {
    case 'String':
      return typeof value === 'string' ? spelled(value) : wrong(value, type);
    case 'Long':
      return typeof value === 'number' && Number.isSafeInteger(value) ? spelled(value) : wrong(value, type);
    case 'Boolean':
      return typeof value === 'boolean' ? spelled(value) : wrong(value, type);
    case 'Extension':
      return extensionText(value, type.name);
    case 'Entity':
      return entityId(value, type.name);
    case 'Set': {
      if (!Array.isArray(value)) return wrong(value, type);
      const items: unknown[] = [];
      for (const item of value) {
        const element = jsonSpelling(item, type.element);
        if (!element.ok) return element;
        items.push(element.value);
      }
      return spelled(items);
    }
    case 'Record':
      return recordSpelling(value, type);
  }
}

/**
 * Text, as a header, a query parameter or a claim carried as text holds it: simple sets are comma-separated with
 * items trimmed and empty items dropped; records, and sets of sets or records, are JSON text.
 */
export function textSpelling(value: unknown, type: ParsedValueType): Spelling<string> {
  switch (type.kind) {
    case 'String':
      return typeof value === 'string' ? spelled(value) : wrong(value, type);
    case 'Long':
      return typeof value === 'number' && Number.isSafeInteger(value) ? spelled(String(value)) : wrong(value, type);
    case 'Boolean':
      return typeof value === 'boolean' ? spelled(String(value)) : wrong(value, type);
    case 'Extension':
      return extensionText(value, type.name);
    case 'Entity':
      return entityId(value, type.name);
    case 'Set': {
      if (!isSimple(type.element)) return asJsonText(jsonSpelling(value, type));
      const joined = delimitedText(value, type.element, ',', textSpelling);
      if (!joined.ok) return joined;
      // The runtime trims each comma-separated item and drops empty ones: only items that survive that are carried.
      const items = Array.isArray(value) ? value.map((item) => textSpelling(item, type.element)) : [];
      const mangled = items.find((item) => item.ok && (item.value.trim() !== item.value || item.value === ''));
      if (mangled?.ok)
        return {
          ok: false,
          problem: `the set item ${JSON.stringify(mangled.value)} would be trimmed or dropped from comma-separated text`,
        };
      return joined;
    }
    case 'Record':
      return asJsonText(recordSpelling(value, type));
  }
}

function delimitedText(
  value: unknown,
  element: ParsedValueType,
  delimiter: string,
  spell: (value: unknown, type: ParsedValueType) => Spelling<unknown>,
): Spelling<string> {
  if (!Array.isArray(value)) return wrong(value, { kind: 'Set', element });
  const items: string[] = [];
  for (const item of value) {
    const one = spell(item, element);
    if (!one.ok) return one;
    if (typeof one.value !== 'string') return { ok: false, problem: `the set item ${JSON.stringify(one.value)} is not text` };
    if (one.value === '' || one.value.includes(delimiter)) {
      return {
        ok: false,
        problem: `the set item ${JSON.stringify(one.value)} cannot be told apart in text split on ${JSON.stringify(delimiter)}`,
      };
    }
    items.push(one.value);
  }
  return spelled(items.join(delimiter));
}

function recordSpelling(value: unknown, type: Extract<ParsedValueType, { kind: 'Record' }>): Spelling<Record<string, unknown>> {
  if (!isRecord(value)) return wrong(value, type);
  const extra = Object.keys(value).filter((key) => !Object.hasOwn(type.attributes, key));
  if (extra.length > 0)
    return {
      ok: false,
      problem: `the record has ${extra.map((key) => `\`${key}\``).join(', ')}, which ${formatValueType(type)} does not declare`,
    };
  const entries: [string, unknown][] = [];
  for (const [name, attribute] of Object.entries(type.attributes)) {
    const item = Object.hasOwn(value, name) ? value[name] : undefined;
    if (item === undefined) {
      if (attribute.required) return { ok: false, problem: `the record lacks \`${name}\`, which ${formatValueType(type)} requires` };
      continue;
    }
    const one = jsonSpelling(item, attribute.type);
    if (!one.ok) return { ok: false, problem: `\`${name}\`: ${one.problem}` };
    entries.push([name, one.value]);
  }
  return spelled(Object.fromEntries(entries));
}

/** An extension value in explicit form (`{ __extn: { fn, arg } }`), or already as its text. */
function extensionText(value: unknown, name: ExtensionType): Spelling<string> {
  if (typeof value === 'string') return spelled(value);
  if (isRecord(value) && isRecord(value['__extn'])) {
    const { fn, arg } = value['__extn'];
    if (fn === EXTENSION_FUNCTION[name] && typeof arg === 'string') return spelled(arg);
  }
  return wrong(value, { kind: 'Extension', name });
}

function entityId(value: unknown, entityType: string): Spelling<string> {
  // Cedar JSON writes a reference `{ __entity: { type, id } }`, or, where the schema says it is one, `{ type, id }`.
  const reference = isRecord(value) && isRecord(value['__entity']) ? value['__entity'] : isRecord(value) ? value : undefined;
  if (reference && reference['type'] === entityType && typeof reference['id'] === 'string' && reference['id'] !== '')
    return spelled(reference['id']);
  return wrong(value, { kind: 'Entity', name: entityType });
}

function asJsonText(spelling: Spelling<unknown>): Spelling<string> {
  return spelling.ok ? spelled(JSON.stringify(spelling.value)) : spelling;
}

function isSimple(type: ParsedValueType): boolean {
  return type.kind !== 'Set' && type.kind !== 'Record';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function spelled<T>(value: T): Spelling<T> {
  return { ok: true, value };
}

function wrong(value: unknown, type: ParsedValueType): { ok: false; problem: string } {
  return { ok: false, problem: `${JSON.stringify(value)} is not a ${formatValueType(type)}` };
}
