// Reads Cedar CLI run-tests files for import: one file or a folder of them (an export's manifest gives each its mode
// and schema check), parses and checks each, and reads entities files; every problem names its file and JSON path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { listFileTree } from '../../common/file-tree.js';
import { CedarCliInputError } from '../errors.js';
import { type CliTemplateLink, MANIFEST_FILE, type Manifest } from './export-suites.js';
import { checkRunTestsFile, type CliTest, type FormatProblem } from './run-tests-format.js';

/** A test whose entities are read: what import converts. */
export interface ReadTest extends Omit<CliTest, 'entities'> {
  readonly entities: readonly EntityJson[];
}

export interface ReadTestFile {
  /** As the user gave it, or relative to the folder given. */
  readonly path: string;
  readonly tests: readonly ReadTest[];
  /** From the export's manifest; undefined for a file the manifest does not list. */
  readonly mode: string | undefined;
  readonly withSchema: boolean;
  /** The template links the manifest gives the file (`--template-linked`); empty without. */
  readonly links: readonly CliTemplateLink[];
}

export interface FileProblem extends FormatProblem {
  readonly file: string;
}

/** Reads `input` (a run-tests file or a folder); throws CedarCliInputError listing every problem of every file. */
export function readTestFiles(input: string): ReadTestFile[] {
  if (!existsSync(input)) throw new CedarCliInputError(`${input}: no such file or folder; give a run-tests JSON file or a folder of them`);
  const isDir = statSync(input).isDirectory();
  const manifest = isDir ? readManifest(input) : undefined;
  // With an export's manifest, its test files; otherwise every .json file (an entities file among them would not
  // pass the format check, so keep those beside a manifest or import the test files one by one).
  const listed = !isDir ? [] : manifest ? manifest.files.map((file) => file.tests) : listFileTree(input).filter((p) => p.endsWith('.json'));
  const paths = isDir
    ? listed.filter((path) => path !== MANIFEST_FILE).map((path) => ({ full: join(input, path), shown: path }))
    : [{ full: input, shown: input }];
  if (paths.length === 0) throw new CedarCliInputError(`${input}: the folder holds no .json file`);
  const problems: FileProblem[] = [];
  const files: ReadTestFile[] = [];
  for (const { full, shown } of paths) {
    const entry = manifest?.files.find((file) => file.tests === shown);
    const read = readOne(full, shown, problems);
    const links = entry?.templateLinks ? readLinks(join(input, entry.templateLinks), entry.templateLinks, problems) : [];
    if (read) files.push({ path: shown, tests: read, mode: entry?.mode, withSchema: entry?.withSchema ?? true, links });
  }
  if (problems.length > 0) throw new CedarCliInputError(formatProblems(problems));
  return files;
}

export function formatProblems(problems: readonly FileProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.path}: ${p.message}\n  hint: ${p.hint}`).join('\n');
}

function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (error) {
    throw new CedarCliInputError(`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

function readOne(full: string, shown: string, problems: FileProblem[]): ReadTest[] | undefined {
  const data = parseJson(full, shown, problems);
  if (data === undefined) return undefined;
  const found = checkRunTestsFile(data).map((problem) => ({ file: shown, ...problem }));
  if (found.length > 0) {
    problems.push(...found);
    return undefined;
  }
  const tests = data as CliTest[];
  const read: ReadTest[] = [];
  tests.forEach((test, index) => {
    if (typeof test.entities !== 'string') {
      read.push({ ...test, entities: test.entities });
      return;
    }
    const entities = readEntitiesFile(dirname(full), test.entities, { file: shown, path: `$[${index}].entities` }, problems);
    if (entities) read.push({ ...test, entities });
  });
  return read;
}

/** An entities file, as the CLI reads it: relative to the test file, and never outside its folder. */
function readEntitiesFile(
  dir: string,
  name: string,
  where: { file: string; path: string },
  problems: FileProblem[],
): EntityJson[] | undefined {
  const full = resolve(dir, name);
  if (relative(dir, full).startsWith('..')) {
    problems.push({ ...where, message: `entities file \`${name}\` is outside the test file's folder`, hint: 'Keep it beside the tests.' });
    return undefined;
  }
  if (!existsSync(full)) {
    problems.push({ ...where, message: `entities file \`${name}\` does not exist`, hint: 'Give a path relative to the test file.' });
    return undefined;
  }
  const data = parseJson(full, `${where.file} → ${name}`, problems);
  if (data === undefined) return undefined;
  const found = checkRunTestsFile([{ request: PLACEHOLDER_REQUEST, entities: data, decision: 'deny', reason: [], num_errors: 0 }]);
  if (found.length > 0) {
    problems.push(
      ...found.map((p) => ({
        file: `${where.file} → ${name}`,
        path: p.path.replace(/^\$\[0\]\.entities/, '$'),
        message: p.message,
        hint: p.hint,
      })),
    );
    return undefined;
  }
  return data as EntityJson[];
}

// Checks an entities file with the one schema: wrapped in a test that is valid but for its entities.
const PLACEHOLDER_REQUEST = { principal: 'A::"a"', action: 'A::"a"', resource: 'A::"a"', context: {} };

/** A `--template-linked` file: a JSON array of {template_id, link_id, args: {"?principal", "?resource"}}. */
function readLinks(full: string, shown: string, problems: FileProblem[]): CliTemplateLink[] {
  const data = parseJson(full, shown, problems);
  if (data === undefined) return [];
  const links = Array.isArray(data) ? data : [];
  const bad = Array.isArray(data) ? links.findIndex((link: unknown) => !isLink(link)) : 0;
  if (bad >= 0) {
    problems.push({
      file: shown,
      path: Array.isArray(data) ? `$[${bad}]` : '$',
      message: 'not a template link',
      hint: 'A links file is a JSON array of {"template_id", "link_id", "args": {"?principal": uid, "?resource": uid}}.',
    });
    return [];
  }
  return links as CliTemplateLink[];
}

function isLink(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const link = value as Record<string, unknown>;
  const args = link['args'] as Record<string, unknown> | undefined;
  return (
    typeof link['template_id'] === 'string' &&
    typeof link['link_id'] === 'string' &&
    typeof args === 'object' &&
    args !== null &&
    typeof args['?principal'] === 'string' &&
    typeof args['?resource'] === 'string'
  );
}

function parseJson(full: string, shown: string, problems: FileProblem[]): unknown {
  try {
    return JSON.parse(readFileSync(full, 'utf8')) as unknown;
  } catch (error) {
    problems.push({
      file: shown,
      path: '$',
      message: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'A run-tests file is a JSON array of tests.',
    });
    return undefined;
  }
}
