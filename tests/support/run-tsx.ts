// Runs one of the toolkit's TypeScript CLIs as a user's `npm run` does: a real process, its exit status and output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './project-copy.js';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `script` is relative to the repository root, e.g. `generator/cli/validate.ts`; it runs with the root as cwd. */
export function runTsx(script: string, args: readonly string[]): CliRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
