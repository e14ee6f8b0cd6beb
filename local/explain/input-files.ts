// Reads the JSON files named on the command line; a missing or malformed file is a usage error, never a stack trace.
import { readFileSync } from 'node:fs';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { ExplainUsageError, reasonOf } from './errors.js';

/** `--claims`: one JSON object, the claims to sign. */
export function readClaimsFile(file: string): Record<string, unknown> {
  const value = readJson(file, '--claims');
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ExplainUsageError(`--claims ${file}: expected a JSON object of claims`);
  return value as Record<string, unknown>;
}

/**
 * `--entities`: Cedar's entities JSON, an array of `{ uid, attrs, parents }` (and `tags`). Only the shape the store
 * needs is checked here: what Cedar thinks of the values is for the runtime to say.
 */
export function readEntitiesFile(file: string): EntityJson[] {
  const value = readJson(file, '--entities');
  if (!Array.isArray(value)) throw new ExplainUsageError(`--entities ${file}: expected a JSON array of Cedar entities`);
  value.forEach((entity: unknown, index) => {
    const problem = entityProblem(entity);
    if (problem) throw new ExplainUsageError(`--entities ${file}: entity ${index}: ${problem}`);
  });
  // attrs and parents may be left out, as Cedar's own entities JSON allows.
  return (value as EntityJson[]).map((entity) => ({ ...entity, attrs: entity.attrs ?? {}, parents: entity.parents ?? [] }));
}

function entityProblem(entity: unknown): string | undefined {
  if (entity === null || typeof entity !== 'object' || Array.isArray(entity)) return 'expected an object with uid, attrs and parents';
  const { uid, attrs, parents } = entity as Record<string, unknown>;
  if (!isUid(uid) && !(isObject(uid) && isUid(uid['__entity']))) return 'uid must be { "type": ..., "id": ... }';
  if (attrs !== undefined && !isObject(attrs)) return 'attrs must be an object';
  if (parents !== undefined && !Array.isArray(parents)) return 'parents must be an array';
  return undefined;
}

function readJson(file: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExplainUsageError(`${flag} ${file}: cannot read it (${reasonOf(error)})`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ExplainUsageError(`${flag} ${file}: not valid JSON (${reasonOf(error)})`, { cause: error });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isUid(value: unknown): boolean {
  return isObject(value) && typeof value['type'] === 'string' && typeof value['id'] === 'string';
}
