// Checks that plain data (from YAML or a typed request) is Cedar JSON, and returns it typed as cedar-wasm's CedarValueJson.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { CedarValueError } from './errors.js';

/** Cedar JSON for one value; `where` names the value in the error, such as `attrs.owner`. */
export function toCedarValue(value: unknown, where: string): CedarValueJson {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    // Cedar's Long is an integer; a fraction or a number beyond 2^53 would be silently changed on the way.
    if (!Number.isSafeInteger(value))
      throw new CedarValueError(`${where} is ${value}: Cedar Longs here must be integers within ±(2^53 − 1)`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item: unknown, index) => toCedarValue(item, `${where}[${index}]`));
  if (value !== null && typeof value === 'object') return toCedarRecord(value, where);
  throw new CedarValueError(`${where} is ${value === null ? 'null' : typeof value}, which Cedar JSON cannot express`);
}

/** Cedar JSON for a record (attributes or context); properties set to undefined are left out, as optional ones are. */
export function toCedarRecord(value: object, where: string): Record<string, CedarValueJson> {
  const record: Record<string, CedarValueJson> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    record[key] = toCedarValue(item, where === '' ? key : `${where}.${key}`);
  }
  return record;
}
