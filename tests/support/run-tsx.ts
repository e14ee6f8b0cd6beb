// Runs one of the toolkit's TypeScript CLIs as a user's `npm run` does: a real process, its exit status and output.
import { spawn, spawnSync } from 'node:child_process';
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

/** A process that ran to its end: `code` is null when a signal ended it. */
export interface FinishedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default the repository root */
  readonly cwd?: string;
}

/**
 * runTsx without blocking this process: for a CLI that talks to local endpoints living in the test process, which
 * spawnSync would keep from answering.
 */
export function runTsxAsync(script: string, args: readonly string[], options: RunOptions = {}): Promise<FinishedRun> {
  return runAsync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], options);
}

/** Runs any command to its end, with no stdin, and collects what it printed. */
export function runAsync(command: string, args: readonly string[], options: RunOptions = {}): Promise<FinishedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of this process without any AWS_* variable: a CLI run that no machine's AWS settings reach. */
export function envWithoutAws(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
}
