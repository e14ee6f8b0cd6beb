// parseValueType / formatValueType: Cedar-schema spellings of value types, their canonical form, and refusals.
import { describe, expect, it } from 'vitest';
import { formatValueType, parseValueType, ValueTypeSpellingError } from '../../../runtime/claims/value-type.js';

function spellingError(spelling: string): ValueTypeSpellingError {
  try {
    parseValueType(spelling);
  } catch (error) {
    if (error instanceof ValueTypeSpellingError) return error;
    throw error;
  }
  throw new Error(`${spelling} was accepted`);
}

describe('parseValueType', () => {
  it.each([
    'String',
    'Long',
    'Boolean',
    'decimal',
    'ipaddr',
    'datetime',
    'duration',
    'Set<String>',
    'Set<Set<ipaddr>>',
    'Entity<Ns::User>',
    'Entity<A::B::C>',
    'Set<Entity<Ns::Group>>',
    '{ city: String, zip?: String }',
    '{ home: { city: String }, tags?: Set<Long> }',
    '{}',
  ])('a canonical spelling round-trips unchanged: %s', (spelling) => {
    expect(formatValueType(parseValueType(spelling))).toBe(spelling);
  });

  it('reads Bool as Boolean', () => {
    expect(parseValueType('Bool')).toEqual({ kind: 'Boolean' });
    expect(formatValueType(parseValueType('Set<Bool>'))).toBe('Set<Boolean>');
  });

  it('reads extension types by their schema names', () => {
    expect(parseValueType('ipaddr')).toEqual({ kind: 'Extension', name: 'ipaddr' });
  });

  it('reads nested sets as a tree', () => {
    expect(parseValueType('Set<Set<decimal>>')).toEqual({
      kind: 'Set',
      element: { kind: 'Set', element: { kind: 'Extension', name: 'decimal' } },
    });
  });

  it('reads a record with required and optional attributes', () => {
    expect(parseValueType('{ zip?: String, city: Entity<Geo::City> }')).toEqual({
      kind: 'Record',
      attributes: {
        zip: { type: { kind: 'String' }, required: false },
        city: { type: { kind: 'Entity', name: 'Geo::City' }, required: true },
      },
    });
  });

  it('sorts record attributes, normalizes spacing and drops a trailing comma in the canonical spelling', () => {
    expect(formatValueType(parseValueType('{zip?:String,  city : Bool,}'))).toBe('{ city: Boolean, zip?: String }');
  });

  it('accepts free whitespace around brackets', () => {
    expect(formatValueType(parseValueType(' Set < Entity < Ns::User > > '))).toBe('Set<Entity<Ns::User>>');
  });

  it('quotes record attribute names that are not identifiers, and reads them back', () => {
    const spelling = '{ "first name": String }';
    expect(formatValueType(parseValueType(spelling))).toBe(spelling);
  });
});

describe('parseValueType refuses what is not a Cedar value type', () => {
  it('an unknown type name, listing the types it knows', () => {
    const error = spellingError('Decimal');
    expect(error).toBeInstanceOf(ValueTypeSpellingError);
    expect(error.message).toBe(
      '"Decimal": unknown type "Decimal": expected String, Long, Boolean, decimal, ipaddr, datetime, duration, ' +
        'Set<T>, Entity<Ns::Type> or a record { name: T } (at column 1)',
    );
  });

  it('an unclosed Set', () => {
    expect(spellingError('Set<String').message).toBe('"Set<String": expected ">" to close Set< (at the end)');
  });

  it('an Entity without a type name', () => {
    expect(spellingError('Entity<>').message).toBe('"Entity<>": expected an entity type name such as Ns::User (at column 8)');
  });

  it('a record attribute declared twice', () => {
    expect(spellingError('{ a: String, a: Long }').message).toBe(
      '"{ a: String, a: Long }": attribute "a" is declared twice (at column 14)',
    );
  });

  it('a record attribute with no type', () => {
    expect(spellingError('{ a }').message).toBe('"{ a }": expected ":" after attribute "a" (at column 5)');
  });

  it('text after a complete type', () => {
    expect(spellingError('String String').message).toBe('"String String": unexpected text after the type (at column 8)');
  });

  it('an empty spelling', () => {
    expect(spellingError('').message).toBe('"": expected a type (at the end)');
  });

  it('a dangling namespace separator', () => {
    expect(spellingError('Entity<Ns::>').message).toBe('"Entity<Ns::>": expected a name after "::" (at column 12)');
  });
});
