// Checks a mode file against generator/schemas/mode.schema.json with ajv and points each error at its YAML node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../load/yaml-source.js';
import type { SchemaNames } from '../diagnostics/plain-cedar-hints.js';
import { modeNameHintFor } from './mode-name-hint.js';
import { explainSchemaErrors } from './schema-errors.js';

const MODE_SCHEMA_PATH = fileURLToPath(new URL('../schemas/mode.schema.json', import.meta.url));

let compiled: ValidateFunction | undefined;

function modeValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile(
    JSON.parse(readFileSync(MODE_SCHEMA_PATH, 'utf8')) as object,
  );
  return compiled;
}

/** `names`, the Cedar schema's names when it loaded, let a name written without its namespace get the one to write. */
export function checkModeSchema(source: YamlSource, names?: SchemaNames): Diagnostic[] {
  const validate = modeValidator();
  if (validate(source.data)) return [];
  return explain(source, validate.errors ?? [], names);
}

function explain(source: YamlSource, errors: readonly ErrorObject[], names: SchemaNames | undefined): Diagnostic[] {
  const hintForValue = (error: ErrorObject): string | undefined =>
    typeSpellingHint(error) ?? localPolicyStoreHint(error) ?? modeNameHintFor(error, names);
  const greedy = errors.flatMap((error) => greedyNotLast(source, error));
  const others = errors.filter((error) => greedyNotLast(source, error).length === 0);
  const findings = explainSchemaErrors(source, others, { codes: MODE_CODES, documentName: 'the mode', hintForValue }).map((finding) =>
    diagnostic({ file: source.file.path, ...finding }),
  );
  return [...greedy, ...findings];
}

/** A route path whose segments are each well formed, but with a greedy `{name+}` before the last one. */
const ROUTE_PATH = /^\/routes\/\d+\/path$/;
const SEGMENT = /^([A-Za-z0-9._~-]+|\{[A-Za-z][A-Za-z0-9_]*\+?\})$/;

/**
 * The path pattern refuses a greedy segment anywhere but last, as API Gateway does ("Create routes for HTTP APIs",
 * Working with path variables: "The greedy path variable must be at the end of the resource path",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html). ajv would only say the
 * pattern failed; this names the segment and the fix, under its own code.
 */
function greedyNotLast(source: YamlSource, error: ErrorObject): Diagnostic[] {
  if (error.keyword !== 'pattern' || !ROUTE_PATH.test(error.instancePath) || typeof error.data !== 'string') return [];
  const segments = error.data.replace(/^\//, '').split('/');
  if (!error.data.startsWith('/') || !segments.every((segment) => SEGMENT.test(segment))) return [];
  const greedy = segments.slice(0, -1).find((segment) => segment.endsWith('+}'));
  if (greedy === undefined) return [];
  const index = Number(error.instancePath.split('/')[2]);
  return [
    diagnostic({
      file: source.file.path,
      at: source.positionOf(['routes', index, 'path'], 'value'),
      code: 'ROUTE_GREEDY_NOT_LAST',
      message: `the greedy segment ${greedy} in ${error.data} is not the last one; API Gateway takes a greedy parameter only at the end`,
      hint:
        `End the path with ${greedy} (it takes the rest of the path, slashes included), ` +
        `or write {${greedy.slice(1, -2)}} for one segment.`,
    }),
  ];
}

const MODE_CODES = { required: 'MODE_REQUIRED', unknownKey: 'MODE_UNKNOWN_KEY', invalidValue: 'MODE_INVALID_VALUE' } as const;

export { formatPath } from './schema-errors.js';

/** Where a mode spells a Cedar value type: claim attributes and route context values. */
const VALUE_TYPE_PATHS = [/^\/claims\/attributes\/\d+\/type$/, /^\/routes\/\d+\/context\/[^/]+\/type$/];

/**
 * A record type written unquoted (`type: { city: String }`) reaches the schema as a YAML map, not a string; the fix
 * is quoting, which the generic "must be of type string" does not say.
 */
function typeSpellingHint(error: ErrorObject): string | undefined {
  const wasMap = error.keyword === 'type' && typeof error.data === 'object' && error.data !== null && !Array.isArray(error.data);
  if (!wasMap || !VALUE_TYPE_PATHS.some((pattern) => pattern.test(error.instancePath))) return undefined;
  return 'Quote a record type, as YAML would read it as a map: `type: "{ city: String, zip?: String }"`.';
}

/**
 * `engine.policyStore` means two things: under `kind: avp` the store the engine asks (`{ id, env }`), under
 * `kind: local` whether the stack deploys a store at all. Someone moving a mode from one engine to the other writes
 * the other form; the hint says which form this engine takes.
 */
function localPolicyStoreHint(error: ErrorObject): string | undefined {
  if (error.instancePath !== '/engine/policyStore') return undefined;
  if (error.keyword === 'enum') {
    return (
      'With `kind: local`, write `policyStore: none` (the default: the stack deploys no AVP store) or `policyStore: deploy` ' +
      '(it deploys one the local engine never reads, e.g. for shadow evaluation). `{ id, env }` belongs to `kind: avp`.'
    );
  }
  if (error.keyword === 'type') {
    return 'With `kind: avp`, `policyStore` names the store the engine asks: `policyStore: { id: <store id>, env: POLICY_STORE_ID }`.';
  }
  return undefined;
}
