import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSuites } from '../../../policy-testing/cedar-cli/export-suites.js';
import type { CliTest } from '../../../policy-testing/cedar-cli/run-tests-format.js';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { runSuites } from '../../../policy-testing/run-suites.js';
import { writeOutput } from '../../../policy-testing/write-output.js';
import { fixtureMode, fixtureRoot } from '../../support/fixture-domain.js';
import { copyProject, type ProjectCopy } from '../../support/project-copy.js';
import { emulateRunTests } from './emulate-run-tests.js';

function suitesCli(args: readonly string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/suites.ts', ...args], { encoding: 'utf8' });
}

describe('importing one run-tests file written the way the Cedar CLI samples write them', () => {
  let project: ProjectCopy;
  let run: ReturnType<typeof suitesCli>;
  let firstTest: CliTest;

  beforeAll(() => {
    // Arrange: a test the research-archive export produces, then the same test with its entities in a file (with an
    // Action entity, as the CLI samples list them), and once more expecting an evaluation error.
    project = copyProject({ domain: 'research-archive' });
    const exported = exportSuites(loadPolicyTests({ root: fixtureRoot('research-archive') }));
    const entry = exported.manifest.files.find((file) => file.mode === 'lab' && file.withSchema && file.templateLinks === null);
    const file = exported.files.find((f) => f.path === entry?.tests);
    const [first] = JSON.parse(file?.contents ?? '[]') as CliTest[];
    if (!first || typeof first.entities === 'string') throw new Error('the lab export has no test');
    firstTest = first;
    const action = { uid: { type: 'Archive::Action', id: /"(.*)"/.exec(first.request.action)?.[1] ?? '' }, attrs: {}, parents: [] };
    writeFileSync(join(project.root, 'entities.json'), JSON.stringify([...first.entities, action]));
    const { name: _, ...unnamed } = first;
    writeFileSync(
      join(project.root, 'sample.json'),
      JSON.stringify([first, { ...unnamed, entities: 'entities.json' }, { ...first, num_errors: 1 }]),
    );
    // Act
    run = suitesCli([
      'import',
      '--cedar',
      join(project.root, 'sample.json'),
      '--mode',
      'lab',
      '--out',
      'tests/policies/lab/sample.test.yaml',
      '--root',
      project.root,
    ]);
  }, 60_000);
  afterAll(() => project.remove());

  it('writes the suite at --out and reports the test it refuses with its JSON path', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('sample.json → tests/policies/lab/sample.test.yaml: 2 cases (mode lab)');
    expect(run.stderr).toContain('$[2].num_errors: expects 1 evaluation error(s)');
  });

  it('gives a suite that loads and passes, the repeated request told apart by a variant', () => {
    const tests = loadPolicyTests({ root: project.root });
    const results = runSuites(tests);
    expect(tests.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(results.map((r) => [r.testCase.id.endsWith('_2'), r.testCase.expect.decision, r.verdict.pass])).toEqual([
      [false, firstTest.decision, true],
      [true, firstTest.decision, true],
    ]);
    const yaml = readFileSync(join(project.root, 'tests/policies/lab/sample.test.yaml'), 'utf8');
    expect(yaml).toMatch(/^# yaml-language-server: \$schema=.*policy-testing\/schemas\/policy-test\.schema\.json\n/);
    expect(yaml).not.toContain('Archive::Action::');
  });

  it('asks for --mode when the file does not come with an export manifest', () => {
    const without = suitesCli(['import', '--cedar', join(project.root, 'sample.json'), '--root', project.root]);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain('give --mode (one of curation, lab)');
  });
});

describe('exporting a suite that tests the generated bundle', () => {
  it("writes the bundle as its own policy file, which Cedar runs to the suite's decisions", () => {
    // Arrange: the billing suites with the customer mode's generated bundle in place.
    const project = copyProject({ domain: 'billing' });
    try {
      cpSync(join(fixtureRoot('billing'), 'tests'), join(project.root, 'tests'), { recursive: true });
      writeOutput(project.root, 'generated/customer/policies.json', JSON.stringify(fixtureMode('billing', 'customer').POLICY_BUNDLE));
      // Act
      const exported = exportSuites(loadPolicyTests({ root: project.root }));
      for (const file of exported.files) writeOutput(join(project.root, 'export'), file.path, file.contents);
      // Assert
      const entry = exported.manifest.files.find((file) => file.suite === 'tests/policies/customer/bundle.test.yaml');
      expect(entry?.policies).toBe('policies/customer.bundle.cedar');
      if (!entry) return;
      expect(emulateRunTests(join(project.root, 'export'), entry).filter((r) => r.failures.length > 0)).toEqual([]);
    } finally {
      project.remove();
    }
  }, 60_000);
});
