import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../policy-testing/evaluate.js';
import { checkOutcome } from '../../policy-testing/expectations.js';

const denied: Outcome = {
  decision: 'deny',
  cedarDecision: 'deny',
  determining: ['shared.forbid-self-approval', 'tenant.isolation'],
  cedarDetermining: ['shared.forbid-self-approval', 'tenant.isolation'],
  errors: [],
};

describe('checking an outcome against a case', () => {
  it('passes on the same decision and exactly the expected determining policies, in any order', () => {
    expect(
      checkOutcome({ decision: 'deny', determining: ['tenant.isolation', 'shared.forbid-self-approval'], errors: [] }, denied),
    ).toEqual({ pass: true, problems: [], report: '' });
  });

  it('passes when the expected policies are among the determining ones', () => {
    expect(checkOutcome({ decision: 'deny', determiningIncludes: ['tenant.isolation'], errors: [] }, denied).pass).toBe(true);
  });

  it('shows the expected and actual decision, the determining policies and what differs', () => {
    expect(checkOutcome({ decision: 'allow', determining: ['tenant.read-own'], errors: [] }, denied).report).toBe(
      [
        'expected: allow, determined by exactly [tenant.read-own], no errors',
        'actual:   deny, determined by [shared.forbid-self-approval, tenant.isolation], no errors',
        '✗ decision: expected allow, got deny',
        '✗ determining policies: expected exactly [tenant.read-own], got [shared.forbid-self-approval, tenant.isolation]',
      ].join('\n'),
    );
  });

  it('fails on any error unless the case expects it, and says what Cedar answered before fail-closed', () => {
    const failClosed: Outcome = {
      decision: 'deny',
      cedarDecision: 'allow',
      determining: [],
      cedarDetermining: ['tenant.read-own'],
      errors: ['tenant.isolation: no `tenant`'],
    };
    expect(checkOutcome({ decision: 'deny', errors: [] }, failClosed).report).toBe(
      [
        'expected: deny, any determining policies, no errors',
        'actual:   deny (Cedar said allow by [tenant.read-own]; an allow with errors is a deny), determined by [] (none), errors:',
        '  - tenant.isolation: no `tenant`',
        '✗ errors: unexpected error "tenant.isolation: no `tenant`"',
      ].join('\n'),
    );
  });

  it('matches each expected error text to its own error', () => {
    const twoErrors: Outcome = { ...denied, errors: ['a: missing `tenant`', 'b: missing `frozen`'] };
    expect({
      both: checkOutcome({ decision: 'deny', errors: ['missing `tenant`', 'missing `frozen`'] }, twoErrors).problems,
      sameTwice: checkOutcome({ decision: 'deny', errors: ['missing', 'missing', 'missing'] }, twoErrors).problems,
    }).toEqual({ both: [], sameTwice: ['errors: expected an error containing "missing"'] });
  });
});
