// Checks suite, fixture and coverage files against their JSON Schemas with ajv and points each error at its YAML node.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { START_OF_FILE } from '../generator/diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../generator/load/yaml-source.js';
import { closestMatch } from '../generator/validate/did-you-mean.js';
import { formatPath } from '../generator/validate/mode-schema.js';
import { testDiagnostic, type TestDiagnostic } from './diagnostics.js';

export const TEST_FILE_SCHEMAS = {
  suite: 'policy-test.schema.json',
  fixture: 'policy-fixture.schema.json',
  coverage: 'policy-coverage.schema.json',
} as const;
export type TestFileKind = keyof typeof TEST_FILE_SCHEMAS;

/** Where the schemas live in this repository; suites anywhere else are still checked against these. */
export const SCHEMA_DIR = fileURLToPath(new URL('../tests/policies/', import.meta.url));

let validators: Record<TestFileKind, ValidateFunction> | undefined;

function validatorFor(kind: TestFileKind): ValidateFunction {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // File URLs as ids resolve the schemas' relative $refs the way editors resolve them.
    const schemas = Object.fromEntries(
      Object.entries(TEST_FILE_SCHEMAS).map(([name, file]) => {
        const path = `${SCHEMA_DIR}${file}`;
        return [name, { ...(JSON.parse(readFileSync(path, 'utf8')) as object), $id: pathToFileURL(path).href }];
      }),
    ) as Record<TestFileKind, object>;
    for (const schema of Object.values(schemas)) ajv.addSchema(schema);
    const compile = (name: TestFileKind): ValidateFunction => {
      const compiled = ajv.getSchema(pathToFileURL(`${SCHEMA_DIR}${TEST_FILE_SCHEMAS[name]}`).href);
      if (!compiled) throw new Error(`ajv lost the schema ${TEST_FILE_SCHEMAS[name]}`);
      return compiled;
    };
    validators = { suite: compile('suite'), fixture: compile('fixture'), coverage: compile('coverage') };
  }
  return validators[kind];
}

/** Every schema error of the file, plus a warning when its first line does not name the schema for editors. */
export function checkTestFile(source: YamlSource, kind: TestFileKind): TestDiagnostic[] {
  const diagnostics = checkSchemaLine(source, kind);
  const validate = validatorFor(kind);
  if (!validate(source.data)) diagnostics.push(...explain(source, validate.errors ?? []));
  return diagnostics;
}

function checkSchemaLine(source: YamlSource, kind: TestFileKind): TestDiagnostic[] {
  const firstLine = source.file.text.split('\n', 1)[0]?.trim() ?? '';
  const schemaFile = TEST_FILE_SCHEMAS[kind];
  if (/^# yaml-language-server: \$schema=\S+$/.test(firstLine) && firstLine.endsWith(schemaFile)) return [];
  return [
    testDiagnostic({
      file: source.file.path,
      at: START_OF_FILE,
      code: 'TEST_SCHEMA_LINE',
      message: `the first line should name the schema: \`# yaml-language-server: $schema=<path to ${schemaFile}>\``,
    }),
  ];
}

function explain(source: YamlSource, errors: readonly ErrorObject[]): TestDiagnostic[] {
  // `if` failures repeat the errors of the branch taken, `propertyNames` failures repeat the error about the key,
  // and the `required` errors of an `anyOf` branch are restated by the `anyOf` error.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const relevant = errors.filter(
    (e) => e.keyword !== 'if' && e.keyword !== 'propertyNames' && !(e.schemaPath.includes('/anyOf/') && anyOfPaths.has(e.instancePath)),
  );
  const seen = new Set<string>();
  const diagnostics: TestDiagnostic[] = [];
  for (const error of relevant) {
    const explained = explainOne(source, error);
    const key = `${explained.line}:${explained.column}:${explained.code}:${explained.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(explained);
  }
  return diagnostics;
}

function explainOne(source: YamlSource, error: ErrorObject): TestDiagnostic {
  const path = pointerToPath(error.instancePath);
  const where = path.length === 0 ? 'the file' : `\`${formatPath(path)}\``;
  const file = source.file.path;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return testDiagnostic({
        file,
        at: source.positionOf(path, 'key'),
        code: 'TEST_REQUIRED',
        message: `${where} is missing the required field \`${missing}\``,
        hint: hintForMissing(error.parentSchema, missing),
      });
    }
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestMatch(key, known);
      return testDiagnostic({
        file,
        at: source.positionOf([...path, key], 'key'),
        code: 'TEST_UNKNOWN_KEY',
        message: `unknown key \`${key}\` in ${where}` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
        hint: suggestion ? `Rename \`${key}\` to \`${suggestion}\`.` : `Remove \`${key}\`; the keys allowed here are: ${known.join(', ')}.`,
      });
    }
    case 'anyOf': {
      const branches = (error.schema as Array<{ required?: string[] }>).flatMap((branch) => branch.required ?? []);
      return testDiagnostic({
        file,
        at: source.positionOf(path, 'value'),
        code: 'TEST_REQUIRED',
        message: `${where} needs at least one of ${branches.map((b) => `\`${b}\``).join(', ')}`,
        hint: `Add ${branches.map((b) => `\`${b}:\``).join(' or ')}.`,
      });
    }
    default:
      return testDiagnostic({
        file,
        at: error.propertyName === undefined ? source.positionOf(path, 'value') : source.positionOf([...path, error.propertyName], 'key'),
        code: 'TEST_INVALID_VALUE',
        message: `${where} ${error.propertyName === undefined ? '' : `key \`${error.propertyName}\` `}${describeError(error)}`,
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

function hintForMissing(parentSchema: unknown, property: string): string {
  const schema = (parentSchema as { properties?: Record<string, { description?: string; enum?: unknown[]; const?: unknown }> } | undefined)
    ?.properties?.[property];
  if (typeof schema?.const === 'string') return `Add \`${property}: ${schema.const}\`.${schema.description ? ` ${schema.description}` : ''}`;
  if (schema?.enum) return `Add \`${property}:\` with one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}.`;
  if (schema?.description) return `Add \`${property}:\` (${schema.description.replace(/\.$/, '')}).`;
  return `Add \`${property}:\`.`;
}

function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
