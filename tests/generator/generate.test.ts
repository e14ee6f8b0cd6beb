import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateProject } from '../../generator/generate.js';
import { findStaleFiles } from '../../generator/write/check-files.js';
import { GenerateWriteError, writeGeneratedFiles } from '../../generator/write/write-files.js';
import { type CopyOptions, copyProject, listFiles, REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';

const copies: ProjectCopy[] = [];
afterEach(() => {
  while (copies.length > 0) copies.pop()?.remove();
});
/** A scratch copy of the billing fixture domain: generation is tested on it, never on the repository's own domain. */
function copy(options: Omit<CopyOptions, 'domain'> = {}): ProjectCopy {
  const made = copyProject({ domain: 'billing', ...options });
  copies.push(made);
  return made;
}

function generateCli(root: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'generator/cli/generate.ts'), '--root', root, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

function snapshot(root: string): Record<string, string> {
  const files = existsSync(join(root, 'generated')) ? listFiles(join(root, 'generated')) : [];
  return Object.fromEntries(
    [...files, join(root, 'cdk.json')].filter(existsSync).map((f) => [f.slice(root.length + 1), readFileSync(f, 'utf8')]),
  );
}

describe('generate', () => {
  it('produces the files of every mode, plus schema.ts, app.ts, project.ts, cdk.json and .github/CODEOWNERS', () => {
    const { files } = generateProject(copy().root);
    expect(files?.map((f) => f.path)).toEqual([
      '.github/CODEOWNERS',
      'cdk.json',
      'generated/app.ts',
      'generated/customer/authorizer.ts',
      'generated/customer/policies.json',
      'generated/customer/stack.ts',
      'generated/internal/authorizer.ts',
      'generated/internal/policies.json',
      'generated/internal/stack.ts',
      'generated/m2m/authorizer.ts',
      'generated/m2m/policies.json',
      'generated/m2m/stack.ts',
      'generated/multi-tenant/authorizer.ts',
      'generated/multi-tenant/policies.json',
      'generated/multi-tenant/stack.ts',
      'generated/project.ts',
      'generated/schema.ts',
    ]);
  });

  it('puts a do-not-edit header with its sources and their hash on every file', () => {
    const { files } = generateProject(copy().root);
    for (const file of files ?? []) {
      expect(file.contents, file.path).toMatch(/DO NOT EDIT/);
      expect(file.contents, file.path).toMatch(/sha256:[0-9a-f]{64}/);
    }
    const customer = files?.find((f) => f.path === 'generated/customer/authorizer.ts')?.contents ?? '';
    expect(customer).toContain('// Source: modes/customer.yaml');
    expect(customer).toContain('// Source: policies/customer/roles.cedar');
    expect(customer).not.toContain('policies/staff');
  });

  it('contains no absolute path and no timestamp', () => {
    const project = copy();
    const { files } = generateProject(project.root);
    for (const file of files ?? []) {
      expect(file.contents, file.path).not.toContain(project.root);
      expect(file.contents, file.path).not.toContain(REPO_ROOT);
      expect(file.contents, file.path).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/);
    }
  });

  it('is byte-identical when run twice', () => {
    const project = copy();
    expect(generateCli(project.root).status).toBe(0);
    const first = snapshot(project.root);
    expect(generateCli(project.root).status).toBe(0);
    expect(snapshot(project.root)).toEqual(first);
    expect(Object.keys(first).length).toBe(16);
  });

  it('is byte-identical when the input files were created in another order', () => {
    const forward = generateProject(copy().root).files;
    const reversed = generateProject(copy({ reverseOrder: true }).root).files;
    expect(reversed).toEqual(forward);
  });

  it('renders in-process exactly what the CLI writes, so --check (which the test command runs) agrees with generate', () => {
    const project = copy();
    expect(generateCli(project.root).status).toBe(0);
    const { files } = generateProject(project.root);
    expect(findStaleFiles(project.root, files ?? [])).toEqual([]);
  });
});

describe('generate --check', () => {
  it('passes on freshly generated output', () => {
    const project = copy();
    generateCli(project.root);
    const result = generateCli(project.root, '--check');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/17 files up to date/);
  });

  it('catches a hand edit to any generated file', () => {
    const project = copy();
    generateCli(project.root);
    const files = generateProject(project.root).files ?? [];
    for (const path of Object.keys(snapshot(project.root))) {
      const full = join(project.root, path);
      const original = readFileSync(full, 'utf8');
      writeFileSync(full, original.replace(/\n/, '\n// a hand edit\n'));
      expect(
        findStaleFiles(project.root, files).map((s) => `${s.path}:${s.problem}`),
        path,
      ).toEqual([`${path}:changed`]);
      writeFileSync(full, original);
    }
  });

  it('fails with the stale file, a short diff and the command to run', () => {
    const project = copy();
    generateCli(project.root);
    const path = 'generated/customer/authorizer.ts';
    writeFileSync(
      join(project.root, path),
      readFileSync(join(project.root, path), 'utf8').replace('"ttlSeconds": 300', '"ttlSeconds": 3000'),
    );
    const result = generateCli(project.root, '--check');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${path}: changed`);
    expect(result.stderr).toMatch(/line \d+ - +"ttlSeconds": 3000/);
    expect(result.stderr).toMatch(/line \d+ \+ +"ttlSeconds": 300,?$/m);
    expect(result.stderr).toContain('Run `npm run generate`');
  });

  it('reports a missing file and an extra file', () => {
    const project = copy();
    generateCli(project.root);
    writeFileSync(join(project.root, 'generated/customer/authorizer.ts'), '');
    mkdirSync(join(project.root, 'generated/old-mode'));
    writeFileSync(join(project.root, 'generated/old-mode/stack.ts'), '// left over\n');
    const stale = findStaleFiles(project.root, generateProject(project.root).files ?? []);
    expect(stale.map((s) => `${s.path}:${s.problem}`)).toEqual([
      'generated/customer/authorizer.ts:changed',
      'generated/old-mode/stack.ts:extra',
    ]);
  });
});

describe('writing', () => {
  it('writes nothing and exits 1 when validation fails', () => {
    const project = copy();
    generateCli(project.root);
    const before = snapshot(project.root);
    writeFileSync(
      join(project.root, 'modes/customer.yaml'),
      readFileSync(join(project.root, 'modes/customer.yaml'), 'utf8').replace('action: ViewAccount', 'action: ViewAcount'),
    );
    const result = generateCli(project.root);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/modes\/customer\.yaml:\d+:\d+: error ACTION_UNKNOWN/);
    expect(result.stderr).toContain('nothing was written');
    expect(snapshot(project.root)).toEqual(before);
  });

  it('leaves generated/ exactly as it was when a write fails midway', () => {
    const project = copy();
    generateCli(project.root);
    const before = snapshot(project.root);
    const files = generateProject(project.root).files ?? [];
    // The second file cannot be written: its parent path is already a file.
    const broken = [...files, { path: 'generated/schema.ts/impossible.ts', contents: 'x' }];
    expect(() => writeGeneratedFiles(project.root, broken)).toThrow(GenerateWriteError);
    expect(snapshot(project.root)).toEqual(before);
    expect(listFiles(project.root).filter((f) => f.includes('.generated.'))).toEqual([]);
  });

  it('removes files of a mode that no longer exists', () => {
    const project = copy();
    generateCli(project.root);
    mkdirSync(join(project.root, 'generated/retired'));
    writeFileSync(join(project.root, 'generated/retired/authorizer.ts'), '// old\n');
    expect(generateCli(project.root).status).toBe(0);
    expect(existsSync(join(project.root, 'generated/retired'))).toBe(false);
  });
});
