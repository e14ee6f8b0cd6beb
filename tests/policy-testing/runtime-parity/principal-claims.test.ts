import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { principalClaims } from '../../../policy-testing/runtime-parity/principal-claims.js';
import { ref, SERVICE_MODE, TENANT_MODE, TINA, uid } from './mode-configs.js';

function claimsOf(entity: EntityJson, mode = TENANT_MODE) {
  const principal = '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
  const result = principalClaims(mode, principal, entity);
  return result.ok ? { claims: result.value.claims.toClaims(mode), tenantId: result.value.tenantId } : result.unreachable;
}

describe('the claims that carry a fixture principal', () => {
  it('put the id, each attribute, the groups and the tenant under the claims the mode reads, and remove the others', () => {
    expect(claimsOf({ ...TINA, attrs: { ...TINA.attrs, clearance: 3 } })).toEqual({
      claims: {
        sub: 'tina',
        'custom:customer_id': 'cust-acme',
        'custom:clearance': '3',
        'cognito:groups': ['payer'],
        'custom:tenant_id': 't-north',
        'custom:approver_id': undefined,
      },
      tenantId: 't-north',
    });
  });

  it('join the scopes of a service with the scope claim’s delimiter', () => {
    const service: EntityJson = {
      uid: uid('Service', 'ledger01'),
      attrs: { clientId: 'ledger01', scopes: ['billing/read', 'billing/events.read'] },
      parents: [],
    };

    expect(claimsOf(service, SERVICE_MODE)).toEqual({
      claims: { client_id: 'ledger01', scope: 'billing/read billing/events.read' },
      tenantId: undefined,
    });
  });
});

describe('a fixture principal no token can carry', () => {
  it('is of another type than the mode’s principal', () => {
    expect(claimsOf({ uid: uid('CustomerUser', 'alice'), attrs: {}, parents: [] })).toEqual({
      kind: 'principal-type',
      reason: 'Billing::CustomerUser::"alice" is not a Billing::TenantUser, the principal type of mode saas',
    });
  });

  it('needs one claim to hold two values: the id claim and an attribute read from it differ', () => {
    const service: EntityJson = { uid: uid('Service', 'ledger'), attrs: { clientId: 'ledger01', scopes: ['billing/read'] }, parents: [] };

    expect(claimsOf(service, SERVICE_MODE)).toEqual({
      kind: 'claim-conflict',
      reason: 'claim `client_id` carries the principal id ("ledger") and attribute `clientId` ("ledger01")',
    });
  });

  it('has an attribute no claim carries, in a mode that does not read stored principals', () => {
    expect(claimsOf({ ...TINA, attrs: { ...TINA.attrs, nickname: 'T' } })).toEqual({
      kind: 'principal-attribute',
      reason:
        'Billing::TenantUser::"tina"\'s `nickname`: no claim of mode saas carries it, ' +
        "and the mode does not read the principal's stored entity",
    });
  });

  it('lacks an attribute a required claim always supplies', () => {
    const { customer: _customer, ...attrs } = TINA.attrs;

    expect(claimsOf({ ...TINA, attrs })).toEqual({
      kind: 'principal-attribute-absent',
      reason: 'Billing::TenantUser::"tina" has no `customer`, which the required claim `custom:customer_id` always supplies',
    });
  });

  it('has an attribute value of another type than its claim carries', () => {
    expect(claimsOf({ ...TINA, attrs: { ...TINA.attrs, clearance: 'high' } })).toEqual({
      kind: 'claim-value',
      reason: 'Billing::TenantUser::"tina"\'s `clearance` cannot travel in claim `custom:clearance` (Long, text): "high" is not a Long',
    });
  });

  it('is a member of an entity that is neither one of the token’s groups nor its tenant', () => {
    expect(claimsOf({ ...TINA, parents: [...TINA.parents, uid('StaffGroup', 'support')] })).toEqual({
      kind: 'principal-parent',
      reason:
        'Billing::TenantUser::"tina" is a member of Billing::StaffGroup::"support": ' +
        'the token makes it a member of Billing::Role groups and its Billing::Tenant only, ' +
        "and the mode does not read the principal's stored entity",
    });
  });

  it('belongs to two tenants', () => {
    expect(claimsOf({ ...TINA, parents: [...TINA.parents, uid('Tenant', 't-south')] })).toEqual({
      kind: 'tenant',
      reason: 'Billing::TenantUser::"tina" belongs to the tenants t-north, t-south; the tenant claim names one',
    });
  });

  it('has a tenant attribute and is not a member of that tenant, which the tenant claim always makes it', () => {
    expect(claimsOf({ ...TINA, parents: [uid('Role', 'payer')] })).toEqual({
      kind: 'tenant',
      reason:
        'Billing::TenantUser::"tina" is not a member of any Billing::Tenant, which the tenant claim `custom:tenant_id` always makes it',
    });
  });
});

describe('a mode that completes the token from the principal’s stored entity', () => {
  const enriched = {
    ...TENANT_MODE,
    claims: {
      ...TENANT_MODE.claims,
      principal: { ...TENANT_MODE.claims.principal, attributeSource: { kind: 'token-and-store', wins: 'token' } as const },
    },
  };

  it('leaves attributes and parents no claim carries to the store', () => {
    const result = claimsOf(
      {
        ...TINA,
        attrs: { ...TINA.attrs, nickname: 'T', manager: ref('TenantUser', 'tara') },
        parents: [...TINA.parents, uid('StaffGroup', 'support')],
      },
      enriched,
    );

    expect(result).toEqual({
      claims: {
        sub: 'tina',
        'custom:customer_id': 'cust-acme',
        'custom:clearance': undefined,
        'cognito:groups': ['payer'],
        'custom:tenant_id': 't-north',
        'custom:approver_id': undefined,
      },
      tenantId: 't-north',
    });
  });
});
