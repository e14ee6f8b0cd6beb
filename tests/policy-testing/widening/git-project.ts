// A throwaway git repository for widening tests: a project committed as the base, then edited in the working tree.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, type ProjectCopy } from '../../support/project-copy.js';

export function git(root: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Policy Tests', '-c', 'user.email=policy-tests@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd: root, encoding: 'utf8' },
  );
}

/** Makes `root` a repository whose one commit holds everything in it. */
export function commitAll(root: string): void {
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
}

/** Replaces the first `from` of a file by `to`, and fails when the file does not hold it (the test would test nothing). */
export function edit(root: string, path: string, from: string, to: string): void {
  const text = readFileSync(join(root, path), 'utf8');
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  writeFileSync(join(root, path), text.replace(from, to));
}

/**
 * The whole fixture project at tests/fixtures/<name> (its suites too) in a temporary folder. The issue tracker is kept
 * out of FIXTURE_DOMAINS on purpose: it exists for the diff's widening tests, not for every toolkit test.
 */
export function copyFixtureProject(name: string): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'authz-widening-'));
  cpSync(join(REPO_ROOT, 'tests/fixtures', name), root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
