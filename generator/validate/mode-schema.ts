// Checks a mode file against modes/mode.schema.json with ajv and points each error at its YAML node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../load/yaml-source.js';
import { closestMatch } from './did-you-mean.js';

const MODE_SCHEMA_PATH = fileURLToPath(new URL('../../modes/mode.schema.json', import.meta.url));

let compiled: ValidateFunction | undefined;

function modeValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile(
    JSON.parse(readFileSync(MODE_SCHEMA_PATH, 'utf8')) as object,
  );
  return compiled;
}

export function checkModeSchema(source: YamlSource): Diagnostic[] {
  const validate = modeValidator();
  if (validate(source.data)) return [];
  return explain(source, validate.errors ?? []);
}

function explain(source: YamlSource, errors: readonly ErrorObject[]): Diagnostic[] {
  // `if`/`then` failures only repeat what the errors inside the `then` branch say, a `propertyNames` failure
  // only repeats the error about the key inside it, and the `required` errors of a `oneOf` branch are
  // restated by the `oneOf` error itself.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const relevant = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      e.keyword !== 'propertyNames' &&
      !(e.schemaPath.includes('/oneOf/') && oneOfPaths.has(e.instancePath)),
  );
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of relevant) {
    const explained = explainOne(source, error);
    const key = `${explained.line}:${explained.column}:${explained.code}:${explained.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(explained);
  }
  return diagnostics;
}

function explainOne(source: YamlSource, error: ErrorObject): Diagnostic {
  const path = pointerToPath(error.instancePath);
  const where = path.length === 0 ? 'the mode' : `\`${formatPath(path)}\``;
  const file = source.file.path;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return diagnostic({
        file,
        at: source.positionOf(path, 'key'),
        code: 'MODE_REQUIRED',
        message: `${where} is missing the required field \`${missing}\``,
        hint: `Add \`${missing}:\`${describeSchema(error.parentSchema, missing)}.`,
      });
    }
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestMatch(key, known);
      return diagnostic({
        file,
        at: source.positionOf([...path, key], 'key'),
        code: 'MODE_UNKNOWN_KEY',
        message: `unknown key \`${key}\` in ${where}` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
        hint: suggestion
          ? `Rename \`${key}\` to \`${suggestion}\`.`
          : `Remove \`${key}\`; the keys allowed here are: ${known.join(', ')}.`,
      });
    }
    case 'oneOf': {
      const branches = (error.schema as Array<{ required?: string[] }>).flatMap((branch) => branch.required ?? []);
      return diagnostic({
        file,
        at: source.positionOf(path, 'value'),
        code: 'MODE_INVALID_VALUE',
        message: `${where} must give exactly one of ${branches.map((b) => `\`${b}\``).join(', ')}`,
        hint: `Keep exactly one of ${branches.join(', ')}.`,
      });
    }
    default:
      // An error about a key (from `propertyNames`) points at that key, not at the map holding it.
      return diagnostic({
        file,
        at: error.propertyName === undefined ? source.positionOf(path, 'value') : source.positionOf([...path, error.propertyName], 'key'),
        code: 'MODE_INVALID_VALUE',
        message: `${where} ${error.propertyName === undefined ? '' : 'key '}${describeError(error)}`,
      });
  }
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(error.data)}`;
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}, not ${JSON.stringify(error.data)}`;
    case 'pattern':
      return `${JSON.stringify(error.data)} does not match the pattern ${String(params['pattern'])}`;
    case 'type':
      return `must be of type ${String(params['type'])}, not ${JSON.stringify(error.data)}`;
    default:
      return error.message ?? `fails the ${error.keyword} check`;
  }
}

function describeSchema(parentSchema: unknown, property: string): string {
  const schema = (parentSchema as { properties?: Record<string, { description?: string; enum?: unknown[] }> } | undefined)
    ?.properties?.[property];
  if (schema?.enum) return ` with one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema?.description) return ` (${schema.description.replace(/\.$/, '')})`;
  return '';
}

/** `routes[2].resource.type`: how a reader would name the node. */
export function formatPath(path: YamlPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
