// `--format json` prints one object with the decision, its reason and policies, the request and the entities.
import { describe, expect, it } from 'vitest';
import { explainJson, explainOnce } from './support/explain-cli.js';

describe('npm run explain -- --format json', () => {
  it('prints exactly one object with decision, reason, determiningPolicies, errors, request and entities', async () => {
    const finished = await explainOnce([
      '--mode',
      'customer',
      '--principal',
      'alice',
      '--method',
      'GET',
      '--path',
      '/accounts/acct-1',
      '--format',
      'json',
    ]);

    const parsed = JSON.parse(finished.stdout) as Record<string, unknown>;
    expect({ code: finished.code, keys: Object.keys(parsed).sort(), request: Object.keys(parsed['request'] ?? {}).sort() }).toEqual({
      code: 0,
      keys: ['decision', 'determiningPolicies', 'entities', 'errors', 'reason', 'request'],
      request: ['action', 'context', 'principal', 'resource'],
    });
  });

  it('names the principal, action and resource the runtime decided on', async () => {
    const result = await explainJson(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ principal: result.request.principal, action: result.request.action, resource: result.request.resource }).toEqual({
      principal: { type: 'Billing::CustomerUser', id: 'alice' },
      action: { type: 'Billing::Action', id: 'ViewAccount' },
      resource: { type: 'Billing::Account', id: 'acct-1' },
    });
  });

  it('lists the resource among the entities the runtime read, exactly as the demo world stores it', async () => {
    const result = await explainJson(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1']);

    expect(result.entities.find((entity) => entity.uid.id === 'acct-1')).toEqual({
      uid: { type: 'Billing::Account', id: 'acct-1' },
      attrs: {
        owner: { __entity: { type: 'Billing::Customer', id: 'cust-1' } },
        tenant: { __entity: { type: 'Billing::Tenant', id: 'bank-a' } },
        currency: 'EUR',
        frozen: false,
      },
      parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
    });
  });
});

describe('npm run explain on a local-engine mode', () => {
  it('shows the context and the token-built principal exactly as the local engine got them', async () => {
    const result = await explainJson([
      '--mode',
      'customer',
      '--principal',
      'alice',
      '--method',
      'POST',
      '--path',
      '/accounts/acct-1/billing',
      '--header',
      'X-Payment-Amount: 2500',
      '--header',
      'X-Payment-Currency: EUR',
    ]);

    expect({ context: result.request.context, principal: result.entities.find((entity) => entity.uid.id === 'alice')?.parents }).toEqual({
      context: { amount: 2500, currency: 'EUR' },
      principal: [{ type: 'Billing::Role', id: 'payer' }],
    });
  });
});

describe('npm run explain on an AVP mode (the local AVP endpoint, through the real SDK)', () => {
  it("a refunds-group member with MFA is allowed by staff.refund-with-mfa; the context holds the token's amr", async () => {
    const result = await explainJson(['--mode', 'internal', '--principal', 'rita', '--method', 'POST', '--path', '/billing/pay-1/refund']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies, context: result.request.context }).toEqual({
      decision: 'allow',
      determiningPolicies: ['staff.refund-with-mfa'],
      context: { authMethods: ['pwd', 'mfa'] },
    });
  });

  it('a refunds-group member without MFA is denied by default', async () => {
    const result = await explainJson(['--mode', 'internal', '--principal', 'rob', '--method', 'POST', '--path', '/billing/pay-1/refund']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies, context: result.request.context }).toEqual({
      decision: 'deny',
      determiningPolicies: [],
      context: { authMethods: ['pwd'] },
    });
  });

  it('shows the principal entity built from the token, with its group as parent, among the entities the engine got', async () => {
    const result = await explainJson(['--mode', 'internal', '--principal', 'rob', '--method', 'POST', '--path', '/billing/pay-1/refund']);

    expect(result.entities.find((entity) => entity.uid.id === 'rob')).toEqual({
      uid: { type: 'Billing::StaffUser', id: 'rob' },
      attrs: { email: 'rob@billing.example' },
      parents: [{ type: 'Billing::StaffGroup', id: 'refunds' }],
    });
  });

  it("a multi-tenant request is decided in a policy store made for the token's tenant from the mode's bundle", async () => {
    const result = await explainJson([
      '--mode',
      'multi-tenant',
      '--principal',
      'tina',
      '--method',
      'GET',
      '--path',
      '/tenants/acme-bank/accounts/acct-a1',
    ]);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'allow',
      determiningPolicies: ['tenant.read-own'],
    });
  });
});
