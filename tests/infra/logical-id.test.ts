import { describe, expect, it } from 'vitest';
import { logicalIdFor } from '../../infra/logical-id.js';

describe('logicalIdFor', () => {
  it('spells the @id in PascalCase after the prefix and ends with six hex digits of its hash', () => {
    // Arrange / Act
    const id = logicalIdFor('Policy', 'customer.read-own');

    // Assert
    expect(id).toMatch(/^PolicyCustomerReadOwn[0-9a-f]{6}$/);
  });

  it('gives the same id for the same @id on every call', () => {
    expect(logicalIdFor('Policy', 'shared.forbid-self-approval')).toBe(logicalIdFor('Policy', 'shared.forbid-self-approval'));
  });

  it('keeps two @ids apart that read the same once punctuation is dropped', () => {
    const dotted = logicalIdFor('Policy', 'customer.read-own');
    const dashed = logicalIdFor('Policy', 'customer-read.own');

    expect(dotted.slice(0, -6)).toBe(dashed.slice(0, -6));
    expect(dotted).not.toBe(dashed);
  });

  it('stays within the 255 alphanumeric characters CloudFormation allows, even for a huge @id', () => {
    const id = logicalIdFor('Policy', `${'a.'.repeat(5000)}end`);

    expect(id).toMatch(/^[A-Za-z0-9]+$/);
    expect(id.length).toBeLessThanOrEqual(255);
  });
});
