// A short unified line diff of two statements, for a plan's reader: the longest common subsequence of lines, hunks
// with a little context, cut off past a line budget. Statements are a few dozen lines, so the quadratic table is cheap.

export type DiffLine = { readonly kind: 'same' | 'removed' | 'added'; readonly text: string };

/** Every line of `before` and `after`, marked same, removed or added, in order (removals before additions). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = common[i] ?? [];
      row[j] = a[i] === b[j] ? (common[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(common[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const lineA = a[i];
    const lineB = b[j];
    if (lineA !== undefined && lineA === lineB) {
      lines.push({ kind: 'same', text: lineA });
      i++;
      j++;
    } else if (lineA !== undefined && (lineB === undefined || (common[i + 1]?.[j] ?? 0) >= (common[i]?.[j + 1] ?? 0))) {
      lines.push({ kind: 'removed', text: lineA });
      i++;
    } else if (lineB !== undefined) {
      lines.push({ kind: 'added', text: lineB });
      j++;
    }
  }
  return lines;
}

export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change. @default 2 */
  readonly context?: number;
  /** Lines shown at most, hunk headers included; the rest is counted in a last line. @default 40 */
  readonly maxLines?: number;
}

/** `@@ -3,4 +3,5 @@` hunks of ` `, `-` and `+` lines; empty when the texts have the same lines. */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string[] {
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 40;
  const lines = lineDiff(before, after);
  const changed = lines.flatMap((line, index) => (line.kind === 'same' ? [] : [index]));
  if (changed.length === 0) return [];
  // Hunks: ranges of line indexes around changes, merged when their context touches.
  const hunks: { start: number; end: number }[] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(lines.length, index + context + 1);
    const last = hunks.at(-1);
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else hunks.push({ start, end });
  }
  const out: string[] = [];
  for (const { start, end } of hunks) {
    const before = lines.slice(0, start);
    const inHunk = lines.slice(start, end);
    const oldStart = before.filter((line) => line.kind !== 'added').length + 1;
    const newStart = before.filter((line) => line.kind !== 'removed').length + 1;
    const oldCount = inHunk.filter((line) => line.kind !== 'added').length;
    const newCount = inHunk.filter((line) => line.kind !== 'removed').length;
    // As diff -u does, an empty side names the line before it (`-0,0` for a file that was empty).
    out.push(`@@ -${oldCount === 0 ? oldStart - 1 : oldStart},${oldCount} +${newCount === 0 ? newStart - 1 : newStart},${newCount} @@`);
    for (const line of inHunk) out.push(`${line.kind === 'same' ? ' ' : line.kind === 'removed' ? '-' : '+'}${line.text}`);
  }
  if (out.length <= maxLines) return out;
  return [...out.slice(0, maxLines), `… ${out.length - maxLines} more diff lines`];
}

function splitLines(text: string): string[] {
  const trimmed = text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  return trimmed === '' ? [] : trimmed.split('\n');
}
