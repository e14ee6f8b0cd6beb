// Checks project.yaml: that it exists, parses, starts with its schema line and fits generator/schemas/project.schema.json,
// each finding pointing at its YAML node, as the mode files are checked.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { diagnostic, hasErrors, START_OF_FILE, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { ProjectFile } from '../load/project-file.js';
import { PROJECT_FILE, type SourceFile } from '../load/source-files.js';
import { loadYaml } from '../load/yaml-source.js';
import { SCHEMA_LINE_PREFIX } from './modes.js';
import { explainSchemaErrors } from './schema-errors.js';

const PROJECT_SCHEMA_PATH = fileURLToPath(new URL('../schemas/project.schema.json', import.meta.url));
export const PROJECT_SCHEMA_LINE = `${SCHEMA_LINE_PREFIX}./generator/schemas/project.schema.json`;

const PROJECT_CODES = { required: 'PROJECT_REQUIRED', unknownKey: 'PROJECT_UNKNOWN_KEY', invalidValue: 'PROJECT_INVALID_VALUE' } as const;

export interface ProjectSettingsResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when the file has no error. */
  readonly settings?: ProjectFile;
}

let compiled: ValidateFunction | undefined;

function projectValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false }).compile(
    JSON.parse(readFileSync(PROJECT_SCHEMA_PATH, 'utf8')) as object,
  );
  return compiled;
}

export function checkProjectSettings(file: SourceFile | undefined): ProjectSettingsResult {
  if (!file) {
    return {
      diagnostics: [
        diagnostic({ file: PROJECT_FILE, at: START_OF_FILE, code: 'PROJECT_MISSING', message: 'the project root has no project.yaml' }),
      ],
    };
  }
  const loaded = loadYaml(file);
  if (!loaded.source) return { diagnostics: loaded.diagnostics };
  const source = loaded.source;
  const diagnostics: Diagnostic[] = [];
  if (!(file.text.split('\n', 1)[0] ?? '').startsWith(SCHEMA_LINE_PREFIX)) {
    diagnostics.push(
      diagnostic({
        file: file.path,
        at: START_OF_FILE,
        code: 'PROJECT_SCHEMA_LINE',
        message: 'the first line is not a yaml-language-server schema line',
      }),
    );
  }
  const validate = projectValidator();
  if (!validate(source.data)) {
    const findings = explainSchemaErrors(source, validate.errors ?? [], {
      codes: PROJECT_CODES,
      documentName: 'project.yaml',
      hintForValue: (error) => nameHint(error) ?? describedHint(error),
    });
    diagnostics.push(...findings.map((finding) => diagnostic({ file: file.path, ...finding })));
  }
  return hasErrors(diagnostics) ? { diagnostics } : { diagnostics, settings: source.data as ProjectFile };
}

/** A wrong value's fix is what the schema says of the field, which a pattern alone does not tell a reader. */
function describedHint(error: ErrorObject): string | undefined {
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}

/** A name that is not kebab-case gets the kebab-case spelling of what was written, when there is one. */
function nameHint(error: ErrorObject): string | undefined {
  if (error.instancePath !== '/application/name' || error.keyword !== 'pattern' || typeof error.data !== 'string') return undefined;
  const kebab = error.data
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
  return kebab === ''
    ? 'Use kebab-case: lower-case letters and digits in words joined by `-`, starting with a letter, such as `acme-api`.'
    : `Use kebab-case: \`name: ${kebab}\`. Stack, API and metric names derive from it.`;
}
