import { describe, expect, it } from 'vitest';
import { policyLogicalId } from '../../infra/logical-id.js';

const READ_OWN = 'permit (principal, action == Ns::Action::"Read", resource) when { resource.owner == principal };';

describe('policyLogicalId', () => {
  it('spells the @id in PascalCase after the kind and ends with eight hex digits of the deploy identity hash', () => {
    // Arrange / Act
    const policy = policyLogicalId('customer.read-own', READ_OWN, 'policy');
    const template = policyLogicalId(
      'tenant.delegated-read',
      'permit (principal == ?principal, action, resource in ?resource);',
      'template',
    );

    // Assert
    expect(policy).toMatch(/^PolicyCustomerReadOwn[0-9a-f]{8}$/);
    expect(template).toMatch(/^TemplateTenantDelegatedRead[0-9a-f]{8}$/);
  });

  it('gives the same id for the same @id and statement on every call', () => {
    expect(policyLogicalId('shared.forbid-self-approval', READ_OWN, 'policy')).toBe(
      policyLogicalId('shared.forbid-self-approval', READ_OWN, 'policy'),
    );
  });

  it('keeps two @ids apart that read the same once punctuation is dropped', () => {
    const dotted = policyLogicalId('customer.read-own', READ_OWN, 'policy');
    const dashed = policyLogicalId('customer-read.own', READ_OWN, 'policy');

    expect(dotted.slice(0, -8)).toBe(dashed.slice(0, -8));
    expect(dotted).not.toBe(dashed);
  });

  it.each([
    ['the effect', READ_OWN.replace('permit', 'forbid')],
    ['the principal scope', READ_OWN.replace('(principal,', '(principal in Ns::Role::"admin",')],
    ['the resource scope', READ_OWN.replace('resource)', 'resource is Ns::Doc)')],
  ])('changes when %s changes: AVP cannot update it, so CloudFormation must replace the policy', (_part, edited) => {
    expect(policyLogicalId('customer.read-own', edited, 'policy')).not.toBe(policyLogicalId('customer.read-own', READ_OWN, 'policy'));
  });

  it.each([
    ['the action', READ_OWN.replace('action == Ns::Action::"Read"', 'action in [Ns::Action::"Read", Ns::Action::"List"]')],
    ['the condition', READ_OWN.replace('resource.owner == principal', 'resource.owner == principal && context.mfa')],
    ['only whitespace and a comment', `// why\n${READ_OWN.replace(/ /g, '  ')}`],
  ])('stays when %s changes: AVP updates it in place', (_part, edited) => {
    expect(policyLogicalId('customer.read-own', edited, 'policy')).toBe(policyLogicalId('customer.read-own', READ_OWN, 'policy'));
  });

  it('stays within the 255 alphanumeric characters CloudFormation allows, even for a huge @id', () => {
    const id = policyLogicalId(`${'a.'.repeat(5000)}end`, READ_OWN, 'policy');

    expect(id).toMatch(/^[A-Za-z0-9]+$/);
    expect(id.length).toBeLessThanOrEqual(255);
  });
});
