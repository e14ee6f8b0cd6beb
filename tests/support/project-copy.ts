// Copies the repository's inputs (and what generated code imports) into a temporary folder, for tests that change them.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFileTree } from '../../common/file-tree.js';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface ProjectCopy {
  readonly root: string;
  remove(): void;
}

export interface CopyOptions {
  /** Also copy runtime/ and infra/ and link node_modules, so generated code can be type-checked. @default false */
  readonly withCode?: boolean;
  /** Copy the input files in reverse path order, so their creation order differs from the repository's. */
  readonly reverseOrder?: boolean;
}

export function copyProject(options: CopyOptions = {}): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'authz-project-'));
  for (const dir of ['schema', 'policies', 'modes']) {
    const files = listFiles(join(REPO_ROOT, dir));
    if (options.reverseOrder) files.reverse();
    for (const file of files) cpSync(file, join(root, file.slice(REPO_ROOT.length + 1)));
  }
  if (options.withCode) {
    for (const dir of ['runtime', 'infra']) cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
    cpSync(join(REPO_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
    cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file under `dir`, as absolute paths in the tree reader's order. */
export function listFiles(dir: string): string[] {
  return listFileTree(dir).map((path) => join(dir, path));
}
