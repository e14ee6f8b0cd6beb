// Loads and validates the whole policy repository, collecting every diagnostic before anything is reported.
import { diagnostic, hasErrors, sortDiagnostics, START_OF_FILE, type Diagnostic } from '../diagnostics/diagnostic.js';
import { schemaNames } from '../diagnostics/plain-cedar-hints.js';
import { loadPolicyFile, type PolicySource } from '../load/cedar-policies.js';
import { loadSchema, type SchemaModel } from '../load/cedar-schema.js';
import type { ModeFile } from '../load/mode-file.js';
import type { ProjectFile } from '../load/project-file.js';
import { MODES_DIR, POLICIES_DIR, SCHEMA_DIR, type ProjectSources } from '../load/source-files.js';
import { loadYaml } from '../load/yaml-source.js';
import { checkModeSchema } from './mode-schema.js';
import { checkMode, type LoadedMode } from './modes.js';
import { checkPolicies } from './policies.js';
import { checkProjectSettings } from './project-settings.js';
import { checkSchemaSize } from './quotas.js';
import { checkSchemaSupport } from './schema-support.js';

/** Everything a valid repository holds, ready for the model step. */
export interface ValidProject {
  readonly sources: ProjectSources;
  /** project.yaml: what every mode shares. */
  readonly settings: ProjectFile;
  readonly schema: SchemaModel;
  readonly policies: readonly PolicySource[];
  readonly modes: readonly LoadedMode[];
}

export interface ValidationResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when there is no error (warnings allowed). */
  readonly project?: ValidProject;
}

export function validateProject(sources: ProjectSources): ValidationResult {
  const diagnostics: Diagnostic[] = [];

  const { diagnostics: settingsProblems, settings } = checkProjectSettings(sources.projectFile);
  diagnostics.push(...settingsProblems);

  const schema = loadOnlySchema(sources, diagnostics);

  const policies: PolicySource[] = [];
  if (sources.policyFiles.length === 0) {
    diagnostics.push(missing(POLICIES_DIR, 'no .cedar policy file under policies/'));
  }
  for (const file of sources.policyFiles) {
    const loaded = loadPolicyFile(file);
    diagnostics.push(...loaded.diagnostics);
    policies.push(...loaded.policies);
  }
  diagnostics.push(...checkPolicies(policies, schema));

  const modes: LoadedMode[] = [];
  if (sources.modeFiles.length === 0) {
    diagnostics.push(missing(MODES_DIR, 'no .yaml mode file under modes/'));
  }
  for (const file of sources.modeFiles) {
    const loaded = loadYaml(file);
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.source) continue;
    const schemaProblems = checkModeSchema(loaded.source, schema && schemaNames(schema));
    diagnostics.push(...schemaProblems);
    // Cross-checks assume the shape the mode schema guarantees, so they only run on schema-valid files.
    if (schemaProblems.length > 0) continue;
    const mode: LoadedMode = { source: loaded.source, mode: loaded.source.data as ModeFile };
    diagnostics.push(...checkMode(mode, { schema, policies, policyFiles: sources.policyFiles.map((file) => file.path) }));
    modes.push(mode);
  }

  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted) || !schema || !settings) return { diagnostics: sorted };
  return { diagnostics: sorted, project: { sources, settings, schema, policies, modes } };
}

function loadOnlySchema(sources: ProjectSources, diagnostics: Diagnostic[]): SchemaModel | undefined {
  const [file, ...extra] = sources.schemaFiles;
  if (!file) {
    diagnostics.push(missing(SCHEMA_DIR, 'no .cedarschema file under schema/'));
    return undefined;
  }
  if (extra.length > 0) {
    // Which file is the real schema is unknowable; validating against the first by name would blame every
    // policy and mode for the other file's types, so report the files and skip the schema checks.
    const paths = sources.schemaFiles.map((schemaFile) => schemaFile.path);
    for (const schemaFile of sources.schemaFiles) {
      diagnostics.push(
        diagnostic({
          file: schemaFile.path,
          at: START_OF_FILE,
          code: 'INPUT_MISSING',
          message: `schema/ holds ${paths.length} schema files (${paths.join(', ')}); the project has exactly one`,
        }),
      );
    }
    return undefined;
  }
  const loaded = loadSchema(file);
  diagnostics.push(...loaded.diagnostics);
  if (loaded.schema) diagnostics.push(...checkSchemaSize(loaded.schema), ...checkSchemaSupport(loaded.schema));
  return loaded.schema;
}

function missing(dir: string, message: string): Diagnostic {
  return diagnostic({ file: `${dir}/`, at: START_OF_FILE, code: 'INPUT_MISSING', message });
}
