import { cpSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { SERVICES_FIXTURE, SUITE_LINE, suiteProject } from './suite-project.js';

// One case passes, one fails: the reconciliation service has no write scope, so CreatePayment is denied.
const SUITE = `${SUITE_LINE}description: One passing and one failing case.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: recon
    action: CreatePayment
    resource: acct-1
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
`;

describe('npm run test:policies', () => {
  let project: ProjectCopy;
  let run: { status: number | null; stdout: string };

  beforeAll(() => {
    // GIVEN a project whose suite has a failing case, with the toolkit's own package.json (its test:policies script)
    // and harness; policy-testing/ is copied, not linked, because the harness tests the domain at its own folder's root
    project = suiteProject({ 'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE, 'tests/policies/m2m/billing.test.yaml': SUITE });
    for (const path of [
      'modes/customer.yaml',
      'modes/internal.yaml',
      'modes/multi-tenant.yaml',
      'policies/customer',
      'policies/staff',
      'policies/tenant',
    ]) {
      rmSync(join(project.root, path), { recursive: true });
    }
    cpSync(join(REPO_ROOT, 'policy-testing'), join(project.root, 'policy-testing'), { recursive: true });
    // Only the suites' entry stays, so the failing case is vitest's one failure: the runtime parity entry needs a generated
    // project and the local emulators, and the coverage-gate entry applies the gate the coverage step applies after it.
    for (const entry of ['runtime-parity', 'coverage-gate']) rmSync(join(project.root, `policy-testing/harness/${entry}.test.ts`));
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(REPO_ROOT, file), join(project.root, file));
    for (const dir of ['generator', 'common', 'runtime', 'local', 'infra', 'node_modules']) {
      symlinkSync(join(REPO_ROOT, dir), join(project.root, dir), 'dir');
    }
    // WHEN the script runs there, as CI runs it
    const child = spawnSync('npm', ['run', '--silent', 'test:policies'], {
      cwd: project.root,
      encoding: 'utf8',
      env: { ...withoutColor(process.env), NO_COLOR: '1' },
    });
    run = { status: child.status, stdout: child.stdout };
  });
  afterAll(() => project.remove());

  it('runs the suites with vitest, which reports the failing case', () => {
    // vitest prints each test's duration after its name; the duration is not part of the claim.
    const reported = run.stdout.split('\n').flatMap((line) => (/^ +(×|Tests )/.test(line) ? [line.trim().replace(/ \d+ms$/, '')] : []));
    expect(reported).toEqual(['× recon (read) CreatePayment acct-1 → allow', 'Tests  1 failed | 2 passed (3)']);
  });

  it('still prints the coverage table after the failing vitest run, counting the failed case', () => {
    const coverage = run.stdout.slice(run.stdout.indexOf('Policy coverage:')).split('\n');
    expect(coverage.slice(0, 3)).toEqual([
      'Policy coverage: 2 cases in 1 suite (m2m 2), 1 FAILED',
      '',
      '| Policy @id                                   | Determining cases | Allow | Deny | Overridden | Modes | Status        |',
    ]);
    expect(coverage.find((line) => line.startsWith('| service.create-payment '))).toBe(
      '| service.create-payment                       | 1                 | 1     | 0    | 0          | m2m   | ok            |',
    );
  });

  it('exits 1', () => {
    expect(run.status).toBe(1);
  });

  it('is the script package.json declares, which runs the coverage step whatever the suites returned', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:policies']).toMatch(/^vitest run policy-testing\/harness; suites=\$\?; tsx policy-testing\/cli\/coverage\.ts;/);
  });
});

function withoutColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return rest;
}
