import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyGate, computeCoverage, type CoverageReport } from '../../policy-testing/coverage.js';
import { DEFAULT_COVERAGE_CONFIG, loadCoverageConfig } from '../../policy-testing/coverage-config.js';
import { coverageJson, coverageMarkdown, coverageText } from '../../policy-testing/coverage-report.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { loadPolicyTests, type PolicyTests } from '../../policy-testing/load-tests.js';
import { runSuites } from '../../policy-testing/run-suites.js';
import { UNREACHABLE_KINDS } from '../../policy-testing/runtime-parity/unreachable.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { FIXTURE_LINE, SUITE_LINE, suiteProject } from './suite-project.js';

const COVERAGE_LINE = '# yaml-language-server: $schema=../../policy-testing/schemas/policy-coverage.schema.json\n';

// An m2m-only project: the other modes and their policy folders are removed, and the shared guardrails are pinned to
// this copy, so every number below is exact whatever the repository's own policies become.
const PINNED_GUARDRAILS = `// Guardrails that hold in every mode. They are \`forbid\` policies, so they
// override any \`permit\` a role, group or scope grants.
/// A frozen account is frozen for everyone: fraud holds must stop outgoing
/// billing no matter which role, scope or tenant asks.
@id("shared.forbid-billing-from-frozen-account")
forbid (
  principal,
  action == Billing::Action::"CreatePayment",
  resource is Billing::Account
)
when { resource.frozen };

/// Billing above 10,000.00 (1,000,000 minor units) need a second person:
/// without an approver the request is refused (four-eyes rule).
@id("shared.forbid-large-payment-without-approver")
forbid (
  principal,
  action == Billing::Action::"CreatePayment",
  resource
)
when { context.amount > 1000000 && !(context has approverId) };

/// Nobody approves a payment they created themselves (segregation of duties).
@id("shared.forbid-self-approval")
forbid (
  principal,
  action == Billing::Action::"ApprovePayment",
  resource is Billing::Payment
)
when { resource.createdBy == principal.userId };
`;

const FILES = {
  'policies/shared/guardrails.cedar': PINNED_GUARDRAILS,
  'tests/policies/fixtures/services.yaml': `${FIXTURE_LINE}description: Services and an account.
entities:
  - uid: Billing::Service::"initiator"
    attrs: { clientId: init01, scopes: [billing/write] }
  - uid: Billing::Service::"ledger"
    attrs: { clientId: ledger01, scopes: [billing/events.read] }
  - uid: Billing::Account::"acct-1"
    attrs:
      owner: { __entity: { type: Billing::Customer, id: cust-acme } }
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      currency: EUR
      frozen: false
`,
  'tests/policies/m2m/scopes.test.yaml': `${SUITE_LINE}description: Some of the m2m policies.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: over-limit
    context: { amount: 2000000, currency: EUR }
    expect: { decision: deny }
  - principal: ledger
    action: SubscribePaymentEvents
    resource: acct-1
    expect: { decision: allow }
  - principal: initiator
    action: SubscribePaymentEvents
    resource: acct-1
    expect: { decision: deny }
`,
};

/** The modes and policy folders an m2m-only copy leaves out. */
const NOT_M2M = [
  'modes/customer.yaml',
  'modes/internal.yaml',
  'modes/multi-tenant.yaml',
  'policies/customer',
  'policies/staff',
  'policies/tenant',
];

describe('policy coverage', () => {
  let project: ProjectCopy;
  let tests: PolicyTests;
  let report: CoverageReport;
  const configFrom = (text: string | undefined) =>
    loadCoverageConfig(
      text === undefined ? undefined : { path: 'tests/policies/coverage.yaml', text: `${COVERAGE_LINE}${text}` },
      tests.catalog.policies.flatMap((p) => p.id ?? []),
    );

  beforeAll(() => {
    project = suiteProject(FILES);
    for (const path of NOT_M2M) rmSync(join(project.root, path), { recursive: true });
    tests = loadPolicyTests({ root: project.root });
    report = computeCoverage(tests, runSuites(tests));
  });
  afterAll(() => project.remove());

  it('counts, for each policy, the cases it determined', () => {
    expect(report.policies.map((policy) => [policy.id, policy.determiningCases, policy.modes])).toEqual([
      ['service.create-payment', 1, ['m2m']],
      ['service.read-billing', 0, []],
      ['service.subscribe-payment-events', 1, ['m2m']],
      ['shared.forbid-billing-from-frozen-account', 0, []],
      ['shared.forbid-large-payment-without-approver', 1, ['m2m']],
      ['shared.forbid-self-approval', 0, []],
    ]);
  });

  it('lists the actions and entity types no case exercised', () => {
    expect({ actions: report.actionsNeverExercised, entityTypes: report.entityTypesNeverExercised }).toEqual({
      actions: [
        'AddBeneficiary',
        'ApprovePayment',
        'DeleteBeneficiary',
        'FreezeAccount',
        'ListBilling',
        'RefundPayment',
        'UnfreezeAccount',
        'ViewAccount',
        'ViewBeneficiary',
        'ViewPayment',
      ],
      entityTypes: [
        'Billing::Beneficiary',
        'Billing::Customer',
        'Billing::CustomerUser',
        'Billing::Payment',
        'Billing::Role',
        'Billing::StaffGroup',
        'Billing::StaffUser',
        'Billing::Tenant',
        'Billing::TenantUser',
      ],
    });
  });

  it('fails the gate, naming each policy under the minimum, when nothing is waived', () => {
    const gate = applyGate(report, configFrom('minimumDeterminingCases: 1\nwaivers: []\n').config);
    expect(gate.failures).toEqual([
      'service.read-billing (policies/service/scopes.cedar:14) determined 0 cases; the minimum is 1. ' +
        'Add a case it decides, or a waiver with a reason in tests/policies/coverage.yaml.',
      'shared.forbid-billing-from-frozen-account (policies/shared/guardrails.cedar:5) determined 0 cases; ' +
        'the minimum is 1. Add a case it decides, or a waiver with a reason in tests/policies/coverage.yaml.',
      'shared.forbid-self-approval (policies/shared/guardrails.cedar:24) determined 0 cases; ' +
        'the minimum is 1. Add a case it decides, or a waiver with a reason in tests/policies/coverage.yaml.',
    ]);
  });

  it('passes the gate when every policy under the minimum has a waiver, and says which waivers are no longer needed', () => {
    const gate = applyGate(
      report,
      configFrom(`minimumDeterminingCases: 1
waivers:
  - { id: service.read-billing, reason: The m2m mode routes only $connect for now. }
  - { id: shared.forbid-billing-from-frozen-account, reason: Covered by the customer suites in the full repository. }
  - { id: shared.forbid-self-approval, reason: ApprovePayment does not apply to services. }
  - { id: service.create-payment, reason: Kept to show the warning. }
`).config,
    );
    expect(gate).toEqual({
      pass: true,
      minimumDeterminingCases: 1,
      failures: [],
      warnings: ['service.create-payment determines 1 case now; its waiver can go'],
      waived: [
        { id: 'service.create-payment', reason: 'Kept to show the warning.', determiningCases: 1 },
        { id: 'service.read-billing', reason: 'The m2m mode routes only $connect for now.', determiningCases: 0 },
        {
          id: 'shared.forbid-billing-from-frozen-account',
          reason: 'Covered by the customer suites in the full repository.',
          determiningCases: 0,
        },
        { id: 'shared.forbid-self-approval', reason: 'ApprovePayment does not apply to services.', determiningCases: 0 },
      ],
    });
  });

  it('raises the bar with minimumDeterminingCases', () => {
    const gate = applyGate(
      report,
      configFrom(`minimumDeterminingCases: 2
waivers:
  - { id: service.read-billing, reason: The m2m mode routes only $connect for now. }
  - { id: shared.forbid-billing-from-frozen-account, reason: Covered by the customer suites in the full repository. }
  - { id: shared.forbid-self-approval, reason: ApprovePayment does not apply to services. }
`).config,
    );
    expect(gate.failures.map((failure) => failure.split(' ')[0])).toEqual([
      'service.create-payment',
      'service.subscribe-payment-events',
      'shared.forbid-large-payment-without-approver',
    ]);
  });

  it('reports a waiver of a policy that does not exist at its line and column', () => {
    const load = configFrom(`minimumDeterminingCases: 1
waivers:
  - { id: service.read-biling, reason: A typo in the policy id. }
`);
    expect(formatDiagnostics(load.diagnostics, 'text')).toBe(
      'tests/policies/coverage.yaml:4:11: error TEST_WAIVER_UNKNOWN: no policy or template has the id `service.read-biling`; ' +
        'did you mean `service.read-billing`?\n' +
        '  hint: Remove the waiver or correct the id.\n',
    );
  });

  it('requires one allow and one deny case for every routed action', () => {
    const allowOnly = computeCoverage(
      tests,
      runSuites(tests).filter(
        (result) => !(result.testCase.request.action.id === 'SubscribePaymentEvents' && result.outcome.decision === 'deny'),
      ),
    );
    expect(applyGate(allowOnly, configFrom(undefined).config).failures.filter((failure) => failure.startsWith('mode'))).toEqual([
      'mode m2m routes SubscribePaymentEvents, but no case of it ends in deny',
    ]);
  });

  it('prints a table of each policy with its determining cases', () => {
    const gate = applyGate(report, configFrom(undefined).config);
    expect(coverageText(report, gate).split('\n').slice(0, 11)).toEqual([
      'Policy coverage: 4 cases in 1 suite (m2m 4)',
      '',
      '| Policy @id                                   | Determining cases | Allow | Deny | Overridden | Modes | Status        |',
      '|----------------------------------------------|-------------------|-------|------|------------|-------|---------------|',
      '| service.create-payment                       | 1                 | 1     | 0    | 1          | m2m   | ok            |',
      '| service.read-billing                         | 0                 | 0     | 0    | 0          | -     | BELOW MINIMUM |',
      '| service.subscribe-payment-events             | 1                 | 1     | 0    | 0          | m2m   | ok            |',
      '| shared.forbid-billing-from-frozen-account    | 0                 | 0     | 0    | 0          | -     | BELOW MINIMUM |',
      '| shared.forbid-large-payment-without-approver | 1                 | 0     | 1    | 0          | m2m   | ok            |',
      '| shared.forbid-self-approval                  | 0                 | 0     | 0    | 0          | -     | BELOW MINIMUM |',
      '',
    ]);
  });

  it('prints a markdown section for a pull-request comment, with a warning sign on each policy no case exercises', () => {
    expect(coverageMarkdown(report, applyGate(report, configFrom(undefined).config))).toBe(
      [
        '### Policy coverage',
        '',
        '4 cases in 1 suite (m2m 4); coverage gate (each policy determining at least 1 case): FAILED.',
        '',
        '| Policy | Allow | Deny | Overridden |  |',
        '|---|--:|--:|--:|---|',
        '| `service.create-payment` | 1 | 0 | 1 |  |',
        '| `service.read-billing` | 0 | 0 | 0 | ⚠ no case exercises it |',
        '| `service.subscribe-payment-events` | 1 | 0 | 0 |  |',
        '| `shared.forbid-billing-from-frozen-account` | 0 | 0 | 0 | ⚠ no case exercises it |',
        '| `shared.forbid-large-payment-without-approver` | 0 | 1 | 0 |  |',
        '| `shared.forbid-self-approval` | 0 | 0 | 0 | ⚠ no case exercises it |',
        '',
      ].join('\n'),
    );
  });

  it('counts the cases their mode cannot carry through its runtime, by reason', () => {
    // m2m routes only $connect (SubscribePaymentEvents), and its token carries one client id for both the
    // principal id and `clientId`, which these services spell differently.
    expect(report.runtimeReachability).toEqual({
      reachable: 0,
      unreachable: 4,
      unreachableByReason: { ...Object.fromEntries(UNREACHABLE_KINDS.map((kind) => [kind, 0])), 'no-route': 2, 'claim-conflict': 2 },
    });
  });

  it('prints the unreachable cases by reason after the route gaps', () => {
    const text = coverageText(report, applyGate(report, configFrom(undefined).config));

    expect(text.split('\n').find((line) => line.startsWith('Cases unreachable'))).toBe(
      'Cases unreachable through the runtime: 4 (no-route 2, claim-conflict 2)',
    );
  });

  it('makes the coverage step of test:policies exit 1, printing the JSON it also writes to .tmp/policy-coverage.json', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'policy-testing/cli/coverage.ts', '--root', project.root, '--json'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const printed = JSON.parse(run.stdout) as { gate: { pass: boolean; failures: string[] } };
    expect({
      status: run.status,
      pass: printed.gate.pass,
      failing: printed.gate.failures.map((failure) => failure.split(' ')[0]),
      written: readFileSync(join(project.root, '.tmp/policy-coverage.json'), 'utf8') === run.stdout,
    }).toEqual({
      status: 1,
      pass: false,
      failing: ['service.read-billing', 'shared.forbid-billing-from-frozen-account', 'shared.forbid-self-approval'],
      written: true,
    });
  });
});

// Six m2m cases whose counts are worked out by hand from the pinned guardrails and the service scopes:
//   A initiator (billing/write) CreatePayment acct-1 100        allow: service.create-payment
//   B initiator CreatePayment acct-1 2,000,000                  deny: forbid-large; service.create-payment held, overridden
//   C initiator CreatePayment acct-frozen 2,000,000             deny: forbid-large and forbid-frozen; create-payment overridden
//   D recon (billing/read) CreatePayment acct-frozen 100        deny: forbid-frozen; no permit held, so nothing is overridden
//   E recon ViewAccount acct-1                                  allow: service.read-billing
//   F ledger SubscribePaymentEvents acct-frozen                 allow: service.subscribe-payment-events (no forbid applies)
const COUNTED_SUITE = `${SUITE_LINE}description: Cases whose counts are known.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: a
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: b
    context: { amount: 2000000, currency: EUR }
    expect: { decision: deny }
  - principal: initiator
    action: CreatePayment
    resource: acct-frozen
    variant: c
    context: { amount: 2000000, currency: EUR }
    expect: { decision: deny }
  - principal: recon
    action: CreatePayment
    resource: acct-frozen
    variant: d
    context: { amount: 100, currency: EUR }
    expect: { decision: deny }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
  - principal: ledger
    action: SubscribePaymentEvents
    resource: acct-frozen
    expect: { decision: allow }
`;

const COUNTED_FIXTURE = `${FIXTURE_LINE}description: Three services, an open account and a frozen one.
entities:
  - uid: Billing::Service::"initiator"
    attrs: { clientId: init01, scopes: [billing/write] }
  - uid: Billing::Service::"recon"
    attrs: { clientId: recon01, scopes: [billing/read] }
  - uid: Billing::Service::"ledger"
    attrs: { clientId: ledger01, scopes: [billing/events.read] }
  - uid: Billing::Account::"acct-1"
    attrs:
      owner: { __entity: { type: Billing::Customer, id: cust-acme } }
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      currency: EUR
      frozen: false
  - uid: Billing::Account::"acct-frozen"
    attrs:
      owner: { __entity: { type: Billing::Customer, id: cust-acme } }
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      currency: EUR
      frozen: true
`;

describe('policy coverage counts by outcome', () => {
  let project: ProjectCopy;
  let report: CoverageReport;

  beforeAll(() => {
    project = suiteProject({
      'policies/shared/guardrails.cedar': PINNED_GUARDRAILS,
      'tests/policies/fixtures/services.yaml': COUNTED_FIXTURE,
      'tests/policies/m2m/counted.test.yaml': COUNTED_SUITE,
    });
    for (const path of NOT_M2M) rmSync(join(project.root, path), { recursive: true });
    const tests = loadPolicyTests({ root: project.root });
    report = computeCoverage(tests, runSuites(tests));
  });
  afterAll(() => project.remove());

  it('counts per policy the Allows it determined, the Denies it determined, and the cases a forbid overrode it in', () => {
    expect(report.policies.map((p) => [p.id, { allow: p.allowCases, deny: p.denyCases, overridden: p.overriddenCases }])).toEqual([
      ['service.create-payment', { allow: 1, deny: 0, overridden: 2 }],
      ['service.read-billing', { allow: 1, deny: 0, overridden: 0 }],
      ['service.subscribe-payment-events', { allow: 1, deny: 0, overridden: 0 }],
      ['shared.forbid-billing-from-frozen-account', { allow: 0, deny: 2, overridden: 0 }],
      ['shared.forbid-large-payment-without-approver', { allow: 0, deny: 2, overridden: 0 }],
      ['shared.forbid-self-approval', { allow: 0, deny: 0, overridden: 0 }],
    ]);
  });

  it('keeps determiningCases as the sum of the Allows and Denies a policy determined', () => {
    expect(report.policies.every((p) => p.determiningCases === p.allowCases + p.denyCases)).toBe(true);
    expect(report.failedCases).toBe(0);
  });

  it('writes the three counts into the JSON next to the existing fields', () => {
    const json = JSON.parse(coverageJson(report, applyGate(report, DEFAULT_COVERAGE_CONFIG))) as { policies: Record<string, unknown>[] };
    expect(json.policies[0]).toEqual({
      id: 'service.create-payment',
      kind: 'policy',
      location: 'policies/service/scopes.cedar:26',
      determiningCases: 1,
      allowCases: 1,
      denyCases: 0,
      overriddenCases: 2,
      modes: ['m2m'],
    });
  });
});

describe('policy coverage counts of a template, through its links', () => {
  let project: ProjectCopy;
  let report: CoverageReport;

  beforeAll(() => {
    // The billing fixture's delegated-access suite, alone, with the fixtures it names. Worked out by hand:
    //   ada ViewPayment pay-2 (in acct-1)  allow by link ada-reads-acct-1                  template Allow 1
    //   ada ListBilling acct-9             denied by tenant.isolation; ada-reads-acct-9 held  template Overridden 1
    //   ada ViewPayment pay-9 (in acct-9)  denied by tenant.isolation; ada-reads-acct-9 held  template Overridden 2
    //   tom ViewAccount acct-3             allow by tenant.read-own and tom-reads-acct-3      template Allow 2
    //   three more ada cases               deny, nothing held
    const source = join(REPO_ROOT, 'tests/fixtures/billing/tests/policies');
    const fixtures = ['tenants-and-customers', 'roles', 'tenant-users', 'accounts', 'billing', 'delegations'];
    project = suiteProject(
      Object.fromEntries(
        ['multi-tenant/delegated-access.test.yaml', ...fixtures.map((name) => `fixtures/${name}.yaml`)].map((path) => [
          `tests/policies/${path}`,
          readFileSync(join(source, path), 'utf8'),
        ]),
      ),
    );
    const tests = loadPolicyTests({ root: project.root });
    report = computeCoverage(tests, runSuites(tests));
  });
  afterAll(() => project.remove());

  it('counts a case once for the template, whichever of its links held, and counts overridden links', () => {
    const counts = (id: string) => {
      const policy = report.policies.find((p) => p.id === id);
      return policy && { kind: policy.kind, allow: policy.allowCases, deny: policy.denyCases, overridden: policy.overriddenCases };
    };
    expect({
      failed: report.failedCases,
      template: counts('tenant.delegated-account-read'),
      isolation: counts('tenant.isolation'),
    }).toEqual({
      failed: 0,
      template: { kind: 'template', allow: 2, deny: 0, overridden: 2 },
      isolation: { kind: 'policy', allow: 0, deny: 2, overridden: 0 },
    });
  });
});
