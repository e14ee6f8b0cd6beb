// Over random pairs of statements, the local AVP endpoint refuses an update exactly when fixedScopeChanges is not empty.
//
// AWS documentation emulated: "UpdatePolicy" and "UpdatePolicyTemplate", AVP API reference
// (https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicy.html,
// https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicyTemplate.html): only the action
// and the conditions may change. The deploy tools key a policy by the same fixedScopeChanges, so this property is what
// makes "same key" mean "AVP can update it".
import {
  CreatePolicyStoreCommand,
  PutSchemaCommand,
  UpdatePolicyCommand,
  UpdatePolicyTemplateCommand,
  ValidationException,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedScopeChanges } from '../../../common/deploy-identity.js';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { createStaticPolicy, createTemplate } from './support/billing-store.js';

let endpoint: LocalAvpEndpoint;
let client: VerifiedPermissionsClient;
let policyStoreId: string;

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  const created = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'STRICT' } }));
  policyStoreId = created.policyStoreId ?? '';
  const schema = JSON.stringify(fixtureMode('billing', 'customer').POLICY_BUNDLE.schema);
  await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: schema } }));
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

const effect = fc.constantFrom('permit', 'forbid');
const action = fc.constantFrom(
  'action == Billing::Action::"ViewAccount"',
  'action in [Billing::Action::"ViewAccount", Billing::Action::"ListBilling"]',
);
const condition = fc.constantFrom('', ' when { resource.frozen == false }', ' unless { resource.currency == "USD" }');

const staticPolicy = fc.record({
  effect,
  principal: fc.constantFrom(
    'principal',
    'principal == Billing::CustomerUser::"alice"',
    'principal == Billing::CustomerUser::"bob"',
    'principal in Billing::CustomerUser::"alice"',
    'principal in Billing::Role::"admin"',
    'principal is Billing::CustomerUser',
    'principal is Billing::CustomerUser in Billing::Role::"admin"',
  ),
  action,
  resource: fc.constantFrom(
    'resource',
    'resource == Billing::Account::"acct-1"',
    'resource in Billing::Customer::"c1"',
    'resource is Billing::Account',
    'resource is Billing::Account in Billing::Customer::"c1"',
  ),
  condition,
});

const template = fc.record({
  effect,
  principal: fc.constantFrom('principal == ?principal', 'principal in ?principal', 'principal is Billing::TenantUser in ?principal'),
  action,
  resource: fc.constantFrom('resource == ?resource', 'resource in ?resource', 'resource is Billing::Account in ?resource'),
  condition,
});

type Parts = { effect: string; principal: string; action: string; resource: string; condition: string };
const text = (p: Parts) => `${p.effect} (${p.principal}, ${p.action}, ${p.resource})${p.condition};`;

/**
 * A statement and an edit of it: each part kept or drawn again. Two independent statements would almost never share
 * effect, principal and resource, and the property would hardly see an accepted update.
 */
function edits(parts: fc.Arbitrary<Parts>): fc.Arbitrary<{ before: Parts; after: Parts }> {
  const keep = fc.record({
    effect: fc.boolean(),
    principal: fc.boolean(),
    action: fc.boolean(),
    resource: fc.boolean(),
    condition: fc.boolean(),
  });
  return fc.tuple(parts, parts, keep).map(([before, other, kept]) => ({
    before,
    after: {
      effect: kept.effect ? before.effect : other.effect,
      principal: kept.principal ? before.principal : other.principal,
      action: kept.action ? before.action : other.action,
      resource: kept.resource ? before.resource : other.resource,
      condition: kept.condition ? before.condition : other.condition,
    },
  }));
}

/** What the endpoint answered: accepted, refused for the scope, or any other error (which fails the property). */
async function outcome(update: Promise<unknown>): Promise<string> {
  try {
    await update;
    return 'accepted';
  } catch (error) {
    if (error instanceof ValidationException && error.message.startsWith("You can't change ")) return 'refused';
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe('the update rules, over random statement pairs (fast-check, fixed seed)', () => {
  it('UpdatePolicy refuses exactly the pairs whose effect, principal scope or resource scope differ', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(edits(staticPolicy), async ({ before, after }) => {
        const policyId = await createStaticPolicy(client, policyStoreId, text(before));
        const expected = fixedScopeChanges(text(before), text(after), 'policy').length > 0 ? 'refused' : 'accepted';

        const answer = await outcome(
          client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement: text(after) } } })),
        );

        seen.add(answer);
        expect(answer).toBe(expected);
      }),
      { seed: 1414, numRuns: 80 },
    );
    expect([...seen].sort()).toEqual(['accepted', 'refused']);
  });

  it('UpdatePolicyTemplate refuses exactly the pairs whose effect, principal scope or resource scope differ', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(edits(template), async ({ before, after }) => {
        const policyTemplateId = await createTemplate(client, policyStoreId, text(before));
        const expected = fixedScopeChanges(text(before), text(after), 'template').length > 0 ? 'refused' : 'accepted';

        const answer = await outcome(
          client.send(new UpdatePolicyTemplateCommand({ policyStoreId, policyTemplateId, statement: text(after) })),
        );

        seen.add(answer);
        expect(answer).toBe(expected);
      }),
      { seed: 1414, numRuns: 80 },
    );
    expect([...seen].sort()).toEqual(['accepted', 'refused']);
  });
});
