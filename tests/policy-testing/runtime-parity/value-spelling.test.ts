import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedClaimToCedar, textToCedar } from '../../../runtime/claims/typed-value.js';
import { parseValueType, type ParsedValueType } from '../../../runtime/claims/value-type.js';
import type { ClaimEncoding } from '../../../runtime/config.js';
import { canonical } from '../../../policy-testing/runtime-parity/entity-diff.js';
import { claimSpelling, textSpelling } from '../../../policy-testing/runtime-parity/value-spelling.js';

const SEED = 20261206;
const json = { encoding: 'json' } as const;
const text = { encoding: 'text' } as const;
const ref = (type: string, id: string) => ({ __entity: { type, id } });
const extn = (fn: string, arg: string) => ({ __extn: { fn, arg } });

describe('a Cedar value spelled as a JSON claim', () => {
  it.each<[string, CedarValueJson, unknown]>([
    ['String', 'alice', 'alice'],
    ['Long', 3, 3],
    ['Boolean', false, false],
    ['decimal', extn('decimal', '12.50'), '12.50'],
    ['ipaddr', extn('ip', '10.0.0.0/8'), '10.0.0.0/8'],
    ['Entity<Billing::Customer>', ref('Billing::Customer', 'cust-acme'), 'cust-acme'],
    ['Set<String>', ['payer', 'viewer'], ['payer', 'viewer']],
    ['{ city: String, zip?: String }', { city: 'Lyon' }, { city: 'Lyon' }],
  ])('%s %j travels as %j', (type, value, claim) => {
    expect(claimSpelling(value, parseValueType(type), json)).toEqual({ ok: true, value: claim });
  });

  it('joins a set of strings with the mapping’s delimiter, as Cognito’s `scope`', () => {
    expect(claimSpelling(['billing/read', 'billing/write'], parseValueType('Set<String>'), { encoding: 'json', delimiter: ' ' })).toEqual({
      ok: true,
      value: 'billing/read billing/write',
    });
  });

  it('cannot carry a set item that holds the delimiter', () => {
    expect(claimSpelling(['billing/read billing/write'], parseValueType('Set<String>'), { encoding: 'json', delimiter: ' ' })).toEqual({
      ok: false,
      problem: 'the set item "billing/read billing/write" cannot be told apart in text split on " "',
    });
  });

  it('cannot carry a value of another type: a string is not a Long', () => {
    expect(claimSpelling('1000001', parseValueType('Long'), json)).toEqual({ ok: false, problem: '"1000001" is not a Long' });
  });

  it('cannot carry a reference to an entity of another type', () => {
    expect(claimSpelling(ref('Billing::Tenant', 't-north'), parseValueType('Entity<Billing::Customer>'), json)).toEqual({
      ok: false,
      problem: '{"__entity":{"type":"Billing::Tenant","id":"t-north"}} is not a Entity<Billing::Customer>',
    });
  });

  it('cannot carry a record attribute its type does not declare', () => {
    expect(claimSpelling({ city: 'Lyon', street: 'Rue' }, parseValueType('{ city: String }'), json)).toEqual({
      ok: false,
      problem: 'the record has `street`, which { city: String } does not declare',
    });
  });
});

describe('a Cedar value spelled as text (header, query parameter, claim carried as text)', () => {
  it.each<[string, CedarValueJson, string]>([
    ['Long', 1000001, '1000001'],
    ['Boolean', true, 'true'],
    ['Set<String>', ['mfa', 'pwd'], 'mfa,pwd'],
    ['Set<Long>', [1, 2], '1,2'],
    ['datetime', extn('datetime', '2026-12-06T11:00:00Z'), '2026-12-06T11:00:00Z'],
    ['{ city: String }', { city: 'Lyon' }, '{"city":"Lyon"}'],
    ['Set<Set<String>>', [['a'], ['b', 'c']], '[["a"],["b","c"]]'],
  ])('%s %j is %j', (type, value, spelled) => {
    expect(textSpelling(value, parseValueType(type))).toEqual({ ok: true, value: spelled });
  });

  it('cannot carry a set item the runtime would trim', () => {
    expect(textSpelling([' mfa'], parseValueType('Set<String>'))).toEqual({
      ok: false,
      problem: 'the set item " mfa" would be trimmed or dropped from comma-separated text',
    });
  });

  it('cannot carry a set item that holds a comma', () => {
    expect(textSpelling(['a,b'], parseValueType('Set<String>'))).toEqual({
      ok: false,
      problem: 'the set item "a,b" cannot be told apart in text split on ","',
    });
  });

  it('is what a claim carried as text holds: Cognito’s `"custom:clearance": "3"`', () => {
    expect(claimSpelling(3, parseValueType('Long'), text)).toEqual({ ok: true, value: '3' });
  });
});

/** Values of every supported shape, with the types they are spelled by. */
const simpleValue: fc.Arbitrary<[ParsedValueType, CedarValueJson]> = fc.oneof(
  fc.string({ maxLength: 8 }).map((value): [ParsedValueType, CedarValueJson] => [{ kind: 'String' }, value]),
  fc.maxSafeInteger().map((value): [ParsedValueType, CedarValueJson] => [{ kind: 'Long' }, value]),
  fc.boolean().map((value): [ParsedValueType, CedarValueJson] => [{ kind: 'Boolean' }, value]),
  fc
    .constantFrom('0.1', '-12.5000', '922337203685477.5807')
    .map((arg): [ParsedValueType, CedarValueJson] => [{ kind: 'Extension', name: 'decimal' }, extn('decimal', arg)]),
  fc.ipV4().map((arg): [ParsedValueType, CedarValueJson] => [{ kind: 'Extension', name: 'ipaddr' }, extn('ip', arg)]),
  fc
    .constantFrom('2024-10-15', '2024-10-15T11:35:00.000Z', '2024-10-15T11:35:00+0100')
    .map((arg): [ParsedValueType, CedarValueJson] => [{ kind: 'Extension', name: 'datetime' }, extn('datetime', arg)]),
  fc
    .constantFrom('1h30m', '-2d', '0ms')
    .map((arg): [ParsedValueType, CedarValueJson] => [{ kind: 'Extension', name: 'duration' }, extn('duration', arg)]),
  fc
    .string({ minLength: 1, maxLength: 8 })
    .map((id): [ParsedValueType, CedarValueJson] => [{ kind: 'Entity', name: 'Ns::User' }, ref('Ns::User', id)]),
);
const anyValue: fc.Arbitrary<[ParsedValueType, CedarValueJson]> = fc.oneof(
  simpleValue,
  fc
    .array(fc.string({ maxLength: 6 }), { maxLength: 4 })
    .map((items): [ParsedValueType, CedarValueJson] => [{ kind: 'Set', element: { kind: 'String' } }, items]),
  fc
    .array(fc.maxSafeInteger(), { maxLength: 4 })
    .map((items): [ParsedValueType, CedarValueJson] => [{ kind: 'Set', element: { kind: 'Long' } }, items]),
  fc.tuple(simpleValue, fc.option(simpleValue)).map(([[a, va], b]): [ParsedValueType, CedarValueJson] => [
    { kind: 'Record', attributes: { a: { type: a, required: true }, ...(b ? { b: { type: b[0], required: false } } : {}) } },
    { a: va, ...(b ? { b: b[1] } : {}) },
  ]),
);

/** Whatever the spelling says it can carry, the runtime's own readers give back: the inverse is exact. */
describe('the spelling, read back by the runtime', () => {
  it.each<[string, ClaimEncoding]>([
    ['a JSON claim', 'json'],
    ['a claim carried as text', 'text'],
  ])('as %s, is the same Cedar value', (_, encoding) => {
    let carried = 0;
    fc.assert(
      fc.property(anyValue, fc.option(fc.constantFrom(' ', ',')), ([type, value], delimiter) => {
        const options = { encoding, ...(delimiter !== null ? { delimiter } : {}) };
        const spelled = claimSpelling(value, type, options);
        if (!spelled.ok) return;
        carried += 1;
        expect(canonical(encodedClaimToCedar(spelled.value, type, encoding, options.delimiter))).toBe(canonical(value));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    // Refusing everything would pass vacuously.
    expect(carried).toBeGreaterThan(1000);
  });

  it('as header text, is the same Cedar value', () => {
    let carried = 0;
    fc.assert(
      fc.property(anyValue, ([type, value]) => {
        const spelled = textSpelling(value, type);
        if (!spelled.ok) return;
        carried += 1;
        expect(canonical(textToCedar(spelled.value, type))).toBe(canonical(value));
      }),
      { seed: SEED, numRuns: 2000 },
    );
    expect(carried).toBeGreaterThan(1000);
  });
});
