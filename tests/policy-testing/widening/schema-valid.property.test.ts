// Differential property: whatever policy changed, every request derived from it is one cedar-wasm accepts under the
// schema (request, context and entities), so a derived request is never "refused" on one side for being malformed.
import { checkParseEntities, isAuthorized, policyToJson } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import type { PolicyChange, PolicySide } from '../../../policy-testing/policy-changes.js';
import { buildRequestSpace, describeOrigin } from '../../../policy-testing/request-space.js';
import { deriveRequests } from '../../../policy-testing/widening/derive-requests.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const SEED = 20261206;
const RUNS = 30;
const MODES = ['customer', 'm2m'];

const tests = loadPolicyTests({ root: fixtureRoot('billing') });
const space = buildRequestSpace(tests);
const schemaText = tests.schema?.file.text ?? '';

const text = (...choices: string[]) => fc.constantFrom(...choices);
const atom = fc.oneof(
  fc
    .tuple(text('<', '<=', '>', '>=', '==', '!='), fc.constantFrom(-1, 0, 1, 1000000, Number.MAX_SAFE_INTEGER))
    .map(([op, n]) => `context.amount ${op} ${n}`),
  text('"CHF"', '"EUR"', '""').map((s) => `context.currency == ${s}`),
  text('context has approverId', 'context.approverId != ""', '["EUR", "CHF"].contains(context.currency)'),
  text('"billing/read"', '"billing/write"').map((s) => `principal.scopes.contains(${s})`),
  text('principal.scopes.containsAny(["a", "billing/read"])', 'principal has email', 'principal.email like "*@acme.example"'),
  text('resource.frozen == true', 'resource has owner', 'resource.currency != "EUR"', 'resource.amount >= 100'),
  text('payer', 'viewer', 'admin', 'auditors').map((role) => `principal in Billing::Role::"${role}"`),
  text('cust-acme', 'nobody').map((id) => `resource.owner == Billing::Customer::"${id}"`),
  text('principal == Billing::Service::"recon"', 'resource in Billing::Customer::"cust-acme"', 'principal in Billing::Tenant::"t-north"'),
);
const condition = fc
  .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), text('&&', '||'), fc.boolean())
  .map(([atoms, join, negate]) => (negate ? `!(${atoms.join(` ${join} `)})` : atoms.join(` ${join} `)));
const policy = fc
  .tuple(
    text('permit', 'forbid'),
    text(
      'principal',
      'principal in Billing::Role::"payer"',
      'principal is Billing::CustomerUser',
      'principal is Billing::TenantUser in Billing::Tenant::"t-north"',
    ),
    text(
      'action',
      'action == Billing::Action::"CreatePayment"',
      'action in [Billing::Action::"ViewAccount", Billing::Action::"ListBilling"]',
    ),
    text('resource', 'resource is Billing::Account', 'resource in Billing::Customer::"cust-acme"'),
    condition,
  )
  .map(([effect, principal, action, resource, when]) => `${effect} (${principal}, ${action}, ${resource}) when { ${when} };`);

function side(policyText: string): PolicySide {
  const answer = policyToJson(policyText);
  if (answer.type !== 'success') throw new Error(`the grammar made a policy that does not parse: ${policyText}`);
  const effect = policyText.startsWith('permit') ? 'permit' : 'forbid';
  return { kind: 'policy', effect, text: policyText, location: 'policies/x.cedar:1', modes: MODES, json: answer.json };
}

describe(`derived requests are schema-valid (fast-check, seed ${SEED})`, () => {
  it('cedar-wasm, given the schema, accepts every derived request and its entities, for random changed policies', () => {
    let derivedTotal = 0;
    fc.assert(
      fc.property(policy, policy, (before, after) => {
        const change: PolicyChange = { kind: 'modified', id: 'x.changed', before: side(before), after: side(after), textDiff: [] };
        const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 25 });
        derivedTotal += derived.requests.length;
        for (const item of derived.requests) {
          const answer = isAuthorized({
            ...item.request,
            entities: [...item.entities],
            schema: schemaText,
            validateRequest: true,
            policies: { staticPolicies: {} },
          });
          const entities = checkParseEntities({ entities: [...item.entities], schema: schemaText });
          const problems = [
            ...(answer.type === 'failure' ? answer.errors.map((e) => e.message) : []),
            ...(entities.type === 'failure' ? entities.errors.map((e) => e.message) : []),
          ];
          // The failing case names the request, so a shrunk counterexample says what was derived and why it is invalid.
          expect({ origin: describeOrigin(item.origin), request: item.request, problems }).toEqual({
            origin: describeOrigin(item.origin),
            request: item.request,
            problems: [],
          });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Not vacuous: the random changes did derive requests.
    expect(derivedTotal).toBeGreaterThan(RUNS);
    // Each run derives over two modes' suites of the billing fixture (about 4,000 requests): seconds, not milliseconds.
  }, 120_000);
});
