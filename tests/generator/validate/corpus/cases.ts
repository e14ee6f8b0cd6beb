// Loads the broken-input corpus (`*.case.yaml`) and applies one case to a fresh temporary copy of the billing fixture
// domain (tests/fixtures/billing), so the corpus never depends on the repository's own domain.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ALL_DIAGNOSTIC_CODES, type DiagnosticCode } from '../../../../generator/diagnostics/codes.js';
import { PROJECT_FILE } from '../../../../generator/load/source-files.js';
import { fixtureRoot } from '../../../support/fixture-domain.js';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CORPUS_DIR = fileURLToPath(new URL('.', import.meta.url));
/** The domain every case edits. */
export const CORPUS_DOMAIN_ROOT = fixtureRoot('billing');
const PROJECT_DIRS = ['schema', 'policies', 'modes'] as const;
const CASE_SUFFIX = '.case.yaml';

/**
 * One change to one file of the copied project. Exactly one of the shapes applies:
 * - `contents`: write the whole file (creating it and its folders when new);
 * - `delete: true`: remove the file or folder;
 * - `from` / `to`: replace the one occurrence of `from` (a case fails when `from` is missing or ambiguous);
 * - `insert` (with `after`, or at the end of the file): insert `insert` `times` times, `{{i}}` numbering the copies from 1.
 */
export type CaseEdit =
  | { readonly file: string; readonly contents: string }
  | { readonly file: string; readonly delete: true }
  | { readonly file: string; readonly from: string; readonly to: string }
  | { readonly file: string; readonly insert: string; readonly after?: string; readonly times?: number };

export interface ExpectedDiagnostic {
  readonly code: DiagnosticCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The whole message, when the case pins it. */
  readonly message?: string;
  /** A part of the message, for messages whose wording comes from cedar-wasm. */
  readonly messageIncludes?: string;
  /** The whole hint, when the case pins it. */
  readonly hint?: string;
}

export interface CorpusCase {
  /** The case file's name without `.case.yaml`. */
  readonly name: string;
  /** What the case breaks, in words; the test is named after it. */
  readonly title: string;
  readonly edits: readonly CaseEdit[];
  /** Every diagnostic validation reports for the case, in the validator's order (file, line, column, code). */
  readonly expect: readonly ExpectedDiagnostic[];
}

export function loadCorpus(): CorpusCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((entry) => entry.endsWith(CASE_SUFFIX))
    .sort()
    .map((entry) => parseCase(entry.slice(0, -CASE_SUFFIX.length), readFileSync(join(CORPUS_DIR, entry), 'utf8')));
}

function parseCase(name: string, text: string): CorpusCase {
  const fail = (problem: string): never => {
    throw new Error(`corpus case ${name}${CASE_SUFFIX}: ${problem}`);
  };
  let data: Partial<CorpusCase> | null = null;
  try {
    data = parse(text) as Partial<CorpusCase> | null;
  } catch (error) {
    fail(`not valid YAML: ${(error as Error).message}`);
  }
  if (typeof data?.title !== 'string' || data.title === '') return fail('needs a `title`');
  if (!Array.isArray(data.edits) || data.edits.length === 0) return fail('needs at least one entry in `edits`');
  if (!Array.isArray(data.expect) || data.expect.length === 0) return fail('needs at least one entry in `expect`');
  for (const expected of data.expect) {
    if (!ALL_DIAGNOSTIC_CODES.includes(expected.code)) fail(`unknown code ${String(expected.code)}`);
    if (typeof expected.file !== 'string' || !Number.isInteger(expected.line) || !Number.isInteger(expected.column)) {
      fail(`each expected diagnostic needs file, line and column (${JSON.stringify(expected)})`);
    }
  }
  return { name, title: data.title, edits: data.edits, expect: data.expect };
}

/**
 * Copies the fixture domain's schema/, policies/ and modes/, with the repository's project.yaml (toolkit-side
 * settings every project has), into a fresh temporary folder and applies the case's edits there.
 */
export function materializeCase(corpusCase: CorpusCase): string {
  const root = mkdtempSync(join(tmpdir(), `cedar-corpus-${corpusCase.name}-`));
  for (const dir of PROJECT_DIRS) cpSync(join(CORPUS_DOMAIN_ROOT, dir), join(root, dir), { recursive: true });
  const projectFile = join(REPOSITORY_ROOT, PROJECT_FILE);
  if (existsSync(projectFile)) cpSync(projectFile, join(root, PROJECT_FILE));
  for (const edit of corpusCase.edits) applyEdit(root, edit, corpusCase.name);
  return root;
}

export function removeCase(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

function applyEdit(root: string, edit: CaseEdit, caseName: string): void {
  const path = join(root, edit.file);
  const fail = (problem: string): never => {
    throw new Error(`corpus case ${caseName}: ${edit.file}: ${problem}`);
  };
  if ('contents' in edit) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, edit.contents);
    return;
  }
  if ('delete' in edit) {
    if (!existsSync(path)) fail('there is nothing to delete');
    rmSync(path, { recursive: true });
    return;
  }
  if (!existsSync(path)) fail('the file does not exist; use `contents` to create it');
  const text = readFileSync(path, 'utf8');
  if ('from' in edit) {
    const at = uniqueIndex(text, edit.from) ?? fail(`\`from\` must occur exactly once: ${JSON.stringify(edit.from)}`);
    writeFileSync(path, text.slice(0, at) + edit.to + text.slice(at + edit.from.length));
    return;
  }
  const times = edit.times ?? 1;
  const inserted = Array.from({ length: times }, (_, i) => edit.insert.replaceAll('{{i}}', String(i + 1))).join('');
  const at =
    edit.after === undefined
      ? text.length
      : (uniqueIndex(text, edit.after) ?? fail(`\`after\` must occur exactly once: ${JSON.stringify(edit.after)}`)) + edit.after.length;
  writeFileSync(path, text.slice(0, at) + inserted + text.slice(at));
}

function uniqueIndex(text: string, part: string): number | undefined {
  const first = text.indexOf(part);
  return first >= 0 && text.indexOf(part, first + 1) < 0 ? first : undefined;
}

/** `MODE_UNKNOWN_KEY at modes/customer.yaml:42:5`, for test names. */
export function describeExpected(expected: readonly ExpectedDiagnostic[]): string {
  return expected.map((d) => `${d.code} at ${d.file}:${d.line}:${d.column}`).join(', ');
}
