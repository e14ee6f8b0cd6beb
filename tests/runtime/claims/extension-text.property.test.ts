// The hand-written extension-text checks accept exactly what Cedar (cedar-wasm's checkParseContext) accepts.
import { checkParseContext } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTENSION_FUNCTION, extensionValue } from '../../../runtime/claims/extension-text.js';
import { ValueTypeError } from '../../../runtime/claims/value-type-error.js';
import type { ExtensionType } from '../../../runtime/config.js';

const SEED = 20261206;
const RUNS = 3000;

function cedarAccepts(name: ExtensionType, text: string): boolean {
  return checkParseContext({ context: { value: { __extn: { fn: EXTENSION_FUNCTION[name], arg: text } } } }).type === 'success';
}

function weAccept(name: ExtensionType, text: string): boolean {
  try {
    extensionValue(name, text);
    return true;
  } catch (error) {
    if (error instanceof ValueTypeError) return false;
    throw error;
  }
}

/** Text built from the pieces Cedar's grammar is made of, so that near misses are common. */
const pieces = (alphabet: readonly string[], maxLength: number) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((parts) => parts.join(''));

const DIGITS = [
  '0',
  '1',
  '2',
  '5',
  '9',
  '00',
  '12',
  '59',
  '60',
  '99',
  '255',
  '256',
  '922337203685477',
  '9223372036854775807',
  '9223372036854775808',
];
const GENERATORS: Readonly<Record<ExtensionType, fc.Arbitrary<string>>> = {
  decimal: pieces([...DIGITS, '.', '-', '+', 'e', ' ', '5807', '5808', '0000', '12345'], 5),
  ipaddr: pieces(
    [
      '1',
      '10',
      '127',
      '255',
      '256',
      '010',
      '0',
      '.',
      ':',
      '::',
      'ff',
      'FFFF',
      'abcd',
      '12345',
      '/',
      '8',
      '24',
      '32',
      '33',
      '64',
      '128',
      '129',
      '01',
      '%',
      'g',
    ],
    12,
  ),
  datetime: pieces(
    [
      '2024',
      '0000',
      '9999',
      '-',
      '01',
      '02',
      '12',
      '13',
      '28',
      '29',
      '30',
      '31',
      '00',
      'T',
      ':',
      '23',
      '24',
      '59',
      '60',
      '.',
      '123',
      '1',
      'Z',
      '+',
      '0100',
      '2359',
      '2360',
      '2400',
      '1900',
      '2000',
    ],
    14,
  ),
  duration: pieces([...DIGITS, '-', 'd', 'h', 'm', 's', 'ms', '106751991167', '106751991168', '2562047788015215', '+'], 6),
};

/** Well-formed values, so acceptance is exercised as much as refusal. */
const VALID: Readonly<Record<ExtensionType, fc.Arbitrary<string>>> = {
  decimal: fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 922337203685477n }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 4 }))
    .map(([negative, whole, fraction, digits]) => `${negative ? '-' : ''}${whole}.${String(fraction).padStart(4, '0').slice(0, digits)}`),
  ipaddr: fc.oneof(
    fc.tuple(fc.ipV4(), fc.option(fc.integer({ min: 0, max: 40 }))).map(([ip, prefix]) => (prefix === null ? ip : `${ip}/${prefix}`)),
    fc.tuple(fc.ipV6(), fc.option(fc.integer({ min: 0, max: 140 }))).map(([ip, prefix]) => (prefix === null ? ip : `${ip}/${prefix}`)),
  ),
  datetime: fc
    .tuple(
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: -1500, max: 1500 }),
    )
    .map(([date, shape, offset]) => {
      const iso = date.toISOString();
      const sign = offset < 0 ? '-' : '+';
      const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}${String(Math.abs(offset) % 60).padStart(2, '0')}`;
      return [iso.slice(0, 10), iso, `${iso.slice(0, 19)}Z`, `${iso.slice(0, 23)}${sign}${hhmm}`][shape] ?? iso;
    }),
  duration: fc
    .tuple(fc.boolean(), fc.array(fc.option(fc.bigInt({ min: 0n, max: 200_000_000_000n })), { minLength: 5, maxLength: 5 }))
    .map(([negative, amounts]) => {
      const units = ['d', 'h', 'm', 's', 'ms'];
      const body = amounts.map((amount, index) => (amount === null ? '' : `${amount}${units[index]}`)).join('');
      return `${negative ? '-' : ''}${body === '' ? '0ms' : body}`;
    }),
};

describe.each(Object.keys(GENERATORS) as ExtensionType[])('%s text', (name) => {
  it('is accepted exactly when Cedar accepts it (grammar pieces, near misses included)', () => {
    fc.assert(
      fc.property(fc.oneof(GENERATORS[name], VALID[name]), (text) => {
        expect({ text, accepted: weAccept(name, text) }).toEqual({ text, accepted: cedarAccepts(name, text) });
      }),
      { seed: SEED, numRuns: RUNS, verbose: true },
    );
  });
});
