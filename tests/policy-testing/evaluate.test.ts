import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicySetError } from '../../policy-testing/errors.js';
import { createEvaluator, type TestRequest } from '../../policy-testing/evaluate.js';
import { fixtureRoot } from '../support/fixture-domain.js';

const schemaText = readFileSync(join(fixtureRoot('billing'), 'schema/billing.cedarschema'), 'utf8');
const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });

// A permit and a forbid whose condition reads an attribute the test may leave out.
const policySet = {
  mode: 'test',
  staticPolicies: {
    'read-own':
      'permit (principal is Billing::TenantUser, action == Billing::Action::"ViewAccount", resource) ' +
      'when { resource.owner == principal.customer };',
    isolation: 'forbid (principal is Billing::TenantUser, action, resource) unless { resource.tenant == principal.tenant };',
  },
  templates: { delegated: 'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource in ?resource);' },
};
const user = {
  uid: { type: 'Billing::TenantUser', id: 'tina' },
  attrs: { userId: 'tina', tenant: ref('Tenant', 'n'), customer: ref('Customer', 'c') },
  parents: [],
};
const account = {
  uid: { type: 'Billing::Account', id: 'a' },
  attrs: { owner: ref('Customer', 'c'), tenant: ref('Tenant', 'n'), currency: 'EUR', frozen: false },
  parents: [],
};
const withoutTenant = { ...account, attrs: { owner: ref('Customer', 'c'), currency: 'EUR', frozen: false } };
const request: TestRequest = {
  principal: { type: 'Billing::TenantUser', id: 'tina' },
  action: { type: 'Billing::Action', id: 'ViewAccount' },
  resource: { type: 'Billing::Account', id: 'a' },
  context: {},
};

describe('evaluating a request', () => {
  const evaluator = createEvaluator({ policySet, schemaText });

  it('answers with the decision and the determining policies', () => {
    expect(evaluator.evaluate(request, [user, account], 'request')).toEqual({
      decision: 'allow',
      cedarDecision: 'allow',
      determining: ['read-own'],
      cedarDetermining: ['read-own'],
      errors: [],
    });
  });

  it('turns an allow that came with an error into a deny (fail closed), keeping what Cedar said', () => {
    expect(evaluator.evaluate(request, [user, withoutTenant], 'none')).toEqual({
      decision: 'deny',
      cedarDecision: 'allow',
      determining: [],
      cedarDetermining: ['read-own'],
      errors: ['isolation: `Billing::Account::"a"` does not have the attribute `tenant`'],
    });
  });

  it('refuses, as a deny with the reason, a request whose entities do not conform to the schema', () => {
    expect(evaluator.evaluate(request, [user, withoutTenant], 'request')).toEqual({
      decision: 'deny',
      cedarDecision: 'refused',
      determining: [],
      cedarDetermining: [],
      errors: [
        'entity does not conform to the schema: expected entity `Billing::Account::"a"` to have attribute `tenant`, but it does not',
      ],
    });
  });

  it('decides through template links and tells which template a link instantiates', () => {
    const linked = createEvaluator({
      policySet,
      links: [{ id: 'tina-a', templateId: 'delegated', principal: request.principal, resource: request.resource }],
      schemaText,
    });
    const other = { ...user, attrs: { ...user.attrs, customer: ref('Customer', 'other') } };
    expect({
      outcome: linked.evaluate(request, [other, account], 'request').determining,
      template: linked.templateOf('tina-a'),
      plain: linked.templateOf('read-own'),
    }).toEqual({
      outcome: ['tina-a'],
      template: 'delegated',
      plain: undefined,
    });
  });

  it('refuses a policy set that does not parse with a PolicySetError naming the mode', () => {
    let error: unknown;
    try {
      createEvaluator({ policySet: { mode: 'broken', staticPolicies: { x: 'permit (principal' }, templates: {} }, schemaText });
    } catch (caught) {
      error = caught;
    }
    expect({
      isPolicySetError: error instanceof PolicySetError,
      message: error instanceof Error ? error.message.split(':')[0] : undefined,
    }).toEqual({
      isPolicySetError: true,
      message: 'the policies of mode broken do not preparse',
    });
  });
});
