// The decision diff names every changed policy with the requests it determines, flags the ones no request reaches
// (unexercised), and fails `--fail-on` on what it could not explore: a suite that does not load.
import { spawnSync } from 'node:child_process';
import { isAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, edit } from '../support/git-project.js';
import { diffDecisions, type DecisionDiff } from '../../policy-testing/diff.js';
import { diffMarkdown } from '../../policy-testing/diff-report.js';
import { policySetOf } from '../../policy-testing/policy-catalog.js';
import { loadPolicyTests, type PolicyTests } from '../../policy-testing/load-tests.js';
import { comparePolicyCatalogs } from '../../policy-testing/policy-changes.js';
import { buildRequestSpace, type SpaceRequest } from '../../policy-testing/request-space.js';
import { DEFAULT_CAP_PER_POLICY, deriveRequests } from '../../policy-testing/widening/derive-requests.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { M2M_PAYMENT_SUITE, SERVICES_FIXTURE, SUITE_LINE, suiteProject, writeFiles } from './suite-project.js';

/**
 * A forbid no request reaches, even with the space widened from the change: widening tries one condition at a time
 * (CHF with the suites' amounts, or a negative amount in EUR), and only both together satisfy it.
 */
const FORBID_CHF = `/// Refunds (negative amounts) in Swiss francs are not offered yet.
@id("service.forbid-chf")
forbid (
  principal,
  action == Billing::Action::"CreatePayment",
  resource
)
when { context.currency == "CHF" && context.amount < 0 };

/// Reconciliation also reads through a second, equivalent grant.
@id("service.read-billing-again")
permit (
  principal is Billing::Service,
  action in [Billing::Action::"ViewAccount", Billing::Action::"ListBilling"],
  resource
)
when { principal.scopes.contains("billing/read") };
`;

function diffCli(root: string, ...extra: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/diff.ts', '--root', root, '--base', 'HEAD', ...extra], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

/**
 * The requests of the diff's space (the suites' requests and those derived from the change) whose decision names
 * `policyId` on one side, counted with cedar-wasm's plain `isAuthorized` on that side's whole m2m policy set:
 * independent of the diff's evaluators, slicing and tallies.
 */
function determinedBy(space: readonly SpaceRequest[], side: PolicyTests, policyId: string): number {
  const policySet = policySetOf(side.catalog, 'm2m');
  const schemaText = side.schema?.file.text;
  if (!policySet || schemaText === undefined) throw new Error('the project has no m2m mode or no schema');
  return space.filter((item) => {
    const answer = isAuthorized({
      ...item.request,
      entities: [...item.entities],
      policies: { staticPolicies: { ...policySet.staticPolicies } },
      schema: schemaText,
      validateRequest: true,
    });
    if (answer.type !== 'success') throw new Error(answer.errors.map((e) => e.message).join('; '));
    return answer.response.diagnostics.reason.includes(policyId);
  }).length;
}

/** The space the diff evaluates: every suite request, then the requests derived from the changed policies. */
function diffSpace(base: PolicyTests, head: PolicyTests): SpaceRequest[] {
  const suites = buildRequestSpace(head);
  const changes = comparePolicyCatalogs(base.catalog, head.catalog);
  return [...suites, ...deriveRequests({ changes, tests: head, space: suites, capPerPolicy: DEFAULT_CAP_PER_POLICY }).requests];
}

describe('a pull request that adds a policy no request reaches, and modifies one that requests do reach', () => {
  let project: ProjectCopy;
  let diff: DecisionDiff;
  let independent: { before: number; after: number };

  beforeAll(() => {
    // GIVEN a repository whose last commit holds the policies and a small m2m suite (every request uses EUR)
    project = suiteProject({
      'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE,
      'tests/policies/m2m/billing.test.yaml': M2M_PAYMENT_SUITE,
    });
    commitAll(project.root);
    const base = loadPolicyTests({ root: project.root });
    // AND a working tree that adds a CHF forbid and a second read grant, and lets the read scope create them
    writeFiles(project.root, { 'policies/service/limits.cedar': FORBID_CHF });
    edit(
      project.root,
      'policies/service/scopes.cedar',
      'when { principal.scopes.contains("billing/write") };',
      'when { principal.scopes.contains("billing/write") || principal.scopes.contains("billing/read") };',
    );
    const head = loadPolicyTests({ root: project.root });
    const space = diffSpace(base, head);
    independent = {
      before: determinedBy(space, base, 'service.create-payment'),
      after: determinedBy(space, head, 'service.create-payment'),
    };
    // WHEN the working tree is compared with HEAD
    diff = diffDecisions({ root: project.root, base: 'HEAD' });
  });
  afterAll(() => project.remove());

  it('names each changed policy with its location, modes and the requests it determines before and after', () => {
    expect(
      diff.policyChanges.map((change) => ({
        id: change.id,
        kind: change.kind,
        location: change.kind === 'removed' ? change.before.location : change.after.location,
        determines: change.determines,
        unexercised: change.unexercised,
      })),
    ).toEqual([
      {
        id: 'service.create-payment',
        kind: 'modified',
        location: 'policies/service/scopes.cedar:26',
        determines: { before: 6, after: 10 },
        unexercised: false,
      },
      {
        id: 'service.forbid-chf',
        kind: 'added',
        location: 'policies/service/limits.cedar:2',
        determines: { before: 0, after: 0 },
        unexercised: true,
      },
      {
        id: 'service.read-billing-again',
        kind: 'added',
        location: 'policies/service/limits.cedar:11',
        determines: { before: 0, after: 4 },
        unexercised: false,
      },
    ]);
  });

  it('counts what a modified policy determines over every request evaluated, as cedar-wasm counts it on its own', () => {
    // Over the suites' requests: the 100 EUR payment of initiator (before and after) and of recon (after), the
    // 1,500,000 ones being forbidden; the rest are requests derived from the read scope the change names.
    expect(diff.policyChanges.find((change) => change.id === 'service.create-payment')?.determines).toEqual(independent);
    expect(independent).toEqual({ before: 6, after: 10 });
  });

  it('shows the modified policy as a line diff in a ```diff block inside <details>', () => {
    const markdown = diffMarkdown(diff);
    const details = markdown.slice(markdown.indexOf('<details><summary>Text diffs (3)</summary>'), markdown.indexOf('</details>'));

    expect(details).toContain(
      [
        '`service.create-payment` · modified · policies/service/scopes.cedar:26',
        '',
        '```diff',
        ' @id("service.create-payment")',
        ' permit (',
        '   principal is Billing::Service,',
        '   action == Billing::Action::"CreatePayment",',
        '   resource is Billing::Account',
        ' )',
        '-when { principal.scopes.contains("billing/write") };',
        '+when { principal.scopes.contains("billing/write") || principal.scopes.contains("billing/read") };',
        '```',
      ].join('\n'),
    );
    expect(details).toContain('`service.forbid-chf` · added · policies/service/limits.cedar:2\n\n```diff\n+@id("service.forbid-chf")\n');
  });

  it('flags the unexercised policy in the table and in the summary line', () => {
    const markdown = diffMarkdown(diff);

    expect(markdown).toContain(
      '| `service.forbid-chf` | added policy | policies/service/limits.cedar:2 | m2m | 0 → 0 ⚠ **unexercised** |\n',
    );
    expect(markdown.split('\n')[2]).toBe(
      '**4 decisions changed: 0 allow→deny, 4 deny→allow** over 36 requests in 1 mode (m2m); ' +
        '3 policies changed (**1 unexercised**), 4 requests kept their decision on other policies.',
    );
  });

  it('lists requests that kept their decision on other policies, collapsed by policy pair with a count and one example', () => {
    expect(diff.redetermined).toEqual([
      {
        decision: 'allow',
        before: ['service.read-billing'],
        after: ['service.read-billing', 'service.read-billing-again'],
        // recon's ViewAccount and ListBilling, and the same two for the derived principal granted the read scope.
        count: 4,
        example: {
          mode: 'm2m',
          action: 'ViewAccount',
          principal: 'recon (read)',
          resource: 'acct-1',
          context: {},
          origin: 'case tests/policies/m2m/billing.test.yaml:17 recon_ViewAccount_acct-1',
        },
      },
    ]);
    expect(diffMarkdown(diff)).toContain(
      [
        '### Same decision with other policies',
        '',
        '| Determining policies (before → after) | Decision | Requests | Example request |',
        '|---|---|---:|---|',
        '| service.read-billing → service.read-billing, service.read-billing-again | allow | 4 ' +
          '| m2m: recon (read) ViewAccount acct-1 — case tests/policies/m2m/billing.test.yaml:17 recon_ViewAccount_acct-1 |',
      ].join('\n'),
    );
  });

  it('fails --fail-on unexercised with exit 1 and a message naming the policy, and still prints the whole report', () => {
    const run = diffCli(project.root, '--fail-on', 'unexercised');

    expect({ status: run.status, stderr: run.stderr, summary: run.stdout.split('\n')[2]?.startsWith('**4 decisions changed') }).toEqual({
      status: 1,
      stderr:
        '--fail-on unexercised: 1 changed policy determines no request on either side (unexercised): ' +
        'service.forbid-chf (policies/service/limits.cedar:2); add a policy test case that reaches each one\n',
      summary: true,
    });
  });

  it('takes several --fail-on values, comma-separated and repeated, and names every reason it fails', () => {
    const run = diffCli(project.root, '--format', 'json', '--fail-on', 'deny,unexercised', '--fail-on', 'allow');

    expect({ status: run.status, stderr: run.stderr.split('\n') }).toEqual({
      status: 1,
      stderr: [
        '--fail-on deny,unexercised,allow: 4 requests newly allowed',
        '--fail-on deny,unexercised,allow: 1 changed policy determines no request on either side (unexercised): ' +
          'service.forbid-chf (policies/service/limits.cedar:2); add a policy test case that reaches each one',
        '',
      ],
    });
  });

  it('carries everything in --format json, and passes --fail-on deny: nothing newly denied, the space explored', () => {
    const run = diffCli(project.root, '--format', 'json', '--fail-on', 'deny');
    const printed = JSON.parse(run.stdout) as DecisionDiff & { summary: string };

    expect({
      status: run.status,
      evaluated: printed.evaluated,
      policies: printed.policyChanges.map((change) => [change.id, change.kind === 'modified' ? change.textDiff.length : 0]),
      groups: printed.redetermined.map((group) => group.count),
      unexplored: printed.unexplored,
    }).toEqual({
      status: 0,
      // 3 cases; the cross product of 2 services x 4 actions on acct-1 (CreatePayment with each of its 2 contexts) is
      // 10 requests, of which 3 are the cases themselves; 26 more are derived from the three changed policies.
      evaluated: {
        all: { case: 3, fixtures: 7, derived: 26, total: 36 },
        byMode: { m2m: { case: 3, fixtures: 7, derived: 26, total: 36 } },
      },
      policies: [
        ['service.create-payment', 8],
        ['service.forbid-chf', 0],
        ['service.read-billing-again', 0],
      ],
      groups: [4],
      unexplored: [],
    });
  });

  it('refuses an unknown --fail-on value with exit 2 and a suggestion', () => {
    const run = diffCli(project.root, '--fail-on', 'allow,unexcercised');

    expect({ status: run.status, firstLine: run.stderr.split('\n')[0] }).toEqual({
      status: 2,
      firstLine: 'diff: unknown --fail-on "unexcercised"; use one of allow, deny, any, unexercised (did you mean unexercised?)',
    });
  });
});

describe('a suite file that does not load', () => {
  let project: ProjectCopy;
  const BROKEN =
    'tests/policies/m2m/broken.test.yaml:6:1: did not load (YAML_SYNTAX: Flow sequence in block collection must be ' +
    'sufficiently indented and end with a ]), so its requests were not evaluated';

  beforeAll(() => {
    // GIVEN a committed project with an m2m suite, and a working tree that adds a suite whose YAML does not parse
    project = suiteProject({
      'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE,
      'tests/policies/m2m/billing.test.yaml': M2M_PAYMENT_SUITE,
    });
    commitAll(project.root);
    writeFiles(project.root, {
      'tests/policies/m2m/broken.test.yaml': `${SUITE_LINE}mode: m2m\nfixtures: [services]\ncases:\n  - principal: [recon\n`,
    });
  });
  afterAll(() => project.remove());

  it('fails any --fail-on with exit 1, naming the file and line: its requests were never evaluated', () => {
    const run = diffCli(project.root, '--fail-on', 'allow');

    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 1,
      stderr: `--fail-on allow: ${BROKEN}\n`,
    });
  });

  it('says so in the Notes of the report, which still exits 0 without --fail-on', () => {
    const run = diffCli(project.root);

    expect({ status: run.status, notes: run.stdout.slice(run.stdout.indexOf('### Notes')) }).toEqual({
      status: 0,
      notes: `### Notes\n\n- ⚠ unexplored: ${BROKEN}\n`,
    });
  });
});
