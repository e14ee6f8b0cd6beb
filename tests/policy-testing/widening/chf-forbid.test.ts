// Issue 17's first miss: a new forbid on a currency no suite uses showed "0 decisions changed". Widened from the
// change itself, the diff shows each payment it blocks, labelled with the condition it came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDecisions, type DecisionDiff } from '../../../policy-testing/diff.js';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { loadPolicyCatalog } from '../../../policy-testing/policy-catalog.js';
import { comparePolicyCatalogs } from '../../../policy-testing/policy-changes.js';
import { buildRequestSpace, describeOrigin } from '../../../policy-testing/request-space.js';
import { readRevisionSources } from '../../../policy-testing/git-sources.js';
import { deriveRequests } from '../../../policy-testing/widening/derive-requests.js';
import type { ProjectCopy } from '../../support/project-copy.js';
import { SERVICES_FIXTURE, SUITE_LINE, suiteProject } from '../suite-project.js';
import { commitAll, edit } from '../../support/git-project.js';

/** Every case pays in EUR: nothing in the suites names CHF. */
const SUITE = `${SUITE_LINE}description: Billing in euros only.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
`;

const FORBID_CHF = `
/// Swiss francs are not settled yet: no payment in CHF.
@id("shared.forbid-chf")
forbid (
  principal,
  action == Billing::Action::"CreatePayment",
  resource
)
when { context.currency == "CHF" };
`;

describe('a new forbid on a context value no suite uses (context.currency == "CHF")', () => {
  let project: ProjectCopy;
  let diff: DecisionDiff;

  beforeAll(() => {
    // GIVEN a committed project whose suites pay only in EUR
    project = suiteProject({ 'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE, 'tests/policies/m2m/euros.test.yaml': SUITE });
    commitAll(project.root);
    // AND a working tree that adds a forbid on CHF
    edit(project.root, 'policies/shared/guardrails.cedar', '// Guardrails that hold', `${FORBID_CHF}\n// Guardrails that hold`);
    // WHEN the working tree is compared with HEAD
    diff = diffDecisions({ root: project.root, base: 'HEAD' });
  });
  afterAll(() => project.remove());

  it('shows the allowed payment turning to deny in CHF, from the forbid and its condition', () => {
    expect(
      diff.changes.map((change) => [change.action, change.principal, change.context, change.before.decision, change.after, change.origins]),
    ).toEqual([
      [
        'CreatePayment',
        'initiator (write)',
        { amount: 100, currency: 'CHF' },
        'allow',
        { decision: 'deny', determining: ['shared.forbid-chf'], errors: [] },
        ['from shared.forbid-chf: context.currency == "CHF"'],
      ],
    ]);
  });

  it('also asks a currency other than CHF, which does not flip', () => {
    // The diff lists only flips; the derived space shows the other value was asked.
    const head = loadPolicyTests({ root: project.root });
    const space = buildRequestSpace(head);
    const changes = comparePolicyCatalogs(loadPolicyCatalog(readRevisionSources(project.root, 'HEAD')), head.catalog);
    const derived = deriveRequests({ changes, tests: head, space, capPerPolicy: 200 });

    expect(derived.requests.map((item) => [describeOrigin(item.origin), item.principalName, item.request.context])).toEqual([
      ['from shared.forbid-chf: context.currency == "CHF"', 'initiator (write)', { amount: 100, currency: 'CHF' }],
      ['from shared.forbid-chf: context.currency != "CHF" ("CHF-other")', 'initiator (write)', { amount: 100, currency: 'CHF-other' }],
      ['from shared.forbid-chf: context.currency == "CHF"', 'recon (read)', { amount: 100, currency: 'CHF' }],
      ['from shared.forbid-chf: context.currency != "CHF" ("CHF-other")', 'recon (read)', { amount: 100, currency: 'CHF-other' }],
    ]);
    expect(diff.changes.some((change) => change.context['currency'] === 'CHF-other')).toBe(false);
  });
});
