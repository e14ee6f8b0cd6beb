// A mode that names an entity type without its namespace (`User`) or an action as a uid (`Action::"view"`) fails
// the mode schema's pattern; the hint then gives the name to write, from the project's Cedar schema.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { modeNameHint, type SchemaNames } from '../diagnostics/plain-cedar-hints.js';

const ROUTE_ACTION = /^\/routes\/\d+\/action$/;

export function modeNameHintFor(error: ErrorObject, names: SchemaNames | undefined): string | undefined {
  if (names === undefined || error.keyword !== 'pattern' || typeof error.data !== 'string') return undefined;
  if (error.schemaPath === '#/$defs/entityTypeName/pattern') return modeNameHint('entityType', error.data, names);
  if (ROUTE_ACTION.test(error.instancePath)) return modeNameHint('action', error.data, names);
  return undefined;
}
