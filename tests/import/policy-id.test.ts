// The @id an imported policy gets: the id rule, the derived name (stable across runs and store order), and how two
// policies asking for one id are told apart.
import { describe, expect, it } from 'vitest';
import { derivedPolicyId, isPolicyId, kebabCase, uniqueIds } from '../../scripts/import/policy-id.js';

describe('the id rule', () => {
  it.each([
    ['customer.read-own', true],
    ['shared.forbid-self-approval', true],
    ['photo2.view', true],
    ['Customer.ReadOwn', false],
    ['read own', false],
    ['read--own', false],
    ['.read-own', false],
    ['read-own.', false],
    ['', false],
    ['a'.repeat(100), true],
    ['a'.repeat(101), false],
  ])('%j is an id: %s', (text, expected) => {
    expect(isPolicyId(text)).toBe(expected);
  });
});

describe('a derived id', () => {
  it("reads effect, action and the first six hex digits of the statement's SHA-256", () => {
    expect(derivedPolicyId({ effect: 'forbid', actionIds: ['ViewPhoto'] }, 'forbid (principal, action, resource);')).toBe(
      'forbid-view-photo-58f658',
    );
  });

  it('names any action and several actions without listing them', () => {
    expect([
      derivedPolicyId({ effect: 'permit', actionIds: [] }, 'x'),
      derivedPolicyId({ effect: 'permit', actionIds: ['a', 'b'] }, 'x'),
    ]).toEqual(['permit-any-action-2d7116', 'permit-actions-2d7116']);
  });

  it('is the same for the same statement whatever surrounds it, and differs for another statement', () => {
    const scope = { effect: 'permit', actionIds: ['ViewPhoto'] } as const;

    expect({
      again:
        derivedPolicyId(scope, '  permit (principal, action, resource);\n') ===
        derivedPolicyId(scope, 'permit (principal, action, resource);'),
      other:
        derivedPolicyId(scope, 'permit (principal, action, resource);') ===
        derivedPolicyId(scope, 'permit (principal, action, resource) when { true };'),
    }).toEqual({ again: true, other: false });
  });
});

describe('kebab case', () => {
  it.each([
    ['PhotoFlash', 'photo-flash'],
    ['Acme::HTTPServer', 'acme-http-server'],
    ['view_photo', 'view-photo'],
    ['read:all', 'read-all'],
    ['Photos2Api', 'photos2-api'],
  ])('%s → %s', (name, expected) => {
    expect(kebabCase(name)).toBe(expected);
  });
});

describe('unique ids', () => {
  it('keeps a wanted id for the lowest store id and numbers the others in store-id order, whatever order they come in', () => {
    const a = { storeId: 'A', preferredId: 'photo.view' };
    const b = { storeId: 'B', preferredId: 'photo.view' };
    const c = { storeId: 'C', preferredId: 'photo.view' };
    const d = { storeId: 'D', preferredId: 'photo.view-2' };

    const forward = uniqueIds([a, b, c, d]);
    const backward = uniqueIds([d, c, b, a]);

    expect({ forward: [a, b, c, d].map((x) => forward.get(x)), backward: [a, b, c, d].map((x) => backward.get(x)) }).toEqual({
      forward: ['photo.view', 'photo.view-3', 'photo.view-4', 'photo.view-2'],
      backward: ['photo.view', 'photo.view-3', 'photo.view-4', 'photo.view-2'],
    });
  });
});
