import { describe, expect, it } from 'vitest';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { reachableEntities } from '../../policy-testing/reachable-entities.js';

const uidOf = (type: string, id: string) => ({ type: `Billing::${type}`, id });
const entity = (type: string, id: string, attrs: EntityJson['attrs'] = {}, parents: EntityJson['parents'] = []): EntityJson => ({
  uid: uidOf(type, id),
  attrs,
  parents,
});

describe('the entities a request reaches', () => {
  it('follows parents and entity attributes from the principal, resource and context, and nothing else', () => {
    const pool = [
      entity('Tenant', 'n'),
      entity('Customer', 'c', { tenant: { __entity: uidOf('Tenant', 'n') }, country: 'DE' }, [uidOf('Tenant', 'n')]),
      entity('Role', 'payer'),
      entity('CustomerUser', 'alice', { customer: { __entity: uidOf('Customer', 'c') } }, [uidOf('Role', 'payer')]),
      entity('CustomerUser', 'bob', { customer: { __entity: uidOf('Customer', 'c') } }),
      entity('Account', 'a', { owner: { __entity: uidOf('Customer', 'c') } }),
      entity('Account', 'b'),
    ];
    const reached = reachableEntities(
      {
        principal: uidOf('CustomerUser', 'alice'),
        action: { type: 'Billing::Action', id: 'ViewAccount' },
        resource: uidOf('Account', 'a'),
        context: {},
      },
      pool,
    );
    expect(reached.map((e) => ('type' in e.uid ? e.uid.id : ''))).toEqual(['n', 'c', 'payer', 'alice', 'a']);
  });
});
