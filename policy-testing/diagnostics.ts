// Diagnostics for suite, fixture and coverage files: the same `path:line:col: severity CODE: message` shape as `validate`,
// built by the same factory (generator/diagnostics/diagnostic.ts) from this catalog of codes.
import type { CodeInfo, DiagnosticCode } from '../generator/diagnostics/codes.js';
import { type Diagnostic, diagnosticFactory } from '../generator/diagnostics/diagnostic.js';

export const TEST_DIAGNOSTIC_CODES = {
  TEST_SCHEMA_LINE: {
    severity: 'warning',
    summary: 'A suite, fixture or coverage file does not start with the yaml-language-server schema line.',
    hint: 'Make the first line `# yaml-language-server: $schema=<relative path to the schema>` so editors check the file.',
  },
  TEST_REQUIRED: {
    severity: 'error',
    summary: 'A required field is missing.',
    hint: 'Add the field; the JSON Schema next to the suites describes every field.',
  },
  TEST_UNKNOWN_KEY: {
    severity: 'error',
    summary: 'A key the file schema does not know (often a typo).',
    hint: 'Remove the key or correct its spelling.',
  },
  TEST_INVALID_VALUE: {
    severity: 'error',
    summary: 'A value of the wrong type or outside its allowed values.',
    hint: 'Use a value the file schema allows.',
  },
  TEST_MODE_UNKNOWN: {
    severity: 'error',
    summary: 'A suite names a mode with no file in modes/, or whose policies do not load.',
    hint: 'Use the name of a file in modes/ without `.yaml`.',
  },
  TEST_FIXTURE_UNKNOWN: {
    severity: 'error',
    summary: 'A suite names a fixture file that does not exist.',
    hint: 'Use the name of a file in tests/policies/fixtures/ without `.yaml`.',
  },
  TEST_ENTITY_UNKNOWN: {
    severity: 'error',
    summary: 'A principal, resource or link names an entity the suite does not hold, or an id that several entities share.',
    hint: 'Use the id of an entity in the suite\'s fixtures, or a full uid such as `Ns::User::"alice"`.',
  },
  TEST_ENTITY_TYPE_UNKNOWN: {
    severity: 'error',
    summary: 'An entity uid has a type the Cedar schema does not declare.',
    hint: 'Use a namespaced entity type the schema declares, spelt `Namespace::Type`.',
  },
  TEST_ENTITY_INVALID: {
    severity: 'error',
    summary: 'A fixture entity does not conform to the Cedar schema, or its attributes are not Cedar JSON.',
    hint:
      "Give the entity the attributes and parent types the schema declares; deliberately broken entities belong in a case's " +
      '`entities`.',
  },
  TEST_ENTITY_DUPLICATE: {
    severity: 'error',
    summary: 'Two fixture entities share one uid.',
    hint: 'Keep one entity per uid; a case may replace a fixture entity through its own `entities`.',
  },
  TEST_ACTION_UNKNOWN: {
    severity: 'error',
    summary: 'A case or matrix names an action the Cedar schema does not declare.',
    hint: 'Use an action id the schema declares, spelled as there (its id alone, without the namespace).',
  },
  TEST_POLICY_UNKNOWN: {
    severity: 'error',
    summary: "An expectation names a policy id that is not in the suite's policy set.",
    hint: "Use the @id of a policy of the suite's mode, or the id of one of its template links.",
  },
  TEST_TEMPLATE_LINK: {
    severity: 'error',
    summary: "A template link names a template that is not in the suite's policy set, or reuses an id.",
    hint: "Link a template of the suite's mode, and give each link an id no policy uses.",
  },
  TEST_CASE_DUPLICATE: {
    severity: 'error',
    summary: 'Two cases of one suite have the same id `<principal>_<action>_<resource>`.',
    hint: 'Add a `variant` to one of them, such as `variant: over-limit`.',
  },
  TEST_MATRIX_CELL: {
    severity: 'error',
    summary: 'A matrix cell names a principal, action or resource outside the matrix, or a combination the schema does not allow.',
    hint: 'Write cells as `<principal> <action> <resource>` from the matrix lists; the action must apply to both types.',
  },
  TEST_WAIVER_UNKNOWN: {
    severity: 'error',
    summary: 'A coverage waiver names a policy id that no policy file declares.',
    hint: 'Remove the waiver or correct the id.',
  },
} as const satisfies Record<string, CodeInfo>;

export type TestDiagnosticCode = keyof typeof TEST_DIAGNOSTIC_CODES;

/** A diagnostic of the test files, or one the generator's loaders reported about a YAML or Cedar file. */
export type TestDiagnostic = Diagnostic<TestDiagnosticCode | DiagnosticCode>;

export const testDiagnostic = diagnosticFactory(TEST_DIAGNOSTIC_CODES);
