import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../policy-testing/evaluate.js';
import type { PolicyCase } from '../../../policy-testing/load-suites.js';
import { compareAnswers, type RuntimeAnswer } from '../../../policy-testing/runtime-parity/compare.js';

const ACCOUNT: EntityJson = { uid: { type: 'Billing::Account', id: 'acct-1' }, attrs: { frozen: false }, parents: [] };

const CASE: PolicyCase = {
  id: 'alice_CreatePayment_acct-1',
  name: 'alice CreatePayment acct-1 → allow',
  suite: 'tests/policies/customer/billing.test.yaml',
  mode: 'customer',
  position: { line: 12, column: 5 },
  origin: 'case',
  description: undefined,
  request: {
    principal: { type: 'Billing::CustomerUser', id: 'alice' },
    action: { type: 'Billing::Action', id: 'CreatePayment' },
    resource: { type: 'Billing::Account', id: 'acct-1' },
    context: { amount: 100, currency: 'EUR' },
  },
  entities: [ACCOUNT],
  schemaCheck: 'request',
  expect: { decision: 'allow', errors: [] },
};

const SUITE_ALLOW: Outcome = {
  decision: 'allow',
  cedarDecision: 'allow',
  determining: ['customer.pay-from-own-account'],
  cedarDetermining: ['customer.pay-from-own-account'],
  errors: [],
};

function runtime(answer: Partial<RuntimeAnswer>): RuntimeAnswer {
  return {
    result: 'allow',
    determining: [],
    reason: undefined,
    route: 'POST /accounts/{accountId}/billing',
    entities: [ACCOUNT],
    ...answer,
  };
}

describe('the runtime’s answer against the suite’s', () => {
  it('agrees when both allow, whatever policies each names', () => {
    expect(compareAnswers(CASE, SUITE_ALLOW, runtime({ determining: ['other'] }))).toEqual({ agree: true });
  });

  it('agrees when the suite denies and the runtime refuses the token (a 401 is no access too)', () => {
    const denied: Outcome = { ...SUITE_ALLOW, decision: 'deny', cedarDecision: 'deny', determining: [], cedarDetermining: [] };

    expect(compareAnswers(CASE, denied, runtime({ result: 'unauthorized' }))).toEqual({ agree: true });
  });

  it('disagrees, naming both decisions, the runtime’s reason and the first entity difference', () => {
    const result = compareAnswers(
      CASE,
      SUITE_ALLOW,
      runtime({
        result: 'deny',
        reason: 'evaluation: shared.forbid-billing-from-frozen-account: no attribute',
        entities: [{ ...ACCOUNT, attrs: {} }],
      }),
    );

    expect(result).toEqual({
      agree: false,
      message: [
        'tests/policies/customer/billing.test.yaml:12:5 alice_CreatePayment_acct-1: the runtime of mode customer disagrees with the suite',
        '  suite (cedar-wasm): allow, determined by [customer.pay-from-own-account]',
        '  runtime (POST /accounts/{accountId}/billing): deny, determined by []; ' +
          'reason: evaluation: shared.forbid-billing-from-frozen-account: no attribute',
        '  first entity difference: Billing::Account::"acct-1" attribute `frozen`: the suite has false, the runtime none',
      ].join('\n'),
    });
  });

  it('says there are no entities to compare when the runtime answered before asking its engine', () => {
    const result = compareAnswers(CASE, SUITE_ALLOW, runtime({ result: 'unauthorized', reason: 'token: expired', entities: undefined }));

    expect(result.agree ? [] : result.message.split('\n').slice(2)).toEqual([
      '  runtime (POST /accounts/{accountId}/billing): unauthorized, determined by []; reason: token: expired',
      '  first entity difference: none to compare: the runtime answered before asking its engine (see its reason)',
    ]);
  });

  it('says when Cedar’s own answer was overruled by fail-closed, with its errors', () => {
    const failClosed: Outcome = {
      decision: 'deny',
      cedarDecision: 'allow',
      determining: [],
      cedarDetermining: ['p'],
      errors: ['shared.x: boom'],
    };

    const result = compareAnswers(CASE, failClosed, runtime({}));

    expect(result.agree ? [] : result.message.split('\n')[1]).toBe(
      '  suite (cedar-wasm): deny, determined by [] (Cedar said allow); errors: shared.x: boom',
    );
  });
});
