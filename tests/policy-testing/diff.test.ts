import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, edit, git } from '../support/git-project.js';
import { diffDecisions, type DecisionDiff } from '../../policy-testing/diff.js';
import { diffMarkdown } from '../../policy-testing/diff-report.js';
import { DETERMINES_NOTE } from '../../policy-testing/diff-report-policies.js';
import { GitRevisionError } from '../../policy-testing/errors.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { M2M_PAYMENT_SUITE, SERVICES_FIXTURE, suiteProject } from './suite-project.js';

function catchError(action: () => unknown): Error | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : undefined;
  }
}

describe('decision diff against a git revision', () => {
  let project: ProjectCopy;
  let diff: DecisionDiff;

  beforeAll(() => {
    // GIVEN a repository whose last commit holds the policies and a small m2m suite
    project = suiteProject({
      'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE,
      'tests/policies/m2m/billing.test.yaml': M2M_PAYMENT_SUITE,
    });
    commitAll(project.root);
    // AND a working tree that raises the four-eyes limit and renames the read scope
    edit(project.root, 'policies/shared/guardrails.cedar', 'context.amount > 1000000', 'context.amount > 2000000');
    edit(
      project.root,
      'policies/service/scopes.cedar',
      'principal.scopes.contains("billing/read")',
      'principal.scopes.contains("billing/read.all")',
    );
    // WHEN the working tree is compared with HEAD
    diff = diffDecisions({ root: project.root, base: 'HEAD' });
  });
  afterAll(() => project.remove());

  it("finds exactly the decisions the two edits flip among the suites' requests", () => {
    // Requests derived from the changed policies are pinned in the markdown below and in tests/policy-testing/widening/.
    const fromSuites = diff.changes.filter((change) => change.origins.some((origin) => !origin.startsWith('from ')));
    expect(
      fromSuites.map((change) => [
        change.action,
        change.mode,
        change.principal,
        change.resource,
        change.context,
        change.before,
        change.after,
        change.origins,
      ]),
    ).toEqual([
      [
        'CreatePayment',
        'm2m',
        'initiator (write)',
        'acct-1',
        { amount: 1500000, currency: 'EUR' },
        { decision: 'deny', determining: ['shared.forbid-large-payment-without-approver'], errors: [] },
        { decision: 'allow', determining: ['service.create-payment'], errors: [] },
        ['case tests/policies/m2m/billing.test.yaml:6 initiator_CreatePayment_acct-1'],
      ],
      [
        'ListBilling',
        'm2m',
        'recon (read)',
        'acct-1',
        {},
        { decision: 'allow', determining: ['service.read-billing'], errors: [] },
        { decision: 'deny', determining: [], errors: [] },
        ['fixtures'],
      ],
      [
        'ViewAccount',
        'm2m',
        'recon (read)',
        'acct-1',
        {},
        { decision: 'allow', determining: ['service.read-billing'], errors: [] },
        { decision: 'deny', determining: [], errors: [] },
        ['case tests/policies/m2m/billing.test.yaml:17 recon_ViewAccount_acct-1'],
      ],
    ]);
  });

  it('evaluates the cases, the fixtures cross product and the derived requests, and counts decisions kept on other policies', () => {
    expect({
      requests: diff.requests,
      // 3 cases; the cross product of 2 services x 4 actions on acct-1 (CreatePayment with each of its 2 contexts) is
      // 10 requests, of which 3 are the cases themselves.
      evaluated: diff.evaluated,
      modes: diff.modes,
      allowToDeny: diff.allowToDeny,
      denyToAllow: diff.denyToAllow,
      determiningChanged: diff.determiningChanged,
      notes: diff.notes,
    }).toEqual({
      requests: 38,
      evaluated: {
        all: { case: 3, fixtures: 7, derived: 28, total: 38 },
        byMode: { m2m: { case: 3, fixtures: 7, derived: 28, total: 38 } },
      },
      modes: ['m2m'],
      allowToDeny: 4,
      denyToAllow: 7,
      determiningChanged: 5,
      notes: [],
    });
  });

  it('prints the summary line first, then the requests evaluated, changed policies, flips, other policies and notes', () => {
    const markdown = diffMarkdown(diff);
    const details = markdown.slice(markdown.indexOf('<details>'), markdown.indexOf('</details>') + '</details>'.length);

    expect(markdown.replace(details, '<details>…</details>')).toBe(
      [
        `## Policy decision diff: \`HEAD\` (${diff.base.commit}) → working tree`,
        '',
        '**11 decisions changed: 4 allow→deny, 7 deny→allow** over 38 requests in 1 mode (m2m); 2 policies changed, ' +
          '5 requests kept their decision on other policies, **3 parts of the space unexplored** (see Notes).',
        '',
        'Requests evaluated:',
        '',
        '| Mode | Test cases | Fixture cross product | Derived from changed policies | Total |',
        '|---|---:|---:|---:|---:|',
        '| m2m | 3 | 7 | 28 | 38 |',
        '',
        '### Changed policies',
        '',
        '| Policy | Change | Location | Modes | Requests determined (before → after) |',
        '|---|---|---|---|---|',
        '| `service.read-billing` | modified | policies/service/scopes.cedar:14 | m2m | 6 → 4 |',
        '| `shared.forbid-large-payment-without-approver` | modified | policies/shared/guardrails.cedar:16 | customer, internal, ' +
          'm2m, multi-tenant | 12 → 2 |',
        '',
        DETERMINES_NOTE,
        '',
        '<details>…</details>',
        '',
        '### Flipped decisions',
        '',
        '#### CreatePayment',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | initiator (write) | acct-1 | amount=1500000, currency="EUR" | deny → **allow** ' +
          '| shared.forbid-large-payment-without-approver → service.create-payment ' +
          '| case tests/policies/m2m/billing.test.yaml:6 initiator_CreatePayment_acct-1 |',
        '',
        '#### ListBilling',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | recon (read) | acct-1 |  | allow → **deny** | service.read-billing → (none) | fixtures |',
        '',
        '#### ViewAccount',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | recon (read) | acct-1 |  | allow → **deny** | service.read-billing → (none) ' +
          '| case tests/policies/m2m/billing.test.yaml:17 recon_ViewAccount_acct-1 |',
        '',
        '### Flipped decisions on derived requests',
        '',
        '#### CreatePayment',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | initiator (write) | acct-1 | amount=1000001, currency="EUR" | deny → **allow** ' +
          '| shared.forbid-large-payment-without-approver → service.create-payment ' +
          '| from shared.forbid-large-payment-without-approver: context.amount == 1000001 (bound context.amount > 1000000, +1) |',
        '| m2m | initiator (write) | acct-1 | amount=1500000, currency="EUR", approverId="" | deny → **allow** ' +
          '| shared.forbid-large-payment-without-approver → service.create-payment ' +
          '| from shared.forbid-large-payment-without-approver: context has approverId |',
        '| m2m | initiator (write) | acct-1 | amount=1999999, currency="EUR" | deny → **allow** ' +
          '| shared.forbid-large-payment-without-approver → service.create-payment ' +
          '| from shared.forbid-large-payment-without-approver: context.amount == 1999999 (bound context.amount > 2000000, -1) |',
        '| m2m | initiator (write) | acct-1 | amount=2000000, currency="EUR" | deny → **allow** ' +
          '| shared.forbid-large-payment-without-approver → service.create-payment ' +
          '| from shared.forbid-large-payment-without-approver: context.amount == 2000000 (bound context.amount > 2000000) |',
        '',
        '#### ListBilling',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | initiator (write) [principal.scopes contains "billing/read"] | acct-1 |  | allow → **deny** ' +
          '| service.read-billing → (none) | from service.read-billing: principal.scopes contains "billing/read" |',
        '| m2m | initiator (write) [principal.scopes contains "billing/read.all"] | acct-1 |  | deny → **allow** ' +
          '| (none) → service.read-billing | from service.read-billing: principal.scopes contains "billing/read.all" |',
        '',
        '#### ViewAccount',
        '',
        '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
        '|---|---|---|---|---|---|---|',
        '| m2m | initiator (write) [principal.scopes contains "billing/read"] | acct-1 |  | allow → **deny** ' +
          '| service.read-billing → (none) | from service.read-billing: principal.scopes contains "billing/read" |',
        '| m2m | initiator (write) [principal.scopes contains "billing/read.all"] | acct-1 |  | deny → **allow** ' +
          '| (none) → service.read-billing | from service.read-billing: principal.scopes contains "billing/read.all" |',
        '',
        '### Same decision with other policies',
        '',
        '| Determining policies (before → after) | Decision | Requests | Example request |',
        '|---|---|---:|---|',
        '| shared.forbid-large-payment-without-approver → (none) | deny | 5 ' +
          '| m2m: recon (read) CreatePayment acct-1 (amount=1500000, currency="EUR") — fixtures |',
        '',
        '### Notes',
        '',
        ...['customer', 'internal', 'multi-tenant'].map(
          (mode) =>
            `- ⚠ unexplored: mode ${mode} has 0 requests, yet it holds the changed shared.forbid-large-payment-without-approver ` +
            `(policies/shared/guardrails.cedar:16); add a suite with "mode: ${mode}" under tests/policies/`,
        ),
        '',
      ].join('\n'),
    );
  });

  it('folds the line diff of each changed policy into one <details> block of ```diff fences', () => {
    const markdown = diffMarkdown(diff);

    expect(markdown.slice(markdown.indexOf('<details>'), markdown.indexOf('</details>') + '</details>'.length)).toBe(
      [
        '<details><summary>Text diffs (2)</summary>',
        '',
        '`service.read-billing` · modified · policies/service/scopes.cedar:14',
        '',
        '```diff',
        ' @id("service.read-billing")',
        ' permit (',
        '   principal is Billing::Service,',
        '   action in',
        '     [Billing::Action::"ViewAccount",',
        '      Billing::Action::"ListBilling",',
        '      Billing::Action::"ViewPayment"],',
        '   resource',
        ' )',
        '-when { principal.scopes.contains("billing/read") };',
        '+when { principal.scopes.contains("billing/read.all") };',
        '```',
        '',
        '`shared.forbid-large-payment-without-approver` · modified · policies/shared/guardrails.cedar:16',
        '',
        '```diff',
        ' @id("shared.forbid-large-payment-without-approver")',
        ' forbid (',
        '   principal,',
        '   action == Billing::Action::"CreatePayment",',
        '   resource',
        ' )',
        ' when',
        ' {',
        '-  context.amount > 1000000 &&',
        '+  context.amount > 2000000 &&',
        '   !(context has approverId && context.approverId != "")',
        ' };',
        '```',
        '',
        '</details>',
      ].join('\n'),
    );
  });

  it('reads the base with git show and checks nothing out: the working tree keeps its edits', () => {
    expect(git(project.root, 'status', '--porcelain')).toBe(' M policies/service/scopes.cedar\n M policies/shared/guardrails.cedar\n');
  });

  it('refuses a ref that does not exist with a GitRevisionError naming the git command', () => {
    const error = catchError(() => diffDecisions({ root: project.root, base: 'no-such-branch' }));
    expect({ isGitRevisionError: error instanceof GitRevisionError, message: error?.message.split(' failed in ')[0] }).toEqual({
      isGitRevisionError: true,
      message: 'git rev-parse --verify --short no-such-branch^{commit}',
    });
  });

  it('exits 1 with --fail-on allow when a request is newly allowed, and prints JSON with --json', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'policy-testing/cli/diff.ts', '--root', project.root, '--base', 'HEAD', '--json', '--fail-on', 'allow'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    const printed = JSON.parse(run.stdout) as { summary: string; changes: unknown[] };
    expect({ status: run.status, summary: printed.summary, changes: printed.changes.length, stderr: run.stderr }).toEqual({
      status: 1,
      summary: '11 decisions changed: 4 allow→deny, 7 deny→allow',
      changes: 11,
      // The guardrail is in every mode, and only m2m has a suite: the other three are unexplored, which fails any --fail-on.
      stderr: [
        ...['customer', 'internal', 'multi-tenant'].map(
          (mode) =>
            `--fail-on allow: mode ${mode} has 0 requests, yet it holds the changed shared.forbid-large-payment-without-approver ` +
            `(policies/shared/guardrails.cedar:16); add a suite with "mode: ${mode}" under tests/policies/\n`,
        ),
        '--fail-on allow: 7 requests newly allowed\n',
      ].join(''),
    });
  });
});

describe('an empty request space', () => {
  let project: ProjectCopy;
  const diffCli = (...extra: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/diff.ts', '--root', project.root, '--base', 'HEAD', ...extra], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });

  beforeAll(() => {
    // GIVEN a repository with policies but no policy suite at all, and a working tree that changes a policy
    project = suiteProject({});
    rmSync(join(project.root, 'tests/policies'), { recursive: true, force: true });
    commitAll(project.root);
    edit(project.root, 'policies/shared/guardrails.cedar', 'context.amount > 1000000', 'context.amount > 2000000');
  });
  afterAll(() => project.remove());

  it('fails --fail-on any with exit 1, saying no request was evaluated, instead of a green "0 decisions changed"', () => {
    const run = diffCli('--json', '--fail-on', 'any');

    expect({ status: run.status, requests: (JSON.parse(run.stdout) as { requests: number }).requests, stderr: run.stderr }).toEqual({
      status: 1,
      requests: 0,
      stderr:
        '--fail-on any: the request space is empty (0 requests evaluated), so no decision was compared; ' +
        'add policy suites under tests/policies/, or check that they load (npm run test:policies)\n',
    });
  });

  it('still reports and exits 0 without --fail-on: the report says 0 requests', () => {
    const run = diffCli('--json');

    expect({ status: run.status, requests: (JSON.parse(run.stdout) as { requests: number }).requests }).toEqual({ status: 0, requests: 0 });
  });
});
