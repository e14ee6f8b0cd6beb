// One case at a time through the real authorizer of the repository's own modes, on loopback services.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../policy-testing/evaluate.js';
import { loadPolicyTests, type PolicyTests } from '../../../policy-testing/load-tests.js';
import type { LoadedSuite, PolicyCase } from '../../../policy-testing/load-suites.js';
import { createSuiteEvaluator, runCase } from '../../../policy-testing/run-suites.js';
import { startParityEnvironment, type ParityEnvironment } from '../../../policy-testing/runtime-parity/parity-environment.js';
import { buildParityModes, modeNamed, type ParityModes } from '../../../policy-testing/runtime-parity/parity-modes.js';
import { runParityCase, storeContents, type ParityResult } from '../../../policy-testing/runtime-parity/run-case.js';
import type { ProjectCopy } from '../../support/project-copy.js';
import { FIXTURE_LINE, SUITE_LINE, suiteProject } from '../suite-project.js';

const WORLD = `${FIXTURE_LINE}description: Acme in tenant t-north, its account and users of both modes.
entities:
  - uid: Billing::Tenant::"t-north"
  - uid: Billing::Role::"payer"
  - uid: Billing::Customer::"cust-acme"
    attrs: { tenant: { __entity: { type: Billing::Tenant, id: t-north } }, country: FR }
    parents: [Billing::Tenant::"t-north"]
  - uid: Billing::Account::"acct-1"
    attrs:
      owner: { __entity: { type: Billing::Customer, id: cust-acme } }
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      currency: EUR
      frozen: false
    parents: [Billing::Customer::"cust-acme"]
  - uid: Billing::CustomerUser::"alice"
    attrs: { userId: alice, customer: { __entity: { type: Billing::Customer, id: cust-acme } } }
    parents: [Billing::Role::"payer"]
  - uid: Billing::TenantUser::"ada"
    attrs:
      userId: ada
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      customer: { __entity: { type: Billing::Customer, id: cust-acme } }
    parents: [Billing::Tenant::"t-north"]
`;

const FILES = {
  'tests/policies/fixtures/world.yaml': WORLD,
  'tests/policies/customer/parity.test.yaml': `${SUITE_LINE}description: A payer of Acme.
mode: customer
fixtures: [world]
cases:
  - principal: alice
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
  - principal: alice
    action: ViewPayment
    resource: acct-1
    variant: wrong-type
    expect: { decision: deny }
`,
  'tests/policies/m2m/parity.test.yaml': `${SUITE_LINE}description: A service whose id is its client id, as the m2m token carries it.
mode: m2m
fixtures: [world]
entities:
  - uid: Billing::Service::"ledgerservice01"
    attrs: { clientId: ledgerservice01, scopes: [billing/events.read] }
cases:
  - principal: ledgerservice01
    action: SubscribePaymentEvents
    resource: acct-1
    expect: { decision: allow }
`,
  'tests/policies/multi-tenant/parity.test.yaml': `${SUITE_LINE}description: Ada reads acct-1 through a template link.
mode: multi-tenant
fixtures: [world]
templateLinks:
  - { id: ada-reads-acct-1, template: tenant.delegated-account-read, principal: ada, resource: acct-1 }
cases:
  - principal: ada
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow, determining: [ada-reads-acct-1] }
`,
};

let project: ProjectCopy;
let tests: PolicyTests;
let modes: ParityModes;
let environment: ParityEnvironment;

beforeAll(async () => {
  project = suiteProject(FILES);
  tests = loadPolicyTests({ root: project.root });
  modes = buildParityModes(tests.sources);
  environment = await startParityEnvironment();
});

afterAll(async () => {
  await environment.close();
  project.remove();
});

function suiteOf(mode: string): LoadedSuite {
  const suite = tests.suites.find((candidate) => candidate.mode === mode);
  if (!suite) throw new Error(`no ${mode} suite loaded: ${tests.diagnostics.map((d) => d.message).join('; ')}`);
  return suite;
}

function caseOf(suite: LoadedSuite, id: string): PolicyCase {
  const found = suite.cases.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
}

async function parity(mode: string, id: string, suiteOutcome?: Outcome): Promise<ParityResult> {
  const suite = suiteOf(mode);
  const testCase = caseOf(suite, id);
  return runParityCase({
    environment,
    mode: modeNamed(modes, mode),
    links: suite.links,
    pool: suite.entities.map((entity) => entity.json),
    testCase,
    suiteOutcome: suiteOutcome ?? runCase(createSuiteEvaluator(tests, suite), testCase).outcome,
  });
}

describe('a case sent through the real runtime', () => {
  it('agrees when the authorizer decides as cedar-wasm did, naming the same policies', async () => {
    const result = await parity('customer', 'alice_ViewAccount_acct-1');

    expect(result.kind === 'agree' ? { decision: result.runtime.result, determining: result.runtime.determining } : result).toEqual({
      decision: 'allow',
      determining: ['customer.read-own'],
    });
  });

  it('reaches a WebSocket $connect with the resource id in the query string', async () => {
    const result = await parity('m2m', 'ledgerservice01_SubscribePaymentEvents_acct-1');

    expect(result.kind === 'agree' ? { decision: result.runtime.result, route: result.runtime.route } : result).toEqual({
      decision: 'allow',
      route: '$connect',
    });
  });

  it('names the AVP template-linked policy by the suite’s link id, not the id the store generated', async () => {
    const result = await parity('multi-tenant', 'ada_ViewAccount_acct-1');

    expect(result.kind === 'agree' ? result.runtime.determining : result).toEqual(['ada-reads-acct-1']);
  });

  it('disagrees when the suite’s decision differs, naming both decisions and the determining policies', async () => {
    const denied: Outcome = {
      decision: 'deny',
      cedarDecision: 'deny',
      determining: ['shared.forbid-x'],
      cedarDetermining: ['shared.forbid-x'],
      errors: [],
    };

    const result = await parity('customer', 'alice_ViewAccount_acct-1', denied);

    expect(result.kind === 'disagree' ? result.message.split('\n') : result).toEqual([
      `${suiteOf('customer').file}:6:5 alice_ViewAccount_acct-1: the runtime of mode customer disagrees with the suite`,
      '  suite (cedar-wasm): deny, determined by [shared.forbid-x]',
      '  runtime (GET /accounts/{accountId}): allow, determined by [customer.read-own]',
      // The runtime asked its engine with what the suite evaluated with: the token's principal and role, the account,
      // its owner and tenant.
      '  first entity difference: none: both sides hold the same entities',
    ]);
  });

  it('is reported unreachable, with its reason, when the mode routes no such request', async () => {
    const result = await parity('customer', 'alice_ViewPayment_acct-1_wrong-type');

    expect(result).toEqual({
      kind: 'unreachable',
      unreachable: { kind: 'no-route', reason: 'mode customer routes no ViewPayment on a Billing::Account' },
    });
  });
});

describe('the store a case is seeded with', () => {
  it('is the suite’s pool, with the case’s own entities in place of the same uids and added after', () => {
    const entity = (id: string, attrs: EntityJson['attrs'] = {}): EntityJson => ({ uid: { type: 'T', id }, attrs, parents: [] });
    const pool = [entity('a', { v: 1 }), entity('b')];
    const own = [entity('a', { v: 2 }), entity('c')];

    expect(storeContents(pool, own)).toEqual([own[0], pool[1], own[1]]);
  });
});
