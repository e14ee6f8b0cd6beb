// A policy's deploy identity changes exactly when AVP could not update one statement into the other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, DeployIdentityError, deployIdentityOf, fixedScopeChanges, fixedScopeOf } from '../../common/deploy-identity.js';

// What AVP cannot update, from its user guide: "Editing static policies"
// (https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policies-edit.html) and "Editing policy templates"
// (https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policy-templates-edit.html): the effect, the principal and
// the resource referenced. Actions and conditions can change in place.
const BASE = 'permit (principal in Lab::Role::"admin", action == Lab::Action::"read", resource) when { context.level > 2 };';

describe('deployIdentityOf', () => {
  it('keeps the identity when only the action or the condition changes', () => {
    const actions =
      'permit (principal in Lab::Role::"admin", action in [Lab::Action::"read", Lab::Action::"list"], resource) ' +
      'when { context.level > 2 };';
    const condition = 'permit (principal in Lab::Role::"admin", action == Lab::Action::"read", resource) unless { context.level < 9 };';
    const key = deployIdentityOf('lab.read', BASE, 'policy').key;
    expect(deployIdentityOf('lab.read', actions, 'policy').key).toBe(key);
    expect(deployIdentityOf('lab.read', condition, 'policy').key).toBe(key);
  });

  it('ignores annotations, comments and layout', () => {
    const annotated =
      '/// why\n@id("lab.read")\npermit (\n  principal in Lab::Role::"admin",\n  action == Lab::Action::"read",\n' +
      '  resource\n)\nwhen { context.level > 2 };';
    expect(deployIdentityOf('lab.read', annotated, 'policy')).toEqual(deployIdentityOf('lab.read', BASE, 'policy'));
  });

  it.each([
    ['the effect', BASE.replace('permit', 'forbid'), ['effect']],
    ['the principal scope operator (== instead of in)', BASE.replace('principal in', 'principal =='), ['principal']],
    ['the principal entity', BASE.replace('"admin"', '"auditor"'), ['principal']],
    ['an unconstrained principal', BASE.replace('principal in Lab::Role::"admin"', 'principal'), ['principal']],
    ['the resource scope', BASE.replace('resource)', 'resource is Lab::Document)'), ['resource']],
    [
      'effect and resource at once',
      BASE.replace('permit', 'forbid').replace('resource)', 'resource == Lab::Document::"d1")'),
      ['effect', 'resource'],
    ],
  ] as const)('changes the identity when %s changes', (_what, changed, parts) => {
    expect(deployIdentityOf('lab.read', changed, 'policy').key).not.toBe(deployIdentityOf('lab.read', BASE, 'policy').key);
    expect(fixedScopeChanges(BASE, changed, 'policy')).toEqual(parts);
  });

  it('names the @id before the hash, so two policies never share a key', () => {
    const identity = deployIdentityOf('lab.read', BASE, 'policy');
    expect(identity.key).toMatch(/^lab\.read#[0-9a-f]{8}$/);
    expect(deployIdentityOf('lab.other', BASE, 'policy').key).not.toBe(identity.key);
  });

  it('reads template slots as part of the scope', () => {
    const template = 'permit (principal == ?principal, action == Lab::Action::"read", resource in ?resource);';
    const widened = 'permit (principal in ?principal, action == Lab::Action::"read", resource in ?resource);';
    const conditioned =
      'permit (principal == ?principal, action == Lab::Action::"read", resource in ?resource) when { context.level > 1 };';
    expect(fixedScopeChanges(template, widened, 'template')).toEqual(['principal']);
    expect(deployIdentityOf('grant', conditioned, 'template').key).toBe(deployIdentityOf('grant', template, 'template').key);
  });

  it('refuses a statement that does not parse, with a code', () => {
    expect(() => fixedScopeOf('permit (principal, action, resource', 'policy')).toThrow(DeployIdentityError);
    try {
      fixedScopeOf('permit (principal, action, resource', 'policy');
    } catch (error) {
      expect((error as DeployIdentityError).code).toBe('DEPLOY_IDENTITY_UNPARSABLE');
    }
  });

  it('changes the identity exactly when effect, principal or resource differ (random scopes, fixed seed)', () => {
    const principal = fc.constantFrom(
      'principal',
      'principal == Lab::User::"u1"',
      'principal in Lab::Role::"admin"',
      'principal is Lab::User',
    );
    const resource = fc.constantFrom(
      'resource',
      'resource == Lab::Document::"d1"',
      'resource in Lab::Folder::"f"',
      'resource is Lab::Document',
    );
    const effect = fc.constantFrom('permit', 'forbid');
    const action = fc.constantFrom('action', 'action == Lab::Action::"read"', 'action in [Lab::Action::"read", Lab::Action::"list"]');
    const condition = fc.constantFrom('', ' when { context.level > 2 }', ' unless { principal has name }');
    const policy = fc.record({ effect, principal, action, resource, condition });
    const text = (p: { effect: string; principal: string; action: string; resource: string; condition: string }) =>
      `${p.effect} (${p.principal}, ${p.action}, ${p.resource})${p.condition};`;
    fc.assert(
      fc.property(policy, policy, (a, b) => {
        const sameFixed = a.effect === b.effect && a.principal === b.principal && a.resource === b.resource;
        const sameKey = deployIdentityOf('p', text(a), 'policy').key === deployIdentityOf('p', text(b), 'policy').key;
        expect(sameKey, `${text(a)}\n${text(b)}`).toBe(sameFixed);
      }),
      { seed: 1414, numRuns: 300 },
    );
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
  });
});
