// Builds a throwaway project for the policy-testing tests: the billing fixture's schema, policies and modes plus the suites a test writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyProject, type ProjectCopy } from '../support/project-copy.js';

/** Files by path relative to the project root, such as `tests/policies/m2m/x.test.yaml`. */
export type ProjectFiles = Readonly<Record<string, string>>;

export function suiteProject(files: ProjectFiles): ProjectCopy {
  const project = copyProject({ domain: 'billing' });
  writeFiles(project.root, files);
  return project;
}

export function writeFiles(root: string, files: ProjectFiles): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

export const SUITE_LINE = '# yaml-language-server: $schema=../../../policy-testing/schemas/policy-test.schema.json\n';
export const FIXTURE_LINE = '# yaml-language-server: $schema=../../../policy-testing/schemas/policy-fixture.schema.json\n';

/** Two services and one account: enough for small m2m suites with exact expectations. */
export const SERVICES_FIXTURE = `${FIXTURE_LINE}description: Two services and an account.
entities:
  - uid: Billing::Service::"initiator"
    label: write
    attrs: { clientId: init01, scopes: [billing/write] }
  - uid: Billing::Service::"recon"
    label: read
    attrs: { clientId: recon01, scopes: [billing/read] }
  - uid: Billing::Account::"acct-1"
    attrs:
      owner: { __entity: { type: Billing::Customer, id: cust-acme } }
      tenant: { __entity: { type: Billing::Tenant, id: t-north } }
      currency: EUR
      frozen: false
`;

/** A small m2m suite over SERVICES_FIXTURE: a large payment denied, a small one allowed, and a read. */
export const M2M_PAYMENT_SUITE = `${SUITE_LINE}description: Payment initiation and reconciliation.
mode: m2m
fixtures: [services]
cases:
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    context: { amount: 1500000, currency: EUR }
    expect: { decision: deny }
  - principal: initiator
    action: CreatePayment
    resource: acct-1
    variant: small
    context: { amount: 100, currency: EUR }
    expect: { decision: allow }
  - principal: recon
    action: ViewAccount
    resource: acct-1
    expect: { decision: allow }
`;
