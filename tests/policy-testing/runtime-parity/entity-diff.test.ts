import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { firstEntityDifference } from '../../../policy-testing/runtime-parity/entity-diff.js';

const customer = (id: string) => ({ __entity: { type: 'Billing::Customer', id } });
const ALICE: EntityJson = {
  uid: { type: 'Billing::CustomerUser', id: 'alice' },
  attrs: { customer: customer('cust-acme'), roles: ['a', 'b'] },
  parents: [{ type: 'Billing::Role', id: 'payer' }],
};
const ACME: EntityJson = { uid: { type: 'Billing::Customer', id: 'cust-acme' }, attrs: {}, parents: [] };

describe('the first difference between the suite’s entities and the runtime’s', () => {
  it('is none when both hold the same entities, references written either way and sets in any order', () => {
    const same: EntityJson = {
      ...ALICE,
      uid: { __entity: { type: 'Billing::CustomerUser', id: 'alice' } },
      attrs: { customer: { type: 'Billing::Customer', id: 'cust-acme' }, roles: ['b', 'a'] },
    };

    expect(firstEntityDifference({ suite: [ALICE, ACME], runtime: [ACME, same] })).toBeUndefined();
  });

  it('is an entity the runtime did not load, the first in uid order', () => {
    expect(firstEntityDifference({ suite: [ALICE, ACME], runtime: [] })).toBe(
      'Billing::Customer::"cust-acme" is in the suite\'s entities, and the runtime did not load it',
    );
  });

  it('is an entity only the runtime loaded', () => {
    expect(firstEntityDifference({ suite: [], runtime: [ACME] })).toBe(
      'Billing::Customer::"cust-acme" was loaded by the runtime, and is not among the suite\'s entities',
    );
  });

  it('is an attribute whose values differ, or that one side lacks', () => {
    const { roles: _roles, ...withoutRoles } = ALICE.attrs;

    expect([
      firstEntityDifference({ suite: [ALICE], runtime: [{ ...ALICE, attrs: { ...ALICE.attrs, customer: customer('cust-globex') } }] }),
      firstEntityDifference({ suite: [ALICE], runtime: [{ ...ALICE, attrs: withoutRoles }] }),
    ]).toEqual([
      'Billing::CustomerUser::"alice" attribute `customer`: ' +
        'the suite has {"__entity":{"type":"Billing::Customer","id":"cust-acme"}}, ' +
        'the runtime {"__entity":{"type":"Billing::Customer","id":"cust-globex"}}',
      'Billing::CustomerUser::"alice" attribute `roles`: the suite has ["a","b"], the runtime none',
    ]);
  });

  it('is the parents, when they differ as sets', () => {
    expect(firstEntityDifference({ suite: [ALICE], runtime: [{ ...ALICE, parents: [] }] })).toBe(
      'Billing::CustomerUser::"alice" parents: the suite has [Billing::Role::"payer"], the runtime []',
    );
  });

  it('is a tag the runtime dropped', () => {
    expect(firstEntityDifference({ suite: [{ ...ACME, tags: { tier: 'gold' } }], runtime: [ACME] })).toBe(
      'Billing::Customer::"cust-acme" tag `tier`: the suite has "gold", the runtime none',
    );
  });
});
