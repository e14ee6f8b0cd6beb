// A single-tenant AVP mode's function updates after its store's policies, so no decision made under the old policies
// outlives the deploy in a Lambda environment (the flush that follows clears API Gateway's cache).
import { describe, expect, it } from 'vitest';
import { synthesizedApp } from './support/synthesized-app.js';

const app = await synthesizedApp();

/** The DependsOn of the stack's only Lambda function, and the logical ids of its AVP policies. */
function ordering(modeName: string): { dependsOn: readonly string[]; policies: readonly string[] } {
  const template = app.template(modeName);
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { DependsOn?: string[] }[];
  return {
    dependsOn: functions[0]?.DependsOn ?? [],
    policies: Object.keys(template.findResources('AWS::VerifiedPermissions::Policy')),
  };
}

describe('the authorizer function of an AVP single-tenant mode (internal)', () => {
  it('depends on every policy of its store, so CloudFormation updates it after them', () => {
    const { dependsOn, policies } = ordering('internal');

    expect({ some: policies.length > 0, missing: policies.filter((id) => !dependsOn.includes(id)) }).toEqual({ some: true, missing: [] });
  });
});
