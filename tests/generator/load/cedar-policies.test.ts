import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../../generator/load/cedar-policies.js';

describe('loadPolicyFile', () => {
  it('places a policy whose text repeats the end of an earlier annotated policy at its own line', () => {
    // arrange: the second policy's text also occurs inside the first, after its annotation
    const text = '@advice("x")\nforbid (principal, action, resource);\nforbid (principal, action, resource);\n';

    // act
    const { policies } = loadPolicyFile({ path: 'policies/a.cedar', text });

    // assert
    expect(policies.map((p) => ({ line: p.position.line, annotations: p.annotations }))).toEqual([
      { line: 1, annotations: { advice: 'x' } },
      { line: 3, annotations: {} },
    ]);
  });

  it('places an unannotated policy written before its annotated twin at its own line', () => {
    const text = 'forbid (principal, action, resource);\n@advice("x")\nforbid (principal, action, resource);\n';

    const { policies } = loadPolicyFile({ path: 'policies/a.cedar', text });

    expect(policies.map((p) => p.position.line)).toEqual([1, 2]);
  });

  it('places each of more than ten policies at its own line, though cedar-wasm lists them out of source order', () => {
    const text = Array.from({ length: 12 }, (_, i) => `@id("p${i}")\npermit (principal, action, resource);\n`).join('');

    const { policies } = loadPolicyFile({ path: 'policies/a.cedar', text });

    expect(policies.map((p) => `${p.id}@${p.position.line}`)).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}@${2 * i + 1}`));
  });
});
