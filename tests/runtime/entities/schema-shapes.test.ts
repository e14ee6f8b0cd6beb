// SchemaShapes: enum entity types, and stored values brought to Cedar's explicit form by their declared types.
import { schemaToJson, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { SchemaShapes } from '../../../runtime/entities/schema-shapes.js';
import { EntityStoreError } from '../../../runtime/errors.js';

const SCHEMA = `
type Limits = { daily: decimal, window?: duration };
namespace Net {
  type Place = { at: ipaddr, since: datetime };
  entity Site { place: Place, limits: Limits, hosts: Set<ipaddr>, owner?: Admin, name: String } tags decimal;
  entity Admin;
  entity Level enum ["low", "high"];
}`;

function shapes(): SchemaShapes {
  const schema = schemaToJson(SCHEMA);
  if (schema.type !== 'success') throw new Error(schema.errors.map((e) => e.message).join('; '));
  return new SchemaShapes(schema.json as Record<string, unknown>);
}

const extn = (fn: string, arg: string) => ({ __extn: { fn, arg } });
const site = (attrs: EntityJson['attrs'], tags?: EntityJson['tags']): EntityJson => ({
  uid: { type: 'Net::Site', id: 's1' },
  attrs,
  parents: [],
  ...(tags ? { tags } : {}),
});

describe('SchemaShapes.normalize', () => {
  it('turns strings at extension-typed attributes into __extn, through common types, records and sets', () => {
    const stored = site({
      place: { at: '10.0.0.0/8', since: '2024-01-01' },
      limits: { daily: '100.50', window: '1d' },
      hosts: ['10.0.0.1', '10.0.0.2'],
      name: '10.0.0.1',
    });

    expect(shapes().normalize(stored, 'Net::Site::"s1"').attrs).toEqual({
      place: { at: extn('ip', '10.0.0.0/8'), since: extn('datetime', '2024-01-01') },
      limits: { daily: extn('decimal', '100.50'), window: extn('duration', '1d') },
      hosts: [extn('ip', '10.0.0.1'), extn('ip', '10.0.0.2')],
      name: '10.0.0.1',
    });
  });

  it('leaves values already in the explicit form as they are', () => {
    const stored = site({ limits: { daily: extn('decimal', '1.0') }, owner: { __entity: { type: 'Net::Admin', id: 'a' } } });

    expect(shapes().normalize(stored, 'k').attrs).toEqual(stored.attrs);
  });

  it('turns a bare { type, id } at an entity-typed attribute into __entity', () => {
    expect(shapes().normalize(site({ owner: { type: 'Net::Admin', id: 'a' } }), 'k').attrs).toEqual({
      owner: { __entity: { type: 'Net::Admin', id: 'a' } },
    });
  });

  it('refuses a stored tag Cedar would refuse, naming the tag', () => {
    expect(() => shapes().normalize(site({}, { budget: '1,5' }), 'Net::Site::"s1"')).toThrow(
      new EntityStoreError(
        'entity Net::Site::"s1" tag "budget": expected a decimal such as "12.50", ' +
          'got "1,5": digits, a point and 1 to 4 digits, with an optional leading "-"',
      ),
    );
  });

  it('normalizes tags by the declared tag type', () => {
    expect(shapes().normalize(site({}, { budget: '12.5' }), 'k').tags).toEqual({ budget: extn('decimal', '12.5') });
  });

  it('refuses a stored value Cedar would refuse, naming the entity and what is wrong', () => {
    expect(() => shapes().normalize(site({ limits: { daily: 'cheap' } }), 'Net::Site::"s1"')).toThrow(
      new EntityStoreError(
        'entity Net::Site::"s1": attribute "limits": attribute "daily": expected a decimal such as "12.50", got "cheap": digits, a point ' +
          'and 1 to 4 digits, with an optional leading "-"',
      ),
    );
  });

  it('leaves entities of types the schema does not declare as they are', () => {
    const other: EntityJson = { uid: { type: 'Other::Thing', id: 'x' }, attrs: { at: '10.0.0.1' }, parents: [] };

    expect(shapes().normalize(other, 'k')).toEqual(other);
  });
});

describe('SchemaShapes enums', () => {
  it('knows enum entity types and their values', () => {
    const schema = shapes();

    expect([
      schema.isEnum('Net::Level'),
      schema.isEnumValue('Net::Level', 'high'),
      schema.isEnumValue('Net::Level', 'mid'),
      schema.isEnum('Net::Site'),
    ]).toEqual([true, true, false, false]);
  });
});
