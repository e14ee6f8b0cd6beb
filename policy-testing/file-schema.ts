// Checks suite, fixture and coverage files against their JSON Schemas with ajv and points each error at its YAML node.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { START_OF_FILE } from '../generator/diagnostics/diagnostic.js';
import type { YamlSource } from '../generator/load/yaml-source.js';
import { explainSchemaErrors } from '../generator/validate/schema-errors.js';
import { testDiagnostic, type TestDiagnostic } from './diagnostics.js';

export const TEST_FILE_SCHEMAS = {
  suite: 'policy-test.schema.json',
  fixture: 'policy-fixture.schema.json',
  coverage: 'policy-coverage.schema.json',
} as const;
export type TestFileKind = keyof typeof TEST_FILE_SCHEMAS;

/** The toolkit's schemas: every domain's suites, fixtures and waivers are checked against these, wherever they live. */
export const SCHEMA_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));

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
  return explainSchemaErrors(source, errors, { codes: TEST_FILE_CODES, documentName: 'the file' }).map((finding) =>
    testDiagnostic({ file: source.file.path, ...finding }),
  );
}

const TEST_FILE_CODES = { required: 'TEST_REQUIRED', unknownKey: 'TEST_UNKNOWN_KEY', invalidValue: 'TEST_INVALID_VALUE' } as const;
