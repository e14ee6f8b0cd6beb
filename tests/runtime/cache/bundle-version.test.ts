// The decision cache never outlives a policy change: its keys carry the version of the bundle that made the decision.
import { describe, expect, it } from 'vitest';
import { policyBundleVersion } from '../../../runtime/cache/bundle-version.js';
import { DecisionCache } from '../../../runtime/cache/decision-cache.js';
import type { PolicyBundle } from '../../../runtime/config.js';

const BEFORE: PolicyBundle = {
  mode: 'library',
  namespace: 'Lib',
  schema: { Lib: { entityTypes: { User: {}, Doc: {} }, actions: { Read: {} } } },
  policies: {
    'reader.read-doc': 'permit (principal in Lib::Role::"reader", action == Lib::Action::"Read", resource);',
    'guard.no-drafts': 'forbid (principal, action, resource) when { resource.draft };',
  },
  templates: {},
};

/** BEFORE with one policy tightened: only editors may read. */
const TIGHTENED: PolicyBundle = {
  ...BEFORE,
  policies: {
    ...BEFORE.policies,
    'reader.read-doc': 'permit (principal in Lib::Role::"editor", action == Lib::Action::"Read", resource);',
  },
};

const clock = { now: () => 1_000_000 };

function cacheFor(bundle: PolicyBundle): DecisionCache<string> {
  return new DecisionCache<string>({ maxEntries: 10, ttlSeconds: 300, clock, policyVersion: policyBundleVersion(bundle) });
}

describe('policyBundleVersion', () => {
  it('is 16 hex digits', () => {
    expect(policyBundleVersion(BEFORE)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when one policy of the bundle changes', () => {
    expect(policyBundleVersion(TIGHTENED)).not.toBe(policyBundleVersion(BEFORE));
  });

  it('changes when a policy is added under a new @id, even with unchanged text elsewhere', () => {
    const added = { ...BEFORE, policies: { ...BEFORE.policies, 'extra.copy': 'permit (principal, action, resource);' } };

    expect(policyBundleVersion(added)).not.toBe(policyBundleVersion(BEFORE));
  });

  it('does not depend on the order of the keys: the same content is the same version', () => {
    const reordered: PolicyBundle = {
      templates: {},
      policies: {
        'guard.no-drafts': BEFORE.policies['guard.no-drafts'] ?? '',
        'reader.read-doc': BEFORE.policies['reader.read-doc'] ?? '',
      },
      schema: BEFORE.schema,
      namespace: 'Lib',
      mode: 'library',
    };

    expect(policyBundleVersion(reordered)).toBe(policyBundleVersion(BEFORE));
  });
});

describe('decision cache keys under two bundles that differ in one policy', () => {
  const requests: readonly (readonly unknown[])[] = [
    ['token-a', 'GET /docs/{id}', { id: 'd1' }, []],
    ['token-a', '*all-routes*'],
    ['token-b', 'POST /docs', {}, ['x-header-value']],
  ];

  it('never coincide for the same request', () => {
    const before = cacheFor(BEFORE);
    const after = cacheFor(TIGHTENED);

    const shared = requests.filter((inputs) => before.key(inputs) === after.key(inputs));

    expect(shared).toEqual([]);
  });

  it('coincide under the same bundle, so an unchanged deploy keeps hitting', () => {
    const one = cacheFor(BEFORE);
    const other = cacheFor(structuredClone(BEFORE));

    expect(requests.map((inputs) => one.key(inputs) === other.key(inputs))).toEqual([true, true, true]);
  });

  it('never return a decision stored under the other bundle when both write to one store', () => {
    // One cache instance, written through the old bundle's key and read through the new one's: what a cache shared
    // across a bundle swap (a long-lived process that reloads policies) would do.
    const before = cacheFor(BEFORE);
    const after = cacheFor(TIGHTENED);
    const inputs = ['token-a', 'GET /docs/{id}', { id: 'd1' }, []];
    before.set(before.key(inputs), 'allow', 2_000_000);

    expect({ old: before.get(before.key(inputs)), tightened: before.get(after.key(inputs)) }).toEqual({
      old: 'allow',
      tightened: undefined,
    });
  });
});
