// The schema loader returns a model or diagnostics for any text, never a throw: mutated schemas, fixed seed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../../generator/load/cedar-schema.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const SEED = 20261206;
const CASES = 200;
const FRAGMENTS = [
  '{',
  '}',
  ';',
  ',',
  '<',
  '>',
  '"',
  '::',
  '@doc("x")',
  'enum ["a"]',
  'tags ',
  'in [',
  'decimal',
  '__cedar::',
  'type T = ',
  'action "g" in [Action::"g"];',
  'namespace N {',
  '\n',
  'é',
  '//',
];

/** mulberry32: a small deterministic generator, so a failing case can be replayed from its index. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, next: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * result.length);
    if (next() < 0.5) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 20));
    else result = result.slice(0, at) + (FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] ?? '') + result.slice(at);
  }
  return result;
}

describe('loading mutated schemas', () => {
  it(`never throws, and every diagnostic has a 1-based position (${CASES} cases, seed ${SEED})`, () => {
    // arrange
    const original = readFileSync(join(fixtureRoot('billing'), 'schema/billing.cedarschema'), 'utf8');
    const next = random(SEED);
    const failures: string[] = [];

    for (let index = 0; index < CASES; index++) {
      const text = mutate(original, next);
      // act
      try {
        const result = loadSchema({ path: 'schema/billing.cedarschema', text });
        const bad = result.diagnostics.find((d) => d.line < 1 || d.column < 1);
        if (bad) failures.push(`case ${index}: diagnostic at ${bad.line}:${bad.column}\n${text}`);
        if (!result.schema && result.diagnostics.length === 0) failures.push(`case ${index}: neither a model nor a diagnostic\n${text}`);
      } catch (error) {
        failures.push(`case ${index}: threw ${String(error)}\n${text}`);
      }
    }

    // assert: the first failing case is printed whole
    expect(failures.slice(0, 1)).toEqual([]);
  });
});
