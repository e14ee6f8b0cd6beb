import { describe, expect, it } from 'vitest';
import { validateProject } from '../../generator/validate/project.js';
import { fixtureSources } from '../support/fixture-domain.js';

// The fixture domain the toolkit's tests run on, frozen from the example domain: it must stay a complete, valid one.
describe('the billing fixture domain', () => {
  const result = validateProject(fixtureSources('billing'));

  it('validates with zero diagnostics', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.project).toBeDefined();
  });

  it('has the four modes, and they use all three API types', () => {
    const modes = result.project?.modes.map((m) => m.mode) ?? [];
    expect(modes.map((m) => m.name).sort()).toEqual(['customer', 'internal', 'm2m', 'multi-tenant']);
    expect(new Set(modes.map((m) => m.api.type))).toEqual(new Set(['rest', 'http', 'websocket']));
  });

  it('gives every policy a unique @id and a `///` comment', () => {
    const policies = result.project?.policies ?? [];
    const ids = policies.map((p) => p.id);
    expect(new Set(ids).size).toBe(policies.length);
    expect(policies.filter((p) => p.doc === undefined)).toEqual([]);
  });

  it('has at least one forbid policy', () => {
    expect(result.project?.policies.some((p) => p.effect === 'forbid')).toBe(true);
  });
});
