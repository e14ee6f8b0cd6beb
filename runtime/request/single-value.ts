// The one reader of request values the decision depends on: a value that arrived more than once is ambiguous, never one copy.
import { AuthorizerError } from '../errors.js';

/**
 * One name's value as the event carries it:
 * - a string: one copy (a `headers` / `queryStringParameters` entry with no multi-value twin);
 * - a list: every copy, from REST / WebSocket `multiValueHeaders` / `multiValueQueryStringParameters`;
 * - `{ commaJoined }`: payload 2.0 text, where API Gateway joins repeated headers and query values with commas
 *   ("Payload format differences", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
export type ValueCopies = string | readonly string[] | CommaJoined | OnlyInMultiValue;

export interface CommaJoined {
  readonly commaJoined: string;
}

/**
 * A REST or WebSocket name the multi-value map has and the single-value map lacks. API Gateway fills both maps for every
 * name, so such an event is not one it sends: which copy a backend would read is unknown, and the value is ambiguous.
 */
export interface OnlyInMultiValue {
  readonly onlyInMultiValue: readonly string[];
}

export type ValueMap = Readonly<Record<string, ValueCopies | undefined>>;

/**
 * How the decision reads the value. `scalar` (String, Long, Boolean, an extension type, an entity id, the token) takes
 * one copy, so payload 2.0 text with a comma in it may be two copies joined and is ambiguous. `list` (a Set, or a
 * Record / nested list read as JSON text) may hold commas itself: only a repeat that the event shows as a repeat counts.
 */
export type ValueShape = 'scalar' | 'list';

export type SingleValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'one'; readonly value: string }
  | { readonly kind: 'ambiguous'; readonly why: string };

/** A value the decision reads arrived more than once: which copy the backend reads is unknown, so the answer is a Deny. */
export class AmbiguousInputError extends AuthorizerError {
  override readonly name = 'AmbiguousInputError';
  readonly outcome = 'deny';
  readonly kind = 'ambiguous-input';
}

/** The token arrived more than once: there is no one identity to verify, so the answer is a 401, as for a missing token. */
export class AmbiguousTokenError extends AuthorizerError {
  override readonly name = 'AmbiguousTokenError';
  readonly outcome = 'unauthorized';
  readonly kind = 'ambiguous-input';
}

/** A header's value: names compare case-insensitively, so `X-A` and `x-a` in one map are two copies. */
export function readHeader(headers: ValueMap, name: string, shape: ValueShape): SingleValue {
  const lower = name.toLowerCase();
  const keys = Object.keys(headers).filter((key) => key.toLowerCase() === lower && headers[key] !== undefined);
  if (keys.length > 1) return { kind: 'ambiguous', why: `header ${name} arrived under ${keys.length} spellings (${keys.join(', ')})` };
  const [key] = keys;
  return key === undefined ? { kind: 'absent' } : readCopies(headers[key], `header ${name}`, shape);
}

/** A query value: API Gateway keeps query names as sent, and they are case-sensitive, so only the exact name counts. */
export function readQuery(query: ValueMap, name: string, shape: ValueShape): SingleValue {
  return Object.hasOwn(query, name) ? readCopies(query[name], `query parameter ${name}`, shape) : { kind: 'absent' };
}

/** The one value, or undefined when absent; throws AmbiguousInputError when it arrived more than once. */
export function singleOrThrow(value: SingleValue): string | undefined {
  if (value.kind === 'ambiguous') throw new AmbiguousInputError(`${value.why}; send it once`);
  return value.kind === 'one' ? value.value : undefined;
}

function readCopies(copies: ValueCopies | undefined, what: string, shape: ValueShape): SingleValue {
  if (copies === undefined) return { kind: 'absent' };
  if (typeof copies === 'string') return { kind: 'one', value: copies };
  if (isOnlyInMultiValue(copies)) {
    return { kind: 'ambiguous', why: `${what} is in the multi-value map only: the event's two maps disagree` };
  }
  if (isCommaJoined(copies)) {
    if (shape === 'scalar' && copies.commaJoined.includes(','))
      return { kind: 'ambiguous', why: `${what} holds a comma, which payload 2.0 uses to join repeated copies` };
    return { kind: 'one', value: copies.commaJoined };
  }
  const [first, ...rest] = copies;
  if (first === undefined) return { kind: 'absent' };
  if (rest.length > 0) return { kind: 'ambiguous', why: `${what} arrived ${copies.length} times` };
  return { kind: 'one', value: first };
}

function isCommaJoined(copies: readonly string[] | CommaJoined | OnlyInMultiValue): copies is CommaJoined {
  return !Array.isArray(copies) && 'commaJoined' in copies;
}

function isOnlyInMultiValue(copies: readonly string[] | CommaJoined | OnlyInMultiValue): copies is OnlyInMultiValue {
  return !Array.isArray(copies) && 'onlyInMultiValue' in copies;
}

/**
 * A REST or WebSocket event's single-value and multi-value maps as one ValueMap. The multi-value map lists every copy
 * ("Input to an API Gateway Lambda authorizer",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html);
 * a single-value entry that is not among its name's copies is one more copy, and a name only the multi-value map has is
 * ambiguous, so the two maps can never disagree silently.
 */
export function restValueMap(single: unknown, multi: unknown): ValueMap {
  const singles = stringRecord(single);
  const multis = listRecord(multi);
  const map = ownRecord<ValueCopies>();
  for (const [name, value] of Object.entries(singles)) map[name] = value;
  for (const [name, copies] of Object.entries(multis)) {
    const one = singles[name];
    if (one === undefined) map[name] = copies.length === 0 ? copies : { onlyInMultiValue: copies };
    else map[name] = copies.includes(one) ? copies : [...copies, one];
  }
  return map;
}

/** A payload 2.0 event's `headers` or `queryStringParameters`: every value may be copies joined with commas. */
export function joinedValueMap(single: unknown): ValueMap {
  const map = ownRecord<ValueCopies>();
  for (const [name, value] of Object.entries(stringRecord(single))) map[name] = { commaJoined: value };
  return map;
}

function stringRecord(value: unknown): Record<string, string> {
  const record = ownRecord<string>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return record;
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') record[key] = item;
  return record;
}

function listRecord(value: unknown): Record<string, readonly string[]> {
  const record = ownRecord<readonly string[]>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return record;
  for (const [key, items] of Object.entries(value)) {
    if (Array.isArray(items)) record[key] = items.filter((item): item is string => typeof item === 'string');
  }
  return record;
}

/**
 * A map with no prototype. Event keys are the client's header and query names, and a Lambda event parsed from JSON
 * may name `toString`, `valueOf` or `__proto__`: on a plain object those read inherited members or set the prototype.
 */
function ownRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
