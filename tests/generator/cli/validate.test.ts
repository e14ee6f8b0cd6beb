import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, type ProjectCopy } from '../../support/project-copy.js';
import { loadCorpus, materializeCase, removeCase, REPOSITORY_ROOT } from '../validate/corpus/cases.js';

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runValidate(args: readonly string[]): CliRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'generator/cli/validate.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

// A copy of the billing fixture domain whose customer mode misspells `action` as `acton` on its first route.
const BROKEN_CASE = 'mode-unknown-key-route';
let brokenRoot = '';
// The billing fixture domain as it is: a valid project.
let valid: ProjectCopy | undefined;
const validRoot = (): string => valid?.root ?? '';

beforeAll(() => {
  valid = copyProject({ domain: 'billing' });
  const corpusCase = loadCorpus().find((c) => c.name === BROKEN_CASE);
  if (!corpusCase) throw new Error(`corpus case ${BROKEN_CASE} is missing`);
  brokenRoot = materializeCase(corpusCase);
});

afterAll(() => {
  if (brokenRoot) removeCase(brokenRoot);
  valid?.remove();
});

describe('npm run validate on a valid project', () => {
  it('exits 0 and prints only a `valid:` summary with the project counts', () => {
    const run = runValidate(['--root', validRoot()]);

    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual([
      expect.stringMatching(/^valid: 0 errors, 0 warnings \(4 modes, 22 policies, 11 entity types, 12 actions\) in \d+ ms$/),
    ]);
    expect(run.stderr).toBe('');
  });
});

describe('npm run validate --root on a broken copy', () => {
  it('exits 1 and prints each diagnostic as path:line:col with its hint, then an `invalid:` summary', () => {
    const run = runValidate(['--root', brokenRoot]);

    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toEqual([
      'modes/customer.yaml:40:5: error MODE_REQUIRED: `routes[0]` is missing the required field `action`',
      '  hint: Add `action:`.',
      'modes/customer.yaml:42:5: error MODE_UNKNOWN_KEY: unknown key `acton` in `routes[0]`; did you mean `action`?',
      '  hint: Rename `acton` to `action`.',
      expect.stringMatching(/^invalid: 2 errors, 0 warnings in \d+ ms$/),
    ]);
  });

  it('prints GitHub Actions annotations with --format github, and no summary', () => {
    const run = runValidate(['--root', brokenRoot, '--format', 'github']);

    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toEqual([
      '::error file=modes/customer.yaml,line=40,col=5,title=MODE_REQUIRED::`routes[0]` is missing the required field `action` (hint: Add ' +
        '`action:`.)',
      '::error file=modes/customer.yaml,line=42,col=5,title=MODE_UNKNOWN_KEY::unknown key `acton` in `routes[0]`; did you mean `action`? ' +
        '(hint: Rename `acton` to `action`.)',
    ]);
  });

  it('prints one JSON document with every diagnostic with --format json', () => {
    const run = runValidate(['--root', brokenRoot, '--format', 'json']);

    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      diagnostics: [
        {
          file: 'modes/customer.yaml',
          line: 40,
          column: 5,
          severity: 'error',
          code: 'MODE_REQUIRED',
          message: '`routes[0]` is missing the required field `action`',
          hint: 'Add `action:`.',
        },
        {
          file: 'modes/customer.yaml',
          line: 42,
          column: 5,
          severity: 'error',
          code: 'MODE_UNKNOWN_KEY',
          message: 'unknown key `acton` in `routes[0]`; did you mean `action`?',
          hint: 'Rename `acton` to `action`.',
        },
      ],
    });
  });

  it('prints an empty diagnostics list with --format json on a valid project', () => {
    const run = runValidate(['--root', validRoot(), '--format', 'json']);

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ diagnostics: [] });
  });

  it('exits 1 and reports every missing input for an empty root', () => {
    const emptyRoot = mkdtempSync(join(tmpdir(), 'cedar-cli-empty-'));

    const run = runValidate(['--root', emptyRoot, '--format', 'json']);
    rmSync(emptyRoot, { recursive: true, force: true });

    expect(run.status).toBe(1);
    expect(
      (JSON.parse(run.stdout) as { diagnostics: Array<{ file: string; code: string }> }).diagnostics.map((d) => `${d.code} ${d.file}`),
    ).toEqual(['INPUT_MISSING modes/', 'INPUT_MISSING policies/', 'PROJECT_MISSING project.yaml', 'INPUT_MISSING schema/']);
  });
});

describe('npm run validate with bad arguments', () => {
  it('exits 2 on --format xml and names the allowed formats', () => {
    const run = runValidate(['--format', 'xml']);

    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      'validate: unknown --format "xml"; use one of text, github, json',
      'usage: npm run validate -- [--root <dir>] [--format text|github|json]',
    ]);
  });

  it('exits 2 on an unknown option and prints the usage', () => {
    const run = runValidate(['--strict']);

    expect(run.status).toBe(2);
    expect(lines(run.stderr)).toEqual([
      'validate: unknown option --strict',
      'usage: npm run validate -- [--root <dir>] [--format text|github|json]',
    ]);
  });
});
