import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { readProjectSources } from '../../generator/load/source-files.js';
import { formatCedarFile } from '../../policy-testing/format.js';
import { FIXTURE_DOMAINS, fixtureRoot } from '../support/fixture-domain.js';
import { REPO_ROOT } from '../support/project-copy.js';

function runFmt(args: readonly string[]): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/fmt.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

describe('formatting Cedar files', () => {
  it('finds every policy file of the fixture domains already formatted', () => {
    const unformatted = FIXTURE_DOMAINS.flatMap((domain) =>
      readProjectSources(fixtureRoot(domain))
        .policyFiles.map(formatCedarFile)
        .filter((result) => !('changed' in result) || result.changed)
        .map((result) => `${domain}: ${result.file.path}`),
    );
    expect(unformatted).toEqual([]);
  });

  it('formats to 80 columns with a 2-space indent and exactly one trailing newline', () => {
    const result = formatCedarFile({
      path: 'policies/x.cedar',
      text:
        '/// Why.\n@id("x")\npermit(principal,action==Billing::Action::"ViewAccount",resource)' +
        'when{principal.scopes.contains("billing/read")};',
    });
    expect(result).toMatchObject({
      changed: true,
      formatted:
        '/// Why.\n@id("x")\npermit (\n  principal,\n  action == Billing::Action::"ViewAccount",\n  ' +
        'resource\n)\nwhen { principal.scopes.contains("billing/read") };\n',
    });
  });

  it('reports a file that does not parse at its line and column instead of formatting it', () => {
    const result = formatCedarFile({
      path: 'policies/x.cedar',
      text: '/// Why.\n@id("x")\npermit (principal, action, resource\nwhen { true };\n',
    });
    expect('diagnostics' in result ? formatDiagnostics(result.diagnostics, 'text') : 'formatted').toBe(
      'policies/x.cedar:4:1: error CEDAR_POLICY_SYNTAX: cannot format: cannot parse input policies: unexpected token `when`\n' +
        '  hint: Fix the policy syntax at this position (see https://docs.cedarpolicy.com/policies/syntax-policy.html).\n',
    );
  });
});

describe('npm run fmt:check and npm run fmt on a badly formatted copy of the billing fixture', () => {
  const project = { root: '' };
  const path = 'policies/shared/guardrails.cedar';
  const original = readFileSync(join(fixtureRoot('billing'), path), 'utf8');

  beforeAll(() => {
    project.root = mkdtempSync(join(tmpdir(), 'fmt-'));
    cpSync(join(fixtureRoot('billing'), 'policies'), join(project.root, 'policies'), { recursive: true });
    writeFileSync(
      join(project.root, path),
      original.replace('when { resource.frozen };', 'when {resource.frozen};').replace('  principal,\n', '    principal ,\n'),
    );
  });
  afterAll(() => rmSync(project.root, { recursive: true, force: true }));

  it('fmt:check fails, naming the file and the lines that differ', () => {
    expect(runFmt(['--check', '--root', project.root])).toEqual({
      status: 1,
      stdout: [
        'policies/shared/guardrails.cedar: not formatted',
        '    line 7 -     principal ,',
        '    line 7 +   principal,',
        '    line 11 - when {resource.frozen};',
        '    line 11 + when { resource.frozen };',
        '1 of 6 Cedar files need formatting: run `npm run fmt`',
        '',
      ].join('\n'),
    });
  });

  it('fmt rewrites the file to the formatted original, after which fmt:check passes', () => {
    const formatted = runFmt(['--root', project.root]);
    const checked = runFmt(['--check', '--root', project.root]);
    expect({ formatted, checked, file: readFileSync(join(project.root, path), 'utf8') === original }).toEqual({
      formatted: { status: 0, stdout: 'formatted 1 of 6 Cedar files (lineWidth 80, indentWidth 2)\n' },
      checked: { status: 0, stdout: '6 Cedar files formatted (lineWidth 80, indentWidth 2)\n' },
      file: true,
    });
  });
});
