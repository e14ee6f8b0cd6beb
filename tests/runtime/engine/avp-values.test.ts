import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { fromAvpEntity, fromAvpValue, toAvpEntity, toAvpValue } from '../../../runtime/engine/avp-values.js';

// AttributeValue's members: https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_AttributeValue.html
describe("extension values travel as AVP's typed members", () => {
  const cases = [
    { cedar: { __extn: { fn: 'decimal', arg: '12.5000' } }, avp: { decimal: '12.5000' } },
    { cedar: { __extn: { fn: 'ip', arg: '10.0.0.0/8' } }, avp: { ipaddr: '10.0.0.0/8' } },
    { cedar: { __extn: { fn: 'datetime', arg: '2024-10-15T11:35:00Z' } }, avp: { datetime: '2024-10-15T11:35:00Z' } },
    { cedar: { __extn: { fn: 'duration', arg: '1h30m' } }, avp: { duration: '1h30m' } },
  ] as const;

  it.each(cases)('$cedar.__extn.fn → $avp → the same Cedar value', ({ cedar, avp }) => {
    const sent = toAvpValue(cedar);
    const read = fromAvpValue(sent);

    expect(sent).toEqual(avp);
    expect(read).toEqual(cedar);
  });

  it("sends fn ipaddr, Cedar's type name, as the ipaddr member too, and reads it back as fn ip", () => {
    const sent = toAvpValue({ __extn: { fn: 'ipaddr', arg: '::1' } });

    expect(sent).toEqual({ ipaddr: '::1' });
    expect(fromAvpValue(sent)).toEqual({ __extn: { fn: 'ip', arg: '::1' } });
  });

  it('converts extension values inside sets and records', () => {
    const cedar = {
      trusted: [{ __extn: { fn: 'ip', arg: '10.1.2.3' } }],
      limits: { max: { __extn: { fn: 'decimal', arg: '1.5' } }, note: 'x' },
    };

    const sent = toAvpValue(cedar);

    expect(sent).toEqual({
      record: { trusted: { set: [{ ipaddr: '10.1.2.3' }] }, limits: { record: { max: { decimal: '1.5' }, note: { string: 'x' } } } },
    });
    expect(fromAvpValue(sent)).toEqual(cedar);
  });

  it('refuses an extension function AVP has no member for, with TypeError', () => {
    expect(() => toAvpValue({ __extn: { fn: 'offset', arg: '1h' } })).toThrow(
      new TypeError('AVP has no attribute type for the extension function "offset"'),
    );
  });

  it('refuses an extension value without a string argument, with TypeError', () => {
    expect(() => toAvpValue({ __extn: { fn: 'decimal', arg: 12 } } as never)).toThrow(
      new TypeError('the argument of decimal must be a string, got 12'),
    );
  });
});

describe('entities', () => {
  const entity: EntityJson = {
    uid: { type: 'Lab::Dataset', id: 'd1' },
    attrs: { owner: { __entity: { type: 'Lab::User', id: 'alice' } }, created: { __extn: { fn: 'datetime', arg: '2026-01-01' } } },
    parents: [{ type: 'Lab::Team', id: 'ml' }],
    tags: { project: 'atlas', budget: { __extn: { fn: 'decimal', arg: '3.25' } } },
  };

  it('carries tags as EntityItem.tags (CedarTagValue), and reads them back', () => {
    const item = toAvpEntity(entity);

    expect(item).toEqual({
      identifier: { entityType: 'Lab::Dataset', entityId: 'd1' },
      attributes: { owner: { entityIdentifier: { entityType: 'Lab::User', entityId: 'alice' } }, created: { datetime: '2026-01-01' } },
      parents: [{ entityType: 'Lab::Team', entityId: 'ml' }],
      tags: { project: { string: 'atlas' }, budget: { decimal: '3.25' } },
    });
    expect(fromAvpEntity(item)).toEqual(entity);
  });

  it('sends no tags member for an entity without tags', () => {
    const item = toAvpEntity({ uid: { type: 'Lab::Team', id: 'ml' }, attrs: {}, parents: [] });

    expect(item).toEqual({ identifier: { entityType: 'Lab::Team', entityId: 'ml' }, attributes: {}, parents: [] });
    expect('tags' in fromAvpEntity(item)).toBe(false);
  });
});
