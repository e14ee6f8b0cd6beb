// Finds the suite and fixture files under the suites folder and reads them, sorted by path so runs never depend on disk order.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFileTree } from '../common/file-tree.js';
import type { SourceFile } from '../generator/load/source-files.js';

/** Where suites live, relative to the project root. */
export const SUITES_DIR = 'tests/policies';
export const FIXTURES_SUBDIR = 'fixtures';
export const SUITE_SUFFIX = '.test.yaml';
export const COVERAGE_CONFIG = 'coverage.yaml';

export interface TestFiles {
  readonly suites: readonly SourceFile[];
  readonly fixtures: readonly SourceFile[];
}

export function readTestFiles(root: string, suitesDir: string = SUITES_DIR): TestFiles {
  const fixturesDir = `${suitesDir}/${FIXTURES_SUBDIR}`;
  return {
    suites: readTree(root, suitesDir, (path) => path.endsWith(SUITE_SUFFIX) && !path.startsWith(`${fixturesDir}/`)),
    fixtures: readTree(root, fixturesDir, (path) => path.endsWith('.yaml')),
  };
}

export function readSourceFile(root: string, path: string): SourceFile | undefined {
  const full = join(root, path);
  return existsSync(full) ? { path, text: readFileSync(full, 'utf8') } : undefined;
}

function readTree(root: string, dir: string, wanted: (path: string) => boolean): SourceFile[] {
  return listFileTree(join(root, dir))
    .map((path) => `${dir}/${path}`)
    .filter(wanted)
    .map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}
