// The reported explanation comes from the runtime's decision record and the calls it made; explain decides nothing.
import { describe, expect, it } from 'vitest';
import { buildMode } from '../../../local/explain/build-mode.js';
import { explanationOf, type ExplanationSources } from '../../../local/explain/explanation.js';
import type { EngineCall } from '../../../local/explain/record-engine-calls.js';
import type { DecisionRecord } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const mode = buildMode(fixtureRoot('billing'), 'customer').config;
const ACCOUNT = { uid: { type: 'Billing::Account', id: 'acct-1' }, attrs: { frozen: false }, parents: [] };

function record(overrides: Partial<DecisionRecord>): DecisionRecord {
  return { mode: 'customer', result: 'allow', determiningPolicies: [], latencyMs: 1, cacheHit: false, ...overrides };
}

function sources(overrides: Partial<ExplanationSources>): ExplanationSources {
  return { mode, verdict: 'allow', record: record({}), engineCalls: [], storeReads: { entities: [], missing: [] }, ...overrides };
}

describe('explanationOf', () => {
  it('reads principal, action and resource from the decision record when no engine call was seen', () => {
    const explanation = explanationOf(
      sources({
        record: record({
          principal: 'Billing::CustomerUser::"alice"',
          action: 'ViewAccount',
          resource: 'Billing::Account::"acct-1"',
          determiningPolicies: ['customer.read-own'],
        }),
      }),
    );

    expect(explanation.request).toEqual({
      principal: { type: 'Billing::CustomerUser', id: 'alice' },
      action: { type: 'Billing::Action', id: 'ViewAccount' },
      resource: { type: 'Billing::Account', id: 'acct-1' },
      context: null,
    });
  });

  it('takes the request, context, entities and evaluation errors from the engine call when there was one', () => {
    const call: EngineCall = {
      principal: { type: 'Billing::StaffUser', id: 'rob' },
      action: { type: 'Billing::Action', id: 'RefundPayment' },
      resource: { type: 'Billing::Payment', id: 'pay-1' },
      context: { authMethods: ['pwd'] },
      entities: [ACCOUNT],
      errors: ['policy staff.x: attribute missing'],
    };

    const explanation = explanationOf(sources({ verdict: 'deny', record: record({ result: 'deny' }), engineCalls: [call] }));

    expect({ request: explanation.request, entities: explanation.entities, errors: explanation.errors }).toEqual({
      request: { principal: call.principal, action: call.action, resource: call.resource, context: { authMethods: ['pwd'] } },
      entities: [ACCOUNT],
      errors: ['policy staff.x: attribute missing'],
    });
  });

  it('lists each entity the store returned once, though the runtime read it twice', () => {
    const explanation = explanationOf(sources({ storeReads: { entities: [ACCOUNT, ACCOUNT], missing: [] } }));

    expect(explanation.entities).toEqual([ACCOUNT]);
  });

  it('reports unauthorized for an HTTP API\'s "no" when the runtime refused the token', () => {
    const explanation = explanationOf(
      sources({ verdict: 'deny', record: record({ result: 'unauthorized', reason: 'Token expired', errorKind: 'token' }) }),
    );

    expect({ decision: explanation.decision, reason: explanation.reason }).toEqual({
      decision: 'unauthorized',
      reason: 'token: Token expired',
    });
  });

  it.each([
    ['an allow names its permit', 'allow', ['customer.read-own'], 'permitted by customer.read-own'],
    [
      'a deny with policies names the forbids',
      'deny',
      ['shared.forbid-billing-from-frozen-account'],
      'forbidden by shared.forbid-billing-from-frozen-account',
    ],
    ["a deny without policies is Cedar's default", 'deny', [], 'no permit policy applies, so Cedar denies by default'],
  ] as const)('%s', (_name, result, determiningPolicies, reason) => {
    const explanation = explanationOf(sources({ verdict: result, record: record({ result, determiningPolicies }) }));

    expect(explanation.reason).toBe(reason);
  });

  it("says so when API Gateway reads the runtime's allow as a deny", () => {
    const explanation = explanationOf(
      sources({ verdict: 'deny', record: record({ result: 'allow', determiningPolicies: ['customer.read-own'] }) }),
    );

    expect({ decision: explanation.decision, reason: explanation.reason }).toEqual({
      decision: 'deny',
      reason: 'the runtime answered allow, but API Gateway reads its answer as deny',
    });
  });
});
