// `npm run fmt -- --fix` on a copy of the billing fixture whose @id lines were all removed: it puts back one @id per
// policy, derived from the file and the scope, and changes nothing else.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectSources } from '../../generator/load/source-files.js';
import { validateProject } from '../../generator/validate/project.js';
import { fixtureRoot } from '../support/fixture-domain.js';
import { REPO_ROOT } from '../support/project-copy.js';

interface FmtRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runFmt(args: readonly string[]): FmtRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/fmt.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const ID_LINE = /^@id\("[^"]*"\)\n/gm;
const roots: string[] = [];
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A copy of the billing fixture's schema, policies and modes with every `@id(...)` line removed. */
function billingWithoutIds(): { root: string; stripped: Map<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'fmt-fix-'));
  roots.push(root);
  for (const dir of ['schema', 'policies', 'modes']) cpSync(join(fixtureRoot('billing'), dir), join(root, dir), { recursive: true });
  // A fixture is a whole project: its own project.yaml comes with it, so validation does not read the repository's.
  cpSync(join(fixtureRoot('billing'), 'project.yaml'), join(root, 'project.yaml'));
  const stripped = new Map<string, string>();
  for (const file of readProjectSources(root).policyFiles) {
    const text = file.text.replace(ID_LINE, '');
    writeFileSync(join(root, file.path), text);
    stripped.set(file.path, text);
  }
  return { root, stripped };
}

function policyTexts(root: string): Map<string, string> {
  return new Map(readProjectSources(root).policyFiles.map((file) => [file.path, file.text]));
}

/** `policies/shared/guardrails.cedar:5: added @id("shared.forbid-...")` → its file, line and id. */
function parseAdded(stdout: string): { file: string; line: number; id: string }[] {
  return [...stdout.matchAll(/^(\S+):(\d+): added @id\("([^"]+)"\)$/gm)].map((m) => ({
    file: m[1] ?? '',
    line: Number(m[2]),
    id: m[3] ?? '',
  }));
}

describe('npm run fmt -- --fix', () => {
  // arrange (shared, read-only below): one stripped copy, fixed once
  let fixedCopy: { root: string; stripped: Map<string, string> };
  let run: FmtRun;
  beforeAll(() => {
    fixedCopy = billingWithoutIds();
    run = runFmt(['--fix', '--root', fixedCopy.root]);
  });

  it('adds one @id line per policy and template and changes no other line of any file', () => {
    // act
    const added = parseAdded(run.stdout);
    const fixed = policyTexts(fixedCopy.root);

    // assert: removing exactly the reported lines gives back each stripped file, byte for byte
    const withoutReported = new Map(
      [...fixed].map(([path, text]) => {
        const reported = new Set(added.filter((a) => a.file === path).map((a) => a.line));
        return [
          path,
          text
            .split('\n')
            .filter((_, index) => !reported.has(index + 1))
            .join('\n'),
        ];
      }),
    );
    const reportedLines = added.map((a) => fixed.get(a.file)?.split('\n')[a.line - 1]);
    expect({ status: run.status, stderr: run.stderr, files: withoutReported }).toEqual({
      status: 0,
      stderr: '',
      files: fixedCopy.stripped,
    });
    expect(reportedLines).toEqual(added.map((a) => `@id("${a.id}")`));
    expect(run.stdout.split('\n').slice(-3)).toEqual([
      'formatted 0 of 6 Cedar files (lineWidth 80, indentWidth 2)',
      'added 22 @id annotations',
      '',
    ]);
  });

  it('derives each id from the file and the scope, unique across the project', () => {
    const added = parseAdded(run.stdout);

    expect(added.slice(0, 3)).toEqual([
      {
        file: 'policies/customer/roles.cedar',
        line: 5,
        id: 'customer.roles.permit-customer-user-view-account-list-billing-view-payment-view-beneficiary',
      },
      { file: 'policies/customer/roles.cedar', line: 24, id: 'customer.roles.permit-customer-user-create-payment-account' },
      { file: 'policies/customer/roles.cedar', line: 37, id: 'customer.roles.permit-customer-user-in-role-admin-approve-payment-payment' },
    ]);
    expect(new Set(added.map((a) => a.id)).size).toBe(22);
  });

  it('leaves a project that validates clean', () => {
    expect(validateProject(readProjectSources(fixedCopy.root)).diagnostics).toEqual([]);
  });

  it('writes the same files into another copy, and a second run there changes nothing', () => {
    const other = billingWithoutIds();

    runFmt(['--fix', '--root', other.root]);
    const second = runFmt(['--fix', '--root', other.root]);

    expect({ stdout: second.stdout, files: policyTexts(other.root) }).toEqual({
      stdout: 'formatted 0 of 6 Cedar files (lineWidth 80, indentWidth 2)\nadded 0 @id annotations\n',
      files: policyTexts(fixedCopy.root),
    });
  });

  it('adds no @id while a file does not parse, since uniqueness across the project cannot be known', () => {
    const { root, stripped } = billingWithoutIds();
    writeFileSync(join(root, 'policies/shared/broken.cedar'), 'permit (principal, action, resource\n');

    const run = runFmt(['--fix', '--root', root]);

    expect({ status: run.status, stdout: run.stdout, files: policyTexts(root) }).toEqual({
      status: 1,
      stdout: 'formatted 0 of 7 Cedar files (lineWidth 80, indentWidth 2)\nadded no @id: 1 Cedar file does not parse\n',
      files: new Map<string, string>([...stripped, ['policies/shared/broken.cedar', 'permit (principal, action, resource\n']]),
    });
  });

  it('refuses --fix together with --check as a usage error (exit 2), writing nothing', () => {
    const { root, stripped } = billingWithoutIds();

    const run = runFmt(['--check', '--fix', '--root', root]);

    expect({ status: run.status, stderr: run.stderr.split('\n')[0], files: policyTexts(root) }).toEqual({
      status: 2,
      stderr: 'npm run fmt: --check and --fix cannot be combined: --check never writes',
      files: stripped,
    });
  });
});

describe('npm run fmt -- --help', () => {
  it('prints the usage, naming --check and --fix, and exits 0', () => {
    const run = runFmt(['--help']);

    expect({ status: run.status, first: run.stdout.split('\n')[0] }).toEqual({
      status: 0,
      first: 'usage: npm run fmt -- [--root <dir>] [--check | --fix]',
    });
  });
});

// Keeps the stripped-copy premise honest: the fixture's files carry their ids on lines of their own.
it('the billing fixture has one @id line per policy', () => {
  const count = [...policyTexts(fixtureRoot('billing')).values()].reduce((sum, text) => sum + (text.match(ID_LINE)?.length ?? 0), 0);
  expect(count).toBe(22);
  expect(readFileSync(join(fixtureRoot('billing'), 'policies/shared/guardrails.cedar'), 'utf8')).toContain('\n@id("');
});
