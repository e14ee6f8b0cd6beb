// Loads everything a policy test run needs from one project folder: the schema, each mode's policies, the fixtures and the suites.
import { loadSchema, type SchemaModel } from '../generator/load/cedar-schema.js';
import { readProjectSources, type ProjectSources } from '../generator/load/source-files.js';
import type { TestDiagnostic } from './diagnostics.js';
import { sortDiagnostics } from '../generator/diagnostics/diagnostic.js';
import { loadFixtures } from './load-fixtures.js';
import { loadSuites, type LoadedSuite } from './load-suites.js';
import { loadPolicyCatalog, type PolicyCatalog } from './policy-catalog.js';
import { readTestFiles, SUITES_DIR } from './test-files.js';

export interface PolicyTests {
  readonly root: string;
  readonly sources: ProjectSources;
  /** Undefined when the schema does not load; then no suite loads either. */
  readonly schema: SchemaModel | undefined;
  readonly catalog: PolicyCatalog;
  readonly suites: readonly LoadedSuite[];
  /** Problems of the schema, policies, fixtures and suites, sorted by file and position. */
  readonly diagnostics: readonly TestDiagnostic[];
}

export interface LoadOptions {
  readonly root: string;
  /** The folder of suites and fixtures, relative to `root`. @default tests/policies */
  readonly suitesDir?: string;
  /** The policies and schema to test; @default what `root` holds. The diff passes another revision's. */
  readonly sources?: ProjectSources;
}

export function loadPolicyTests({ root, suitesDir = SUITES_DIR, sources = readProjectSources(root) }: LoadOptions): PolicyTests {
  const catalog = loadPolicyCatalog(sources);
  const diagnostics: TestDiagnostic[] = [...catalog.diagnostics];
  const schemaFile = sources.schemaFiles[0];
  const schemaLoad = schemaFile ? loadSchema(schemaFile) : undefined;
  diagnostics.push(...(schemaLoad?.diagnostics ?? []));
  const schema = schemaLoad?.schema;
  if (!schema || !schemaFile) return { root, sources, schema: undefined, catalog, suites: [], diagnostics: sortDiagnostics(diagnostics) };

  const files = readTestFiles(root, suitesDir);
  const fixtures = loadFixtures(files.fixtures, schema, schemaFile.text);
  const suites = loadSuites(files.suites, { root, schema, catalog, fixtures: fixtures.fixtures });
  diagnostics.push(...fixtures.diagnostics, ...suites.diagnostics);
  return { root, sources, schema, catalog, suites: suites.suites, diagnostics: sortDiagnostics(diagnostics) };
}
