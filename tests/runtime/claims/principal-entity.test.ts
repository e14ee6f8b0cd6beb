// principalFromClaims for each generated mode: ids, typed attributes, group and tenant parents, and hostile claims.
import { describe, expect, it } from 'vitest';
import { compileClaims, principalFromClaims, type Principal } from '../../../runtime/claims/principal-entity.js';
import type { ClaimAttributeConfig, ClaimsConfig } from '../../../runtime/config.js';
import { createLocalEngine } from '../../../runtime/engine/local-engine.js';
import { ClaimError } from '../../../runtime/errors.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: M2M } = fixtureMode('billing', 'm2m');
const { MODE_CONFIG: MULTI_TENANT } = fixtureMode('billing', 'multi-tenant');

const CUSTOMER_CLAIMS: ClaimsConfig = CUSTOMER.claims;

/** The mapping is compiled once at init in the runtime; here once per call. */
function principalOf(claims: Record<string, unknown>, config: ClaimsConfig): Principal {
  return principalFromClaims(claims, compileClaims(config));
}

/** The customer mapping plus one extra attribute, for value types no generated mode maps from a claim. */
function customerClaimsWith(attribute: ClaimAttributeConfig): ClaimsConfig {
  return { ...CUSTOMER_CLAIMS, attributes: [...CUSTOMER_CLAIMS.attributes, attribute] };
}

const customerUser = { sub: 'user-1', 'custom:customer_id': 'cust-1' } as const;

function claimError(claims: Record<string, unknown>, config: ClaimsConfig): ClaimError {
  try {
    principalOf(claims, config);
  } catch (error) {
    if (error instanceof ClaimError) return error;
    throw error;
  }
  throw new Error('the claims were accepted');
}

describe('customer mode (Cognito id token claims)', () => {
  it('maps sub to the CustomerUser id, typed attributes, and Cognito groups to sorted, unique Role parents', () => {
    const claims = { ...customerUser, email: 'ana@example.com', 'cognito:groups': ['viewer', 'payer', 'viewer'] };

    const principal = principalOf(claims, CUSTOMER_CLAIMS);

    expect(principal.uid).toEqual({ type: 'Billing::CustomerUser', id: 'user-1' });
    expect(principal.groups).toEqual(['payer', 'viewer']);
    expect(principal.tenantId).toBeUndefined();
    expect(principal.entities).toEqual([
      {
        uid: { type: 'Billing::CustomerUser', id: 'user-1' },
        attrs: { userId: 'user-1', customer: { __entity: { type: 'Billing::Customer', id: 'cust-1' } }, email: 'ana@example.com' },
        parents: [
          { type: 'Billing::Role', id: 'payer' },
          { type: 'Billing::Role', id: 'viewer' },
        ],
      },
      { uid: { type: 'Billing::Role', id: 'payer' }, attrs: {}, parents: [] },
      { uid: { type: 'Billing::Role', id: 'viewer' }, attrs: {}, parents: [] },
    ]);
  });

  it('leaves out an optional attribute whose claim is absent, and has no parents without cognito:groups', () => {
    const principal = principalOf(customerUser, CUSTOMER_CLAIMS);

    expect(principal.entities).toEqual([
      {
        uid: { type: 'Billing::CustomerUser', id: 'user-1' },
        attrs: { userId: 'user-1', customer: { __entity: { type: 'Billing::Customer', id: 'cust-1' } } },
        parents: [],
      },
    ]);
    expect(principal.groups).toEqual([]);
  });

  it('refuses claims without the required custom:customer_id', () => {
    const error = claimError({ sub: 'user-1' }, CUSTOMER_CLAIMS);

    expect(error.message).toBe('required claim custom:customer_id is missing');
  });

  it('refuses claims without sub', () => {
    const error = claimError({ 'custom:customer_id': 'cust-1' }, CUSTOMER_CLAIMS);

    expect(error.message).toBe('claim sub (the principal id) is missing or not a non-empty string');
  });

  it('refuses an empty sub', () => {
    const error = claimError({ ...customerUser, sub: '' }, CUSTOMER_CLAIMS);

    expect(error.message).toBe('claim sub (the principal id) is missing or not a non-empty string');
  });
});

describe('internal mode (Okta access token claims)', () => {
  it('maps sub to the StaffUser id and Okta groups to StaffGroup parents', () => {
    const claims = { sub: 'staff@billing.example', email: 'staff@billing.example', department: 'fraud', groups: ['support', 'fraud'] };

    const principal = principalOf(claims, INTERNAL.claims);

    expect(principal.entities[0]).toEqual({
      uid: { type: 'Billing::StaffUser', id: 'staff@billing.example' },
      attrs: { email: 'staff@billing.example', department: 'fraud' },
      parents: [
        { type: 'Billing::StaffGroup', id: 'fraud' },
        { type: 'Billing::StaffGroup', id: 'support' },
      ],
    });
  });

  it('refuses claims without the required email', () => {
    const error = claimError({ sub: 'staff-1', groups: ['support'] }, INTERNAL.claims);

    expect(error.message).toBe('required claim email is missing');
  });
});

describe('m2m mode (client-credentials claims)', () => {
  it('maps client_id to the Service id and splits the space-delimited scope into a set, dropping empty items', () => {
    const claims = { client_id: 'ledgerservice01', sub: 'ledgerservice01', scope: 'billing/events.read  billing/read ' };

    const principal = principalOf(claims, M2M.claims);

    expect(principal.entities).toEqual([
      {
        uid: { type: 'Billing::Service', id: 'ledgerservice01' },
        attrs: { clientId: 'ledgerservice01', scopes: ['billing/events.read', 'billing/read'] },
        parents: [],
      },
    ]);
  });

  it('refuses claims without scope', () => {
    const error = claimError({ client_id: 'ledgerservice01' }, M2M.claims);

    expect(error.message).toBe('required claim scope is missing');
  });
});

describe('multi-tenant mode (Cognito access token claims with a tenant)', () => {
  it('sets the tenant as an entity attribute and as a parent, next to the Role parents', () => {
    const claims = { sub: 'user-1', 'custom:customer_id': 'cust-1', 'custom:tenant_id': 'bank-a', 'cognito:groups': ['admin'] };

    const principal = principalOf(claims, MULTI_TENANT.claims);

    expect(principal.tenantId).toBe('bank-a');
    expect(principal.entities).toEqual([
      {
        uid: { type: 'Billing::TenantUser', id: 'user-1' },
        attrs: {
          userId: 'user-1',
          customer: { __entity: { type: 'Billing::Customer', id: 'cust-1' } },
          tenant: { __entity: { type: 'Billing::Tenant', id: 'bank-a' } },
        },
        parents: [
          { type: 'Billing::Role', id: 'admin' },
          { type: 'Billing::Tenant', id: 'bank-a' },
        ],
      },
      { uid: { type: 'Billing::Role', id: 'admin' }, attrs: {}, parents: [] },
      { uid: { type: 'Billing::Tenant', id: 'bank-a' }, attrs: {}, parents: [] },
    ]);
  });

  it('refuses claims without the tenant claim', () => {
    const error = claimError({ sub: 'user-1', 'custom:customer_id': 'cust-1' }, MULTI_TENANT.claims);

    expect(error.message).toBe('tenant claim custom:tenant_id is missing or not a non-empty string');
  });

  it('refuses a tenant claim that is a number', () => {
    const error = claimError({ sub: 'user-1', 'custom:customer_id': 'cust-1', 'custom:tenant_id': 7 }, MULTI_TENANT.claims);

    expect(error.message).toBe('tenant claim custom:tenant_id is missing or not a non-empty string');
  });
});

describe('claims of the wrong type', () => {
  const role = customerClaimsWith({ claim: 'custom:role', attribute: 'role', type: 'String', required: false, encoding: 'json' });
  const limit = customerClaimsWith({ claim: 'custom:limit', attribute: 'limit', type: 'Long', required: true, encoding: 'json' });
  const verified = customerClaimsWith({
    claim: 'email_verified',
    attribute: 'emailVerified',
    type: 'Boolean',
    required: true,
    encoding: 'json',
  });

  const cases: readonly { name: string; claims: Record<string, unknown>; config: ClaimsConfig; message: string }[] = [
    {
      name: 'a String role given as a list',
      claims: { ...customerUser, 'custom:role': ['admin'] },
      config: role,
      message: 'claim custom:role: expected a string, got a list',
    },
    {
      name: 'a String role given as an object',
      claims: { ...customerUser, 'custom:role': { name: 'admin' } },
      config: role,
      message: 'claim custom:role: expected a string, got an object',
    },
    {
      name: 'a String role given as null',
      claims: { ...customerUser, 'custom:role': null },
      config: role,
      message: 'claim custom:role: expected a string, got null',
    },
    {
      name: 'a Long given as a string of digits',
      claims: { ...customerUser, 'custom:limit': '100' },
      config: limit,
      message: 'claim custom:limit: expected a safe integer, got string "100"',
    },
    {
      name: 'a Long given as a fraction',
      claims: { ...customerUser, 'custom:limit': 1.5 },
      config: limit,
      message: 'claim custom:limit: expected a safe integer, got number 1.5',
    },
    {
      name: 'a Long beyond 2^53',
      claims: { ...customerUser, 'custom:limit': 2 ** 53 },
      config: limit,
      message: 'claim custom:limit: expected a safe integer, got number 9007199254740992',
    },
    {
      name: 'a Boolean given as the string "true"',
      claims: { ...customerUser, email_verified: 'true' },
      config: verified,
      message: 'claim email_verified: expected true or false, got string "true"',
    },
    {
      name: 'an entity id given as a number',
      claims: { ...customerUser, 'custom:customer_id': 42 },
      config: CUSTOMER_CLAIMS,
      message: 'claim custom:customer_id: expected an entity id string, got number 42',
    },
    {
      name: 'an entity id given as an empty string',
      claims: { ...customerUser, 'custom:customer_id': '' },
      config: CUSTOMER_CLAIMS,
      message: 'claim custom:customer_id: expected an entity id string, got string ""',
    },
    {
      name: 'groups given as one string',
      claims: { ...customerUser, 'cognito:groups': 'admin' },
      config: CUSTOMER_CLAIMS,
      message: 'claim cognito:groups must be a list of group names',
    },
    {
      name: 'groups given as an array-like object',
      claims: { ...customerUser, 'cognito:groups': { 0: 'admin', length: 1 } },
      config: CUSTOMER_CLAIMS,
      message: 'claim cognito:groups must be a list of group names',
    },
    {
      name: 'groups holding a nested list',
      claims: { ...customerUser, 'cognito:groups': ['viewer', ['admin']] },
      config: CUSTOMER_CLAIMS,
      message: 'claim cognito:groups must be a list of group names',
    },
    {
      name: 'groups holding a number',
      claims: { ...customerUser, 'cognito:groups': ['viewer', 1] },
      config: CUSTOMER_CLAIMS,
      message: 'claim cognito:groups must be a list of group names',
    },
    {
      name: 'a scope set given as a number',
      claims: { client_id: 'ledgerservice01', scope: 7 },
      config: M2M.claims,
      message: 'claim scope: expected a list, got number 7',
    },
    {
      name: 'a scope list holding a number',
      claims: { client_id: 'ledgerservice01', scope: ['billing/read', 7] },
      config: M2M.claims,
      message: 'claim scope: expected a string, got number 7',
    },
    {
      name: 'a principal id given as a number',
      claims: { ...customerUser, sub: 12345 },
      config: CUSTOMER_CLAIMS,
      message: 'claim sub (the principal id) is missing or not a non-empty string',
    },
    {
      name: 'a principal id given as a list',
      claims: { ...customerUser, sub: ['user-1'] },
      config: CUSTOMER_CLAIMS,
      message: 'claim sub (the principal id) is missing or not a non-empty string',
    },
  ];

  it.each(cases)('refuses $name', ({ claims, config, message }) => {
    const error = claimError(claims, config);

    expect(error.message).toBe(message);
  });

  it('accepts a Long given as a JSON integer', () => {
    const principal = principalOf({ ...customerUser, 'custom:limit': 100 }, limit);

    expect(principal.entities[0]?.attrs['limit']).toBe(100);
  });
});

describe('claims named like Object.prototype members', () => {
  it('an optional claim named constructor that is absent is left out, not read as the inherited function', () => {
    const config = customerClaimsWith({ claim: 'constructor', attribute: 'ctor', type: 'String', required: false, encoding: 'json' });

    const principal = principalOf(customerUser, config);

    expect(principal.entities[0]?.attrs).not.toHaveProperty('ctor');
  });

  it('a required claim named __proto__ that is absent is missing, not read as Object.prototype', () => {
    const config = customerClaimsWith({ claim: '__proto__', attribute: 'proto', type: 'Set<String>', required: true, encoding: 'json' });

    const error = claimError(customerUser, config);

    expect(error.message).toBe('required claim __proto__ is missing');
  });

  it('a groups claim named constructor that is absent gives no groups', () => {
    const config: ClaimsConfig = { ...CUSTOMER_CLAIMS, groups: { claim: 'constructor', entityType: 'Billing::Role' } };

    const principal = principalOf(customerUser, config);

    expect(principal.groups).toEqual([]);
  });

  it('a principal id claim named toString that is absent is refused', () => {
    const config: ClaimsConfig = {
      ...CUSTOMER_CLAIMS,
      principal: { entityType: 'Billing::CustomerUser', idClaim: 'toString', attributeSource: { kind: 'token' } },
    };

    const error = claimError(customerUser, config);

    expect(error.message).toBe('claim toString (the principal id) is missing or not a non-empty string');
  });

  it('claims inherited from a prototype are never read', () => {
    const claims: Record<string, unknown> = Object.create({ 'custom:customer_id': 'cust-evil', 'cognito:groups': ['admin'] });
    claims['sub'] = 'user-1';

    const error = claimError(claims, CUSTOMER_CLAIMS);

    expect(error.message).toBe('required claim custom:customer_id is missing');
  });

  it('an own __proto__ claim from JSON is plain data: it neither supplies other claims nor pollutes Object.prototype', () => {
    const claims = JSON.parse(
      '{"sub":"user-1","custom:customer_id":"cust-1","__proto__":{"email":"evil@example.com","cognito:groups":["admin"]}}',
    );

    const principal = principalOf(claims, CUSTOMER_CLAIMS);

    expect(principal.entities[0]?.attrs).not.toHaveProperty('email');
    expect(principal.groups).toEqual([]);
    expect(({} as Record<string, unknown>)['email']).toBeUndefined();
  });

  it('an own claim named __proto__ is read when the mode maps it', () => {
    const config: ClaimsConfig = {
      ...MULTI_TENANT.claims,
      tenant: { claim: '__proto__', entityType: 'Billing::Tenant', attribute: 'tenant', asParent: true },
    };
    const claims = JSON.parse('{"sub":"user-1","custom:customer_id":"cust-1","__proto__":"bank-a"}');

    const principal = principalOf(claims, config);

    expect(principal.tenantId).toBe('bank-a');
  });
});

describe('group names carrying Cedar syntax', () => {
  const injected = 'admin" || true || "';

  it('stay one plain entity id, character for character', () => {
    const principal = principalOf({ ...customerUser, 'cognito:groups': [injected, 'Billing::Role::"admin"'] }, CUSTOMER_CLAIMS);

    expect(principal.groups).toEqual(['Billing::Role::"admin"', injected]);
    expect(principal.entities[0]?.parents).toEqual([
      { type: 'Billing::Role', id: 'Billing::Role::"admin"' },
      { type: 'Billing::Role', id: injected },
    ]);
  });

  it('do not make the principal an admin when Cedar evaluates the customer policies', async () => {
    const engine = createLocalEngine(CUSTOMER_BUNDLE);
    const decide = (groups: string[]) => {
      const principal = principalOf({ ...customerUser, 'cognito:groups': groups }, CUSTOMER_CLAIMS);
      return engine.isAuthorized(
        {
          principal: principal.uid,
          action: { type: 'Billing::Action', id: 'AddBeneficiary' },
          resource: { type: 'Billing::Customer', id: 'cust-1' },
          context: {},
          entities: [
            ...principal.entities,
            // Conforms to the schema, which the local engine checks entities against.
            {
              uid: { type: 'Billing::Customer', id: 'cust-1' },
              attrs: { tenant: { __entity: { type: 'Billing::Tenant', id: 'bank-a' } }, country: 'FR' },
              parents: [],
            },
          ],
        },
        {},
      );
    };

    const forged = await decide([injected, 'Billing::Role::"admin"']);
    const genuine = await decide(['admin']);

    expect(forged).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
    expect(genuine).toEqual({ decision: 'allow', determiningPolicies: ['customer.admin-add-beneficiary'], errors: [] });
  });
});
