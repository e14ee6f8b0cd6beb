// Runs `npm run explain` as a user does: a real process, its stdout, stderr and exit code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureRoot } from '../../../support/fixture-domain.js';
import { type FinishedRun, runTsxAsync } from '../../../support/run-tsx.js';

/** The `--format json` object, as the tests read it. */
export interface ExplainJson {
  readonly decision: string;
  readonly reason: string;
  readonly determiningPolicies: readonly string[];
  readonly errors: readonly string[];
  readonly request: {
    readonly principal: { type: string; id: string } | null;
    readonly action: { type: string; id: string } | null;
    readonly resource: { type: string; id: string } | null;
    readonly context: Record<string, unknown> | null;
  };
  readonly entities: readonly { uid: { type: string; id: string }; attrs: Record<string, unknown>; parents: readonly unknown[] }[];
}

const CLI = 'local/cli/explain.ts';

/** Resolves when the process has exited: a server left listening would keep it alive and time the test out. */
export function explain(args: readonly string[], options: { readonly cwd?: string } = {}): Promise<FinishedRun> {
  // The toolkit's tests explain requests of the billing fixture, never of the repository's own domain.
  return runTsxAsync(CLI, args, { cwd: options.cwd ?? fixtureRoot('billing') });
}

const runs = new Map<string, Promise<FinishedRun>>();

/**
 * One run per distinct command line in a test file: several tests that each assert one fact of the same request
 * share its run (a run costs a process start and a project build).
 */
export function explainOnce(args: readonly string[]): Promise<FinishedRun> {
  const key = JSON.stringify(args);
  const run = runs.get(key) ?? explain(args);
  runs.set(key, run);
  return run;
}

/** Runs explain with `--format json` (once per command line) and parses its one object. */
export async function explainJson(args: readonly string[]): Promise<ExplainJson & { readonly code: number | null }> {
  const finished = await explainOnce([...args, '--format', 'json']);
  if (finished.code !== 0) throw new Error(`explain exited ${finished.code}: ${finished.stderr}`);
  return { ...(JSON.parse(finished.stdout) as ExplainJson), code: finished.code };
}

/** stderr without the AWS SDK's Node version notice, which does not come from explain. */
export function withoutSdkNotice(stderr: string): string {
  return stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?trace-warnings[^\n]*\n/, '');
}

/** explain's own lines on stderr, without the AWS SDK's Node version notice. */
export function ownErrorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('explain'));
}

export interface ScratchFiles {
  write(name: string, value: unknown): string;
  remove(): void;
}

/** A temporary folder for claims and entities files. */
export function scratchFiles(): ScratchFiles {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  return {
    write(name, value) {
      const file = join(dir, name);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
