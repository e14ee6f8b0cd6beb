import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, git } from '../support/git-project.js';
import { changedCoverage, readBaseCatalog, type ChangedCoverage } from '../../policy-testing/changed-coverage.js';
import { computeCoverage } from '../../policy-testing/coverage.js';
import { loadPolicyTests } from '../../policy-testing/load-tests.js';
import { runSuites } from '../../policy-testing/run-suites.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { SERVICES_FIXTURE, SUITE_LINE, suiteProject } from './suite-project.js';

const SUITE = `${SUITE_LINE}description: Payment initiation and reconciliation.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: small
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: large
    context: { amount: 2500000, currency: EUR }
    expect: { decision: deny }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
`;

const READ_BILLING = `/// Reconciliation reads accounts and billing with the \`billing/read\` scope.
@id("service.read-billing")
permit (
  principal is Billing::Service,
  action in
    [Billing::Action::"ViewAccount",
     Billing::Action::"ListBilling",
     Billing::Action::"ViewPayment"],
  resource
)
when { principal.scopes.contains("billing/read") };
`;

const FORBID_CHF = `
/// Transfers in Swiss francs are suspended.
@id("shared.forbid-chf")
forbid (principal, action == Billing::Action::"CreatePayment", resource)
when { context.currency == "CHF" };
`;

function coverageCli(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/coverage.ts', '--root', root, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('coverage of the policies changed since a git revision', () => {
  let project: ProjectCopy;
  let changed: ChangedCoverage;
  let commit: string;

  beforeAll(() => {
    // GIVEN a repository whose last commit holds the m2m policies and a suite of three cases
    project = suiteProject({ 'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE, 'tests/policies/m2m/billing.test.yaml': SUITE });
    for (const path of ['modes/customer.yaml', 'modes/internal.yaml', 'modes/multi-tenant.yaml']) rmSync(join(project.root, path));
    git(project.root, 'init', '-q');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-q', '-m', 'base');
    git(project.root, 'tag', 'base');
    commit = git(project.root, 'rev-parse', '--short', 'base').trim();
    // AND a working tree that raises the four-eyes limit, adds a CHF forbid no case uses, and removes the read permit
    // (so the reconciliation case now fails)
    edit(project.root, 'policies/shared/guardrails.cedar', 'context.amount > 1000000', 'context.amount > 2000000');
    appendFileSync(join(project.root, 'policies/shared/guardrails.cedar'), FORBID_CHF);
    edit(project.root, 'policies/service/scopes.cedar', READ_BILLING, '');
    // AND that change committed on top of the base, as a pull request's branch has it
    git(project.root, 'commit', '-q', '-a', '-m', 'change');
    // WHEN the coverage is narrowed to what changed since the base
    const tests = loadPolicyTests({ root: project.root });
    changed = changedCoverage(readBaseCatalog(project.root, 'base'), tests, computeCoverage(tests, runSuites(tests)));
  });
  afterAll(() => project.remove());

  it('lists each changed policy with its change and its counts, the removed one as removed', () => {
    expect(changed.policies).toEqual([
      { change: 'removed', id: 'service.read-billing', kind: 'policy', location: 'policies/service/scopes.cedar:14' },
      {
        change: 'added',
        id: 'shared.forbid-chf',
        kind: 'policy',
        location: 'policies/shared/guardrails.cedar:63',
        allowCases: 0,
        denyCases: 0,
        overriddenCases: 0,
        exercised: false,
      },
      {
        change: 'modified',
        id: 'shared.forbid-large-payment-without-approver',
        kind: 'policy',
        location: 'policies/shared/guardrails.cedar:16',
        allowCases: 0,
        denyCases: 1,
        overriddenCases: 0,
        exercised: true,
      },
    ]);
  });

  it('flags the changed policy no case exercises', () => {
    expect(changed.unexercised).toEqual(['shared.forbid-chf']);
  });

  it('prints a markdown section for the pull-request comment, even though a case fails, and exits 1', () => {
    const run = coverageCli(project.root, '--changed-from', 'base', '--format', 'markdown');

    expect({ status: run.status, stdout: run.stdout }).toEqual({
      status: 1,
      stdout: [
        '### Policy coverage of the changed policies',
        '',
        `3 policies or templates changed since base (${commit}), over 3 cases in 1 suite (m2m 3). **1 case FAILED.**`,
        '',
        '⚠ 1 changed policy no case exercises.',
        '',
        '| Policy | Change | Allow | Deny | Overridden |  |',
        '|---|---|--:|--:|--:|---|',
        '| `service.read-billing` | removed | – | – | – |  |',
        '| `shared.forbid-chf` | added | 0 | 0 | 0 | ⚠ no case exercises it |',
        '| `shared.forbid-large-payment-without-approver` | modified | 0 | 1 | 0 |  |',
        '',
      ].join('\n'),
    });
  });

  it('prints the text table of the changed policies with the failed cases counted', () => {
    const run = coverageCli(project.root, '--changed-from', 'base');

    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').slice(0, 11)).toEqual([
      'Policy coverage: 3 cases in 1 suite (m2m 3), 1 FAILED',
      '',
      `3 policies or templates changed since base (${commit}):`,
      '',
      '| Policy @id                                   | Change   | Allow | Deny | Overridden | Status        |',
      '|----------------------------------------------|----------|-------|------|------------|---------------|',
      '| service.read-billing                         | removed  | -     | -    | -          | removed       |',
      '| shared.forbid-chf                            | added    | 0     | 0    | 0          | NOT EXERCISED |',
      '| shared.forbid-large-payment-without-approver | modified | 0     | 1    | 0          | ok            |',
      '',
      'warning: shared.forbid-chf changed, and no case exercises it: add a case where its conditions hold',
    ]);
  });

  it('adds the changed policies to the JSON, keeping every field of the whole report', () => {
    const run = coverageCli(project.root, '--changed-from', 'base', '--format', 'json');
    const printed = JSON.parse(run.stdout) as Record<string, unknown> & { changed: ChangedCoverage };

    expect({
      keys: Object.keys(printed),
      base: printed.changed.base,
      unexercised: printed.changed.unexercised,
    }).toEqual({
      keys: [
        'cases',
        'failedCases',
        'suites',
        'casesByMode',
        'policies',
        'actionsNeverExercised',
        'entityTypesNeverExercised',
        'routeGaps',
        'runtimeReachability',
        'gate',
        'changed',
      ],
      base: { ref: 'base', commit },
      unexercised: ['shared.forbid-chf'],
    });
  });

  it('says there is nothing to show when no policy changed since the revision', () => {
    const head = git(project.root, 'rev-parse', '--short', 'HEAD').trim();

    const run = coverageCli(project.root, '--changed-from', 'HEAD', '--format', 'markdown');

    expect(run.stdout).toBe(
      '### Policy coverage of the changed policies\n\n' +
        `No policy or template changed since HEAD (${head}), over 3 cases in 1 suite (m2m 3). **1 case FAILED.**\n`,
    );
  });

  it('fails with exit 2, as npm run diff does, and no stack trace when the revision does not exist', () => {
    const run = coverageCli(project.root, '--changed-from', 'no-such-ref', '--format', 'markdown');

    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr.split('\n')[0]?.replace(/ in \S+:.*$/, ' …') }).toEqual({
      status: 2,
      stdout: '',
      stderr: 'npm run coverage: git rev-parse --verify --short no-such-ref^{commit} failed …',
    });
    expect(run.stderr).toContain('--changed-from needs a revision of this repository, such as origin/main');
    expect(run.stderr).not.toContain('    at ');
  });

  it('refuses an unknown format with exit 2', () => {
    const run = coverageCli(project.root, '--format', 'html');

    expect({ status: run.status, first: run.stderr.split('\n')[0] }).toEqual({
      status: 2,
      first: 'npm run coverage: --format must be one of text, json, markdown, not "html"',
    });
  });
});
