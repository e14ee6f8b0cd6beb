import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { loadPolicyTests, type PolicyTests } from '../../policy-testing/load-tests.js';
import type { ProjectCopy } from '../support/project-copy.js';
import { FIXTURE_LINE, SERVICES_FIXTURE, SUITE_LINE, suiteProject } from './suite-project.js';

const VALID_SUITE = `${SUITE_LINE}description: Scopes.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    context: { amount: 100, currency: EUR }
    expect: { decision: allow, determining: [service.create-payment] }
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: over-limit
    context: { amount: 1000001, currency: EUR }
    expect: { decision: deny, determining: [shared.forbid-large-payment-without-approver] }
matrices:
  - principals: [initiator, recon]
    actions: [ViewAccount, SubscribePaymentEvents]
    resources: [acct-1]
    default: deny
    cells:
      recon ViewAccount acct-1: allow
`;

const BROKEN_FILES = {
  'tests/policies/fixtures/services.yaml': SERVICES_FIXTURE,
  'tests/policies/fixtures/broken.yaml': `${FIXTURE_LINE}description: An account without its tenant.
entities:
  - uid: Billing::Account::"acct-7"
    attrs: { owner: { __entity: { type: Billing::Customer, id: c } }, currency: EUR, frozen: false }
`,
  'tests/policies/m2m/valid.test.yaml': VALID_SUITE,
  'tests/policies/m2m/bad-values.test.yaml': `${SUITE_LINE}description: A misspelt key and a misspelt decision.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: ViewAccount
    resource: acct-1
    expct: { decision: deny }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: alow }
`,
  'tests/policies/m2m/matrix-default.test.yaml': `${SUITE_LINE}description: A matrix that does not say its default, and one that says allow.
mode: m2m
fixtures: [services]
matrices:
  - principals: [recon]
    actions: [ViewAccount]
    resources: [acct-1]
  - principals: [recon]
    actions: [ViewAccount]
    resources: [acct-1]
    default: allow
`,
  'tests/policies/m2m/references.test.yaml': `${SUITE_LINE}description: Names that match nothing.
mode: m2m
fixtures: [services, servces]
cases:
  - principal: initator
    action: ViewAcount
    resource: acct-1
    expect: { decision: deny }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow, determining: [service.read-biling] }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
matrices:
  - principals: [recon]
    actions: [ViewAccount]
    resources: [acct-1]
    default: deny
    cells:
      recon ListBilling acct-1: allow
`,
  'tests/policies/m2m/no-schema-line.test.yaml': `description: No schema line.
mode: m2m
fixtures: [services]
cases:
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
`,
  'tests/policies/m2m/bad-yaml.test.yaml': `${SUITE_LINE}description: An unclosed flow sequence.
mode: m2m
fixtures: [services
`,
};

describe('loading suites', () => {
  let project: ProjectCopy;
  let tests: PolicyTests;

  beforeAll(() => {
    project = suiteProject(BROKEN_FILES);
    tests = loadPolicyTests({ root: project.root });
  });
  afterAll(() => project.remove());

  it('reports every problem as path:line:col with its code, message and hint', () => {
    expect(formatDiagnostics(tests.diagnostics, 'text')).toBe(
      [
        'tests/policies/fixtures/broken.yaml:4:5: error TEST_ENTITY_INVALID: Billing::Account::"acct-7": ' +
          'entity does not conform to the schema: expected entity `Billing::Account::"acct-7"` ' +
          'to have attribute `tenant`, but it does not',
        '  hint: Give the entity the attributes and parent types the schema declares; ' +
          "deliberately broken entities belong in a case's `entities`.",
        'tests/policies/m2m/bad-values.test.yaml:6:5: error TEST_REQUIRED: `cases[0]` is missing the required field `expect`',
        '  hint: Add `expect:`.',
        'tests/policies/m2m/bad-values.test.yaml:9:5: error TEST_UNKNOWN_KEY: unknown key `expct` in `cases[0]`; did you mean `expect`?',
        '  hint: Rename `expct` to `expect`.',
        'tests/policies/m2m/bad-values.test.yaml:13:25: error TEST_INVALID_VALUE: `cases[1].expect.decision` ' +
          'must be one of "allow", "deny", not "alow"',
        '  hint: Use a value the file schema allows.',
        'tests/policies/m2m/bad-yaml.test.yaml:5:1: error YAML_SYNTAX: Flow sequence in block collection ' +
          'must be sufficiently indented and end with a ]',
        '  hint: Fix the YAML at this position: check indentation, quoting and duplicate keys.',
        'tests/policies/m2m/matrix-default.test.yaml:6:5: error TEST_REQUIRED: `matrices[0]` is missing the required field `default`',
        '  hint: Add `default: deny`. The decision of every cell not listed in `cells`. It is always deny, and says so.',
        'tests/policies/m2m/matrix-default.test.yaml:12:14: error TEST_INVALID_VALUE: `matrices[1].default` must be "deny", not "allow"',
        '  hint: Use a value the file schema allows.',
        'tests/policies/m2m/no-schema-line.test.yaml:1:1: warning TEST_SCHEMA_LINE: ' +
          'the first line should name the schema: ' +
          '`# yaml-language-server: $schema=<path to policy-test.schema.json>`',
        '  hint: Make the first line `# yaml-language-server: $schema=<relative path to the schema>` so editors check the file.',
        'tests/policies/m2m/references.test.yaml:4:22: error TEST_FIXTURE_UNKNOWN: no fixture file `servces.yaml`; ' +
          'did you mean `services`?',
        '  hint: Use the name of a file in tests/policies/fixtures/ without `.yaml`.',
        'tests/policies/m2m/references.test.yaml:6:16: error TEST_ENTITY_UNKNOWN: no entity of this suite has the id `initator`; ' +
          'did you mean `initiator`?',
        '  hint: Use the id of an entity in the suite\'s fixtures, or a full uid such as `Ns::User::"alice"`.',
        'tests/policies/m2m/references.test.yaml:7:13: error TEST_ACTION_UNKNOWN: action `ViewAcount` is not in the schema; ' +
          'did you mean `ViewAccount`?',
        '  hint: Use an action id the schema declares, spelled as there (its id alone, without the namespace).',
        'tests/policies/m2m/references.test.yaml:13:46: error TEST_POLICY_UNKNOWN: no policy, template or link `service.read-biling` ' +
          'in mode `m2m`; ' +
          'did you mean `service.read-billing`?',
        "  hint: Use the @id of a policy of the suite's mode, or the id of one of its template links.",
        'tests/policies/m2m/references.test.yaml:18:5: error TEST_CASE_DUPLICATE: case `recon_ViewAccount_acct-1` ' +
          'is already defined at 14:5',
        '  hint: Add a `variant` to one of them, such as `variant: over-limit`.',
        'tests/policies/m2m/references.test.yaml:26:5: error TEST_CASE_DUPLICATE: case `recon_ViewAccount_acct-1` ' +
          'is already defined at 14:5',
        '  hint: Add a `variant` to one of them, such as `variant: over-limit`.',
        'tests/policies/m2m/references.test.yaml:28:7: error TEST_MATRIX_CELL: cell `recon ListBilling acct-1` ' +
          'names the action `ListBilling`, which the matrix does not list',
        '  hint: Write cells as `<principal> <action> <resource>` from the matrix lists; the action must apply to both types.',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the suites with an error and keeps the others, a suite with only a warning included', () => {
    expect(tests.suites.map((suite) => suite.file)).toEqual([
      'tests/policies/m2m/no-schema-line.test.yaml',
      'tests/policies/m2m/valid.test.yaml',
    ]);
  });

  it('names each case <principal>_<action>_<resource>[_variant] and expands matrices over what the schema allows', () => {
    const valid = tests.suites.find((suite) => suite.file === 'tests/policies/m2m/valid.test.yaml');
    expect(valid?.cases.map((testCase) => [testCase.id, testCase.name, testCase.origin, testCase.position.line])).toEqual([
      ['initiator_CreatePayment_acct-1', 'initiator (write) CreatePayment acct-1 → allow', 'case', 6],
      ['initiator_CreatePayment_acct-1_over-limit', 'initiator (write) CreatePayment acct-1 [over-limit] → deny', 'case', 11],
      ['initiator_ViewAccount_acct-1', 'initiator (write) ViewAccount acct-1 → deny', 'matrix', 21],
      ['initiator_SubscribePaymentEvents_acct-1', 'initiator (write) SubscribePaymentEvents acct-1 → deny', 'matrix', 21],
      ['recon_ViewAccount_acct-1', 'recon (read) ViewAccount acct-1 → allow', 'matrix', 23],
      ['recon_SubscribePaymentEvents_acct-1', 'recon (read) SubscribePaymentEvents acct-1 → deny', 'matrix', 21],
    ]);
  });

  it('gives matrix cells outside `cells` the default deny, expecting no error', () => {
    const valid = tests.suites.find((suite) => suite.file === 'tests/policies/m2m/valid.test.yaml');
    expect(valid?.cases.find((testCase) => testCase.id === 'recon_SubscribePaymentEvents_acct-1')?.expect).toEqual({
      decision: 'deny',
      errors: [],
    });
  });
});
