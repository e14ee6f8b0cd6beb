// Copies a fixture project's inputs (tests/fixtures/<name>/: its domain and its project.yaml), and what generated code
// imports, into a temporary folder, for tests that change them; toolkit tests never run on the repository's own domain.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFileTree } from '../../common/file-tree.js';
import type { FixtureDomainName } from './fixture-domain.js';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface ProjectCopy {
  readonly root: string;
  remove(): void;
}

export interface CopyOptions {
  /** The fixture domain under tests/fixtures/ whose schema/, policies/ and modes/ are copied. */
  readonly domain: FixtureDomainName;
  /** Also copy runtime/, infra/ and common/ and link node_modules, so generated code can be type-checked. @default false */
  readonly withCode?: boolean;
  /** Copy the input files in reverse path order, so their creation order differs from the repository's. */
  readonly reverseOrder?: boolean;
}

export function copyProject(options: CopyOptions): ProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'authz-project-'));
  const domainRoot = join(REPO_ROOT, 'tests/fixtures', options.domain);
  for (const dir of ['schema', 'policies', 'modes']) {
    const files = listFiles(join(domainRoot, dir));
    if (options.reverseOrder) files.reverse();
    for (const file of files) cpSync(file, join(root, file.slice(domainRoot.length + 1)));
  }
  // A fixture is a whole project: its own settings come with it, so no test depends on the repository's project.yaml.
  cpSync(join(domainRoot, 'project.yaml'), join(root, 'project.yaml'));
  if (options.withCode) {
    for (const dir of ['runtime', 'infra', 'common']) cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
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
