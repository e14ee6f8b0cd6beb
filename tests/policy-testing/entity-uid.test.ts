import { describe, expect, it } from 'vitest';
import { formatEntityUid, parseEntityUid } from '../../policy-testing/entity-uid.js';

describe('entity uids in Cedar syntax', () => {
  it('parses a namespaced uid', () => {
    expect(parseEntityUid('Payments::Account::"acct-1"')).toEqual({ type: 'Payments::Account', id: 'acct-1' });
  });

  it('keeps an id written in Cedar syntax as data, escapes included', () => {
    expect(parseEntityUid('Payments::Role::"Payments::Role::\\"admin\\""')).toEqual({
      type: 'Payments::Role',
      id: 'Payments::Role::"admin"',
    });
  });

  it('reads \\u{...} escapes', () => {
    expect(parseEntityUid('Payments::Role::"adm\\u{69}n"')).toEqual({ type: 'Payments::Role', id: 'admin' });
  });

  it('treats a bare id, or a malformed escape, as no uid', () => {
    expect([parseEntityUid('alice'), parseEntityUid('Payments::Role::"a\\q"'), parseEntityUid('Payments::Role::admin')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('writes what it reads', () => {
    const uid = { type: 'Payments::Role', id: 'admin" || true || "\n' };
    expect(parseEntityUid(formatEntityUid(uid))).toEqual(uid);
  });
});
