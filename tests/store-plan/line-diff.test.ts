// unifiedDiff: the short statement diff a plan prints.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../scripts/store-plan/line-diff.js';

describe('unifiedDiff', () => {
  it('shows a changed line with two lines of context and unified hunk headers', () => {
    expect(unifiedDiff('a\nb\nc\nd\ne\nf\ng', 'a\nb\nc\nD\ne\nf\ng')).toEqual(['@@ -2,5 +2,5 @@', ' b', ' c', '-d', '+D', ' e', ' f']);
  });

  it('numbers a creation from line 0 of an empty text, as diff -u does', () => {
    expect(unifiedDiff('', 'x\ny\n')).toEqual(['@@ -0,0 +1,2 @@', '+x', '+y']);
  });

  it('is empty for texts with the same lines', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb')).toEqual([]);
  });

  it('cuts off past the line budget and counts what it left out', () => {
    const after = Array.from({ length: 50 }, (_, n) => `line ${n}`).join('\n');

    expect(unifiedDiff('', after, { maxLines: 5 })).toEqual([
      '@@ -0,0 +1,50 @@',
      '+line 0',
      '+line 1',
      '+line 2',
      '+line 3',
      '… 46 more diff lines',
    ]);
  });
});
