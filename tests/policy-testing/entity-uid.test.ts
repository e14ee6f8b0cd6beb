import { describe, expect, it } from 'vitest';
import { formatEntityUid, parseEntityUid } from '../../policy-testing/entity-uid.js';

describe('entity uids in Cedar syntax', () => {
  it('parses a namespaced uid', () => {
    expect(parseEntityUid('Billing::Account::"acct-1"')).toEqual({ type: 'Billing::Account', id: 'acct-1' });
  });

  it('keeps an id written in Cedar syntax as data, escapes included', () => {
    expect(parseEntityUid('Billing::Role::"Billing::Role::\\"admin\\""')).toEqual({
      type: 'Billing::Role',
      id: 'Billing::Role::"admin"',
    });
  });

  it('reads \\u{...} escapes', () => {
    expect(parseEntityUid('Billing::Role::"adm\\u{69}n"')).toEqual({ type: 'Billing::Role', id: 'admin' });
  });

  it('treats a bare id, or a malformed escape, as no uid', () => {
    expect([parseEntityUid('alice'), parseEntityUid('Billing::Role::"a\\q"'), parseEntityUid('Billing::Role::admin')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('writes what it reads', () => {
    const uid = { type: 'Billing::Role', id: 'admin" || true || "\n' };
    expect(parseEntityUid(formatEntityUid(uid))).toEqual(uid);
  });
});
