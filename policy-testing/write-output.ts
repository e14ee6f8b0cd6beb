// Writes a report file, creating its folder: the one place the policy-testing tools write reports to disk.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULT_COVERAGE_PATH = '.tmp/policy-coverage.json';
export const DEFAULT_JUNIT_PATH = '.tmp/junit-policies.xml';

/** Writes `contents` to `path` (relative paths from `root`) and returns the absolute path written. */
export function writeOutput(root: string, path: string, contents: string): string {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, contents);
  return target;
}
