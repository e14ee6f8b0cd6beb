// claimToCedar (JSON claims, strict), textToCedar (headers, query, text claims) and encodedClaimToCedar on every type.
import { describe, expect, it } from 'vitest';
import { claimToCedar, encodedClaimToCedar, textToCedar, ValueTypeError } from '../../../runtime/claims/typed-value.js';
import { parseValueType } from '../../../runtime/claims/value-type.js';

const type = parseValueType;
const extn = (fn: string, arg: string) => ({ __extn: { fn, arg } });

function refusal(convert: () => unknown): ValueTypeError {
  try {
    convert();
  } catch (error) {
    if (error instanceof ValueTypeError) return error;
    throw error;
  }
  throw new Error('the value was accepted');
}

describe('extension values become the explicit __extn form', () => {
  it.each([
    ['decimal', '12.50', extn('decimal', '12.50')],
    ['ipaddr', '10.0.0.0/8', extn('ip', '10.0.0.0/8')],
    ['ipaddr', '2001:db8::1', extn('ip', '2001:db8::1')],
    ['datetime', '2024-10-15', extn('datetime', '2024-10-15')],
    ['datetime', '2024-10-15T11:35:00.123+0200', extn('datetime', '2024-10-15T11:35:00.123+0200')],
    ['duration', '-1d2h3m4s5ms', extn('duration', '-1d2h3m4s5ms')],
  ])('%s from text %s', (spelling, text, expected) => {
    expect(textToCedar(text, type(spelling))).toEqual(expected);
    expect(claimToCedar(text, type(spelling))).toEqual(expected);
  });

  it.each([
    ['decimal', '1.23456', 'expected a decimal such as "12.50", got "1.23456": more than 4 digits after the point'],
    [
      'decimal',
      '922337203685477.5808',
      'expected a decimal such as "12.50", got "922337203685477.5808": out of range (-922337203685477.5808 to 922337203685477.5807)',
    ],
    ['decimal', '12', 'expected a decimal such as "12.50", got "12": digits, a point and 1 to 4 digits, with an optional leading "-"'],
    [
      'ipaddr',
      '10.0.0.1/33',
      'expected an IP address such as "10.0.0.1", "2001:db8::1" or "10.0.0.0/8", got "10.0.0.1/33": the prefix is larger than 32',
    ],
    [
      'ipaddr',
      '::ffff:10.0.0.1',
      'expected an IP address such as "10.0.0.1", "2001:db8::1" or "10.0.0.0/8", got "::ffff:10.0.0.1": not an IPv4 or IPv6 address ' +
        '(IPv4 embedded in IPv6 and zone ids are refused)',
    ],
    [
      'datetime',
      '2023-02-29',
      'expected a datetime such as "2024-10-15" or "2024-10-15T11:35:00.000Z", got "2023-02-29": 2023-02-29 is not a calendar date',
    ],
    [
      'datetime',
      '2024-10-15T11:35:00',
      'expected a datetime such as "2024-10-15" or "2024-10-15T11:35:00.000Z", got "2024-10-15T11:35:00": YYYY-MM-DD, optionally ' +
        'followed by Thh:mm:ss, optional .SSS, and Z or an offset ±hhmm',
    ],
    [
      'duration',
      '1h1d',
      'expected a duration such as "1h30m" or "-2d", got "1h1d": quantities ' +
        'with units in the order d, h, m, s, ms, with an optional leading "-"',
    ],
    [
      'duration',
      '106751991168d',
      'expected a duration such as "1h30m" or "-2d", got "106751991168d": out of range (more than 2^63 - 1 milliseconds)',
    ],
  ])('refuses %s text %s, saying what is wrong', (spelling, text, message) => {
    const error = refusal(() => textToCedar(text, type(spelling)));

    expect(error).toBeInstanceOf(ValueTypeError);
    expect(error.message).toBe(message);
  });

  it('refuses a JSON number where a decimal claim must be a string', () => {
    expect(refusal(() => claimToCedar(12.5, type('decimal'))).message).toBe('expected a string holding a decimal, got number 12.5');
  });
});

describe('sets', () => {
  it('a JSON claim list of extension values', () => {
    expect(claimToCedar(['10.0.0.1', '::1'], type('Set<ipaddr>'))).toEqual([extn('ip', '10.0.0.1'), extn('ip', '::1')]);
  });

  it('nested JSON sets', () => {
    expect(claimToCedar([[1, 2], []], type('Set<Set<Long>>'))).toEqual([[1, 2], []]);
  });

  it('a comma-separated header of entity references, items trimmed and empty items dropped', () => {
    expect(textToCedar('a, b,,', type('Set<Entity<Ns::Team>>'))).toEqual([
      { __entity: { type: 'Ns::Team', id: 'a' } },
      { __entity: { type: 'Ns::Team', id: 'b' } },
    ]);
  });

  it('a header holding a set of records is JSON text', () => {
    expect(textToCedar('[{"zip":"75001"}]', type('Set<{ zip: String }>'))).toEqual([{ zip: '75001' }]);
  });

  it('a text set of Longs refuses a non-integer item', () => {
    expect(refusal(() => textToCedar('1, x', type('Set<Long>'))).message).toBe('expected an integer, got "x"');
  });
});

describe('records', () => {
  const address = type('{ city: String, geo?: { lat: decimal }, zip?: String }');

  it('a JSON object claim with required and optional attributes, nested records converted too', () => {
    expect(claimToCedar({ city: 'Paris', geo: { lat: '48.8566' } }, address)).toEqual({
      city: 'Paris',
      geo: { lat: extn('decimal', '48.8566') },
    });
  });

  it('refuses an unknown key, naming it and the declared ones', () => {
    expect(refusal(() => claimToCedar({ city: 'Paris', country: 'FR' }, address)).message).toBe(
      'unknown attribute "country": the record declares "city", "geo", "zip"',
    );
  });

  it('refuses a missing required key', () => {
    expect(refusal(() => claimToCedar({ zip: '75001' }, address)).message).toBe('required attribute "city" is missing');
  });

  it('names the attribute whose value is wrong, however deep', () => {
    expect(refusal(() => claimToCedar({ city: 'Paris', geo: { lat: 48.8 } }, address)).message).toBe(
      'attribute "geo": attribute "lat": expected a string holding a decimal, got number 48.8',
    );
  });

  it('refuses a list where a record is declared', () => {
    expect(refusal(() => claimToCedar(['Paris'], address)).message).toBe('expected an object, got a list');
  });

  it('from text is JSON text of an object', () => {
    expect(textToCedar('{"city":"Lyon"}', address)).toEqual({ city: 'Lyon' });
    expect(refusal(() => textToCedar('city=Lyon', address)).message).toBe('expected JSON text of an object, got "city=Lyon"');
  });

  it('keeps an attribute named __proto__ as plain data', () => {
    const value = claimToCedar(JSON.parse('{"__proto__":"x"}'), type('{ "__proto__": String }'));

    expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});

describe('claims carried as text (Cognito custom attributes)', () => {
  it('a Long claim "3" carried as text is the number 3', () => {
    expect(encodedClaimToCedar('3', type('Long'), 'text')).toBe(3);
  });

  it('the same claim as JSON is refused: a Long claim must be a JSON integer', () => {
    expect(refusal(() => encodedClaimToCedar('3', type('Long'), 'json')).message).toBe('expected a safe integer, got string "3"');
  });

  it('a text claim must be a string', () => {
    expect(refusal(() => encodedClaimToCedar(3, type('Long'), 'text')).message).toBe(
      'expected a string (the claim is carried as text), got number 3',
    );
  });

  it("a text claim set splits on the mapping's delimiter", () => {
    expect(encodedClaimToCedar('1 2 3', type('Set<Long>'), 'text', ' ')).toEqual([1, 2, 3]);
  });

  it('a Boolean text claim accepts exactly "true" and "false"', () => {
    expect(encodedClaimToCedar('true', type('Boolean'), 'text')).toBe(true);
    expect(refusal(() => encodedClaimToCedar('True', type('Boolean'), 'text')).message).toBe('expected "true" or "false", got "True"');
  });
});
