// Lays a domain from tests/fixtures/<name>/ over the domain paths of a scratch project, with the code its generated files import.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';

/** The paths that make up a domain: what a new user replaces to bring their own. */
export const DOMAIN_PATHS = ['schema', 'policies', 'modes', 'tests/policies', 'local/demo/seed.yaml'] as const;

/** The code generated files import. */
const CODE_DIRS = ['runtime', 'infra', 'common', 'generator'] as const;

export const FIXTURES_DIR = join(REPO_ROOT, 'tests/fixtures');

export function copyDomain(name: string): ProjectCopy {
  const source = join(FIXTURES_DIR, name);
  if (!existsSync(source)) throw new Error(`no domain ${name} in tests/fixtures/`);
  const root = mkdtempSync(join(tmpdir(), `authz-domain-${name}-`));
  for (const path of DOMAIN_PATHS) {
    const from = join(source, path);
    if (!existsSync(from)) throw new Error(`domain ${name} lacks ${path}`);
    for (const file of statSync(from).isDirectory() ? listFiles(from) : [from]) {
      cpSync(file, join(root, file.slice(source.length + 1)));
    }
  }
  for (const dir of CODE_DIRS) cpSync(join(REPO_ROOT, dir), join(root, dir), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  // The project's settings are the toolkit side's, not the domain's: every project has them.
  cpSync(join(REPO_ROOT, 'project.yaml'), join(root, 'project.yaml'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'tsconfig.json'), generatedOnlyTsconfig());
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The repository's compiler options, over generated/ alone: the runtime and infra it imports are type-checked
 * through those imports, and the repository's own tests are not part of the domain.
 */
function generatedOnlyTsconfig(): string {
  const repo = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  return `${JSON.stringify({ compilerOptions: repo.compilerOptions, include: ['generated/**/*.ts'] }, null, 2)}\n`;
}
