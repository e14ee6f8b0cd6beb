// Which attribute names a policy set reads (`x.name`, `x has name`), from each policy's JSON form: a record whose
// redacted value a policy may read cannot be replayed, since the marker is not the value that was decided on.
import { policyToJson, templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ModePolicySet } from '../policy-catalog.js';

/**
 * Attribute name → the policy ids that read an attribute of that name, on any entity or record. By name only, so it
 * errs towards "cannot replay": `resource.email` counts as reading a redacted `principal.email`.
 */
export type AttributeReaders = ReadonlyMap<string, readonly string[]>;

export function attributeReaders(policySet: ModePolicySet): AttributeReaders {
  const readers = new Map<string, string[]>();
  const add = (id: string, json: unknown): void => {
    for (const name of attributesIn(json)) readers.set(name, [...(readers.get(name) ?? []), id]);
  };
  for (const [id, text] of Object.entries(policySet.staticPolicies)) {
    const answer = policyToJson(text);
    if (answer.type === 'success') add(id, answer.json);
  }
  for (const [id, text] of Object.entries(policySet.templates)) {
    const answer = templateToJson(text);
    if (answer.type === 'success') add(id, answer.json);
  }
  return readers;
}

function attributesIn(json: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === '.' || key === 'has') && value !== null && typeof value === 'object' && 'attr' in value) {
        const attr: unknown = value.attr;
        for (const name of Array.isArray(attr) ? attr : [attr]) if (typeof name === 'string') names.add(name);
      }
      walk(value);
    }
  };
  walk(json);
  return names;
}
