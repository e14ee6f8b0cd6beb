import { describe, expect, it } from 'vitest';
import { countEvaluated, DeterminingTally } from '../../policy-testing/diff-tally.js';
import type { RequestOrigin } from '../../policy-testing/request-space.js';

const CASE: RequestOrigin = { kind: 'case', file: 'tests/policies/m2m/a.test.yaml', line: 4, id: 'a' };
const FIXTURES: RequestOrigin = { kind: 'fixtures' };
const DERIVED: RequestOrigin = { kind: 'derived', policyId: 'shared.forbid-chf', detail: 'context.currency == "CHF"' };

describe('the requests a decision diff evaluated', () => {
  it('are counted per mode and per origin kind, derived requests apart from cases and fixtures, with totals', () => {
    const space = [
      { mode: 'm2m', origin: CASE },
      { mode: 'm2m', origin: FIXTURES },
      { mode: 'm2m', origin: FIXTURES },
      { mode: 'customer', origin: DERIVED },
      { mode: 'customer', origin: FIXTURES },
      { mode: 'm2m', origin: DERIVED },
    ];

    expect(countEvaluated(space)).toEqual({
      all: { case: 1, fixtures: 3, derived: 2, total: 6 },
      byMode: {
        customer: { case: 0, fixtures: 1, derived: 1, total: 2 },
        m2m: { case: 1, fixtures: 2, derived: 1, total: 4 },
      },
    });
    expect(Object.keys(countEvaluated(space).byMode)).toEqual(['customer', 'm2m']);
  });

  it('are none at all for an empty space: every count is 0 and no mode is listed', () => {
    expect(countEvaluated([])).toEqual({ all: { case: 0, fixtures: 0, derived: 0, total: 0 }, byMode: {} });
  });
});

describe('the requests a policy determines', () => {
  it('count each request once per policy, even when a template and its link both name it', () => {
    const tally = new DeterminingTally();
    tally.add(['tenant.link-1', 'tenant.template', 'tenant.link-2', 'tenant.template']);
    tally.add(['shared.forbid-chf']);
    tally.add(['tenant.link-1', 'tenant.template']);

    expect(['tenant.template', 'tenant.link-1', 'tenant.link-2', 'shared.forbid-chf', 'never'].map((id) => tally.of(id))).toEqual([
      2, 2, 1, 1, 0,
    ]);
  });
});
