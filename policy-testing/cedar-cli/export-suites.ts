// Turns loaded policy suites into Cedar CLI run-tests files: one per suite and schema check, with each mode's policies,
// the schema, a manifest and a script that runs them; what the CLI cannot express is refused per case, with its place.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { formatEntityUid } from '../entity-uid.js';
import type { TemplateLinkSpec } from '../evaluate.js';
import type { PolicyTests } from '../load-tests.js';
import type { LoadedSuite, PolicyCase } from '../load-suites.js';
import type { ModePolicySet } from '../policy-catalog.js';
import { SUITES_DIR, SUITE_SUFFIX } from '../test-files.js';
import type { CliTest } from './run-tests-format.js';

export const SCHEMA_FILE = 'schema.cedarschema';
export const MANIFEST_FILE = 'manifest.json';
export const SCRIPT_FILE = 'run-tests.sh';

export interface ExportedFile {
  readonly path: string;
  readonly contents: string;
}

/** A case and why the CLI's format cannot carry it (refused) or carries it only in a weaker form (weakened). */
export interface CaseNote {
  /** `tests/policies/x.test.yaml:12`. */
  readonly at: string;
  readonly caseId: string;
  readonly why: string;
}

/** One run-tests file and how to run it: the manifest lists these, and import reads the mode and schema check back. */
export interface ManifestEntry {
  readonly tests: string;
  readonly policies: string;
  /** True when the file runs with `--schema` (the suite's `schemaCheck: request`). */
  readonly withSchema: boolean;
  /** The file of the suite's template links, passed with `--template-linked`; null when the suite links none. */
  readonly templateLinks: string | null;
  readonly mode: string;
  readonly suite: string;
  readonly cases: number;
}

/**
 * A link as the CLI's `--template-linked <file>` reads it (a JSON array of these; TemplateLinked in cedar-policy-cli
 * src/lib.rs). The CLI renames templates by @id before linking, so `template_id` is the template's @id.
 */
export interface CliTemplateLink {
  readonly template_id: string;
  readonly link_id: string;
  readonly args: { readonly '?principal': string; readonly '?resource': string };
}

export interface Manifest {
  readonly format: 'cedar run-tests';
  readonly schema: string;
  readonly files: readonly ManifestEntry[];
  readonly refused: readonly CaseNote[];
  readonly weakened: readonly CaseNote[];
}

export interface CedarExport {
  readonly files: readonly ExportedFile[];
  readonly manifest: Manifest;
  readonly exportedCases: number;
}

const WHY_ERRORS =
  "it expects evaluation errors: the suite states the authorizer's fail-closed decision and error texts, the CLI Cedar's own " +
  'decision and an error count';
const WHY_EXACT = "determining is exact here; the CLI checks only that each listed reason is among Cedar's";
const WHY_EMPTY = 'determining: [] (no policy decides) has no CLI equivalent; only the decision is checked';

export function exportSuites(tests: PolicyTests): CedarExport {
  const schemaText = tests.schema?.file.text;
  if (schemaText === undefined) return { files: [], manifest: emptyManifest(), exportedCases: 0 };
  const files = new Map<string, string>([[SCHEMA_FILE, schemaText]]);
  const entries: ManifestEntry[] = [];
  const refused: CaseNote[] = [];
  const weakened: CaseNote[] = [];
  let exportedCases = 0;

  for (const suite of tests.suites) {
    const policies = `policies/${suite.mode}${suite.policySource === 'bundle' ? '.bundle' : ''}.cedar`;
    files.set(policies, policyFile(suite.policySet, suite.policySource));
    const base = `tests/${suiteName(suite.file)}`;
    const templateLinks = suite.links.length > 0 ? `links/${suiteName(suite.file)}.json` : null;
    if (templateLinks) files.set(templateLinks, `${JSON.stringify(suite.links.map(cliLink), null, 2)}\n`);
    const byCheck = { request: [] as CliTest[], none: [] as CliTest[] };
    for (const testCase of suite.cases) {
      const at = `${suite.file}:${testCase.position.line}`;
      if (testCase.expect.errors.length > 0) {
        refused.push({ at, caseId: testCase.id, why: WHY_ERRORS });
        continue;
      }
      const { determining } = testCase.expect;
      if (determining !== undefined) weakened.push({ at, caseId: testCase.id, why: determining.length === 0 ? WHY_EMPTY : WHY_EXACT });
      byCheck[testCase.schemaCheck].push(cliTest(testCase, at));
      exportedCases++;
    }
    for (const [check, cliTests] of Object.entries(byCheck)) {
      if (cliTests.length === 0) continue;
      const path = `${base}${check === 'none' ? '.no-schema' : ''}.json`;
      files.set(path, `${JSON.stringify(cliTests, null, 2)}\n`);
      entries.push({
        tests: path,
        policies,
        withSchema: check === 'request',
        templateLinks,
        mode: suite.mode,
        suite: suite.file,
        cases: cliTests.length,
      });
    }
  }
  const manifest: Manifest = { format: 'cedar run-tests', schema: SCHEMA_FILE, files: entries, refused, weakened };
  files.set(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  files.set(SCRIPT_FILE, runScript(entries));
  return { files: [...files].map(([path, contents]) => ({ path, contents })), manifest, exportedCases };
}

/** `tests/policies/lab/notes.test.yaml` → `lab/notes`. */
function suiteName(file: string): string {
  const inside = file.startsWith(`${SUITES_DIR}/`) ? file.slice(SUITES_DIR.length + 1) : file;
  return inside.endsWith(SUITE_SUFFIX) ? inside.slice(0, -SUITE_SUFFIX.length) : inside;
}

function cliTest(testCase: PolicyCase, at: string): CliTest {
  const { request, expect } = testCase;
  return {
    name: `${testCase.id} (${at})`,
    request: {
      principal: formatEntityUid(request.principal),
      action: formatEntityUid(request.action),
      resource: formatEntityUid(request.resource),
      context: request.context,
    },
    entities: testCase.entities.map(plainEntity),
    decision: expect.decision,
    reason: [...(expect.determining ?? expect.determiningIncludes ?? [])],
    num_errors: 0,
  };
}

function cliLink(link: TemplateLinkSpec): CliTemplateLink {
  return {
    template_id: link.templateId,
    link_id: link.id,
    args: { '?principal': formatEntityUid(link.principal), '?resource': formatEntityUid(link.resource) },
  };
}

/** Entities as the CLI's samples write them: uids and parents as {type, id}. */
function plainEntity(entity: EntityJson): EntityJson {
  return {
    uid: typeAndId(entity.uid),
    attrs: entity.attrs,
    parents: entity.parents.map(typeAndId),
    ...(entity.tags !== undefined ? { tags: entity.tags } : {}),
  };
}

function typeAndId(uid: EntityJson['uid']): TypeAndId {
  return '__entity' in uid ? uid.__entity : uid;
}

/**
 * The mode's policies and templates, sorted by id. The CLI names a policy by its @id annotation, so a policy from a
 * generated bundle (keyed by id) whose text has no @id gets one; otherwise its reasons would read `policy0`, ….
 */
function policyFile(policySet: ModePolicySet, source: LoadedSuite['policySource']): string {
  const header =
    `// The policies of mode ${policySet.mode}${source === 'bundle' ? ' (its generated bundle)' : ''}, written by ` +
    '`npm run suites -- export --cedar`.\n';
  const parts = [...Object.entries(policySet.staticPolicies), ...Object.entries(policySet.templates)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, text]) => (/@id\s*\(/.test(text) ? text : `@id(${JSON.stringify(id)})\n${text}`));
  return `${header}\n${parts.join('\n\n')}\n`;
}

function runScript(entries: readonly ManifestEntry[]): string {
  const lines = entries.map(
    (entry) =>
      `cedar run-tests --policies ${entry.policies}${entry.templateLinks ? ` --template-linked ${entry.templateLinks}` : ''}` +
      `${entry.withSchema ? ` --schema ${SCHEMA_FILE}` : ''} --tests ${entry.tests} || status=1`,
  );
  return [
    '#!/bin/sh',
    '# Runs the exported policy suites with the Cedar CLI (`cargo install cedar-policy-cli`, the `cedar` binary):',
    '#   sh run-tests.sh',
    '# Files ending .no-schema.json hold the cases of `schemaCheck: none` and run without --schema.',
    '# manifest.json lists the cases the export refused or checks in a weaker form, each with its file and line.',
    'cd "$(dirname "$0")" || exit 2',
    'status=0',
    ...lines,
    'exit $status',
    '',
  ].join('\n');
}

function emptyManifest(): Manifest {
  return { format: 'cedar run-tests', schema: SCHEMA_FILE, files: [], refused: [], weakened: [] };
}
