import { describe, expect, it } from 'vitest';
import { readProjectSources } from '../../generator/load/source-files.js';
import { validateProject } from '../../generator/validate/project.js';

const root = new URL('../..', import.meta.url).pathname;

describe('the repository itself', () => {
  const result = validateProject(readProjectSources(root));

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
