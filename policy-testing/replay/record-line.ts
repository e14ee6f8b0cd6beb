// Reads one log line: a replayable decision record (as Powertools logs it, bare, or behind a CloudWatch export prefix),
// another log line to skip, or a line that claims to be a record and is broken.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { DECISION_RECORD_TYPE, DECISION_RECORD_VERSION, type ReplayableRecord } from '../../runtime/observability/decision-record.js';

export type RecordLine =
  | { readonly kind: 'record'; readonly record: ReplayableRecord }
  /** Any other log line: the decision line, a cold-start line, a blank line, text. */
  | { readonly kind: 'other' }
  /** It names itself a decision record but is not valid JSON or lacks a field. */
  | { readonly kind: 'bad'; readonly reason: string }
  /** A well-formed record of a version this replay does not know. */
  | { readonly kind: 'unknown-version'; readonly version: unknown };

/** Cheap pre-check: a line without this text is no record, and is skipped without being parsed. */
const RECORD_MARK = `"${DECISION_RECORD_TYPE}"`;

export function readRecordLine(line: string): RecordLine {
  if (!line.includes(RECORD_MARK)) return { kind: 'other' };
  // A CloudWatch Logs export or `aws logs tail` puts a timestamp (and stream name) before the JSON message.
  const start = line.indexOf('{');
  if (start < 0) return { kind: 'other' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(start === 0 ? line : line.slice(start));
  } catch (error) {
    return { kind: 'bad', reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const candidate = isObject(parsed) && isObject(parsed['record']) ? parsed['record'] : parsed;
  if (!isObject(candidate) || candidate['type'] !== DECISION_RECORD_TYPE) return { kind: 'other' };
  if (candidate['version'] !== DECISION_RECORD_VERSION) return { kind: 'unknown-version', version: candidate['version'] };
  const missing = missingField(candidate);
  if (missing !== undefined) return { kind: 'bad', reason: missing };
  // Every field replay reads was checked just above; the record's own type says what each one holds.
  return { kind: 'record', record: candidate as unknown as ReplayableRecord };
}

/** The first field that is absent or of the wrong shape, said as a reason; undefined when the record is whole. */
function missingField(record: Record<string, unknown>): string | undefined {
  const checks: readonly (readonly [string, (value: unknown) => boolean])[] = [
    ['mode', isString],
    ['bundleVersion', isString],
    ['principal', isUid],
    ['action', isUid],
    ['resource', isUid],
    ['context', isObject],
    ['entities', (value) => Array.isArray(value) && value.every(isEntity)],
    ['templateLinks', Array.isArray],
    ['redacted', (value) => Array.isArray(value) && value.every(isString)],
    ['decision', (value) => value === 'allow' || value === 'deny'],
    ['determiningPolicies', (value) => Array.isArray(value) && value.every(isString)],
  ];
  for (const [field, valid] of checks) {
    if (!valid(record[field])) return `the record's \`${field}\` is missing or malformed`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isUid(value: unknown): value is TypeAndId {
  return isObject(value) && isString(value['type']) && isString(value['id']);
}

function isEntity(value: unknown): value is EntityJson {
  return isObject(value) && isObject(value['uid']) && isObject(value['attrs']) && Array.isArray(value['parents']);
}

export type { CedarValueJson };
