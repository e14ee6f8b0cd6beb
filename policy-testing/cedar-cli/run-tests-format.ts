// The Cedar CLI's `run-tests` file: its types, and a check of any JSON against the format with a JSON path per problem.
//
// Source of the format: cedar-policy-cli, `src/command/run_test.rs` in github.com/cedar-policy/cedar (UncheckedTestCase,
// CheckedTestCaseSeed, compare_test_decisions), and its samples under cedar-policy-cli/sample-data/tiny_sandboxes/.
// A file is a JSON array of tests; `cedar run-tests --policies <file> [--schema <file>] --tests <file>` runs each one:
// - it names policies by their @id annotation (rename_from_id_annotation in the CLI), so `reason` holds @ids;
// - it passes when Cedar's own decision equals `decision`, every id of `reason` is among Cedar's determining
//   policies (a subset check, not equality), and the count of evaluation errors equals `num_errors`;
// - with `--schema` it validates the policy set (strict mode, no warnings allowed), the request and the entities.
import { readFileSync } from 'node:fs';
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

export interface CliRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, CedarValueJson>>;
}

export interface CliTest {
  readonly name?: string;
  readonly request: CliRequest;
  /** The entities, or the path of an entities file relative to the test file. */
  readonly entities: readonly EntityJson[] | string;
  readonly decision: 'allow' | 'deny';
  readonly reason: readonly string[];
  readonly num_errors: number;
}

/** One thing wrong with a test file: where (a JSON path such as `$[2].request.principal`), what, and how to fix it. */
export interface FormatProblem {
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

const SCHEMA_URL = new URL('./run-tests.schema.json', import.meta.url);
export const RUN_TESTS_SCHEMA_PATH = SCHEMA_URL.pathname;

let validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null | undefined };

/** The problems of `data` as a run-tests file; empty when the CLI's format accepts it. */
export function checkRunTestsFile(data: unknown): FormatProblem[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  }
  if (validate(data)) return [];
  // A `oneOf` reports each branch that failed besides its own error: its own error alone says it best.
  const errors = validate.errors ?? [];
  const inOneOf = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath);
  const problems = errors
    .filter((e) => e.keyword === 'oneOf' || !inOneOf.some((path) => e.instancePath.startsWith(path) && e.schemaPath.includes('/oneOf/')))
    .map(explain);
  return problems.filter((p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i);
}

function explain(error: ErrorObject): FormatProblem {
  const path = jsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        path,
        message: `\`${String(params['missingProperty'])}\` is missing`,
        hint: 'Each test needs request {principal, action, resource, context}, entities, decision, reason and num_errors.',
      };
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      return {
        path,
        message: `unknown key \`${key}\``,
        hint:
          key === 'has_error'
            ? 'Older CLI releases wrote `has_error`; the current format counts errors: write `"num_errors": 0`.'
            : 'Remove the key or correct its spelling.',
      };
    }
    case 'pattern':
      return {
        path,
        message: `${JSON.stringify(error.data)} is not an entity uid`,
        hint: 'Write the uid in Cedar syntax with its namespace, such as "Ns::User::\\"alice\\"".',
      };
    case 'enum':
      return { path, message: `${JSON.stringify(error.data)} is not allowed`, hint: 'Use "allow" or "deny" (lower case).' };
    case 'type':
      return { path, message: `must be ${String(params['type'])}`, hint: 'See the Cedar CLI run-tests format.' };
    case 'oneOf':
      return {
        path,
        message: 'matches none of the allowed shapes',
        hint: 'Entities are a list of {uid, attrs, parents} or the path of an entities file.',
      };
    default:
      return { path, message: error.message ?? error.keyword, hint: 'See the Cedar CLI run-tests format.' };
  }
}

/** `/3/request/principal` → `$[3].request.principal`. */
function jsonPath(pointer: string): string {
  return `$${pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')}`;
}
