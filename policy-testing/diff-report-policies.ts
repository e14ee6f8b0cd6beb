// The "Changed policies" section of the decision diff: one table row per changed policy or template with the requests
// it determines on either side, then each one's text diff folded in a <details> block.
import { type ChangedPolicy, locationOf } from './diff-findings.js';
import { cells } from './markdown-table.js';
import type { DiffLine } from './policy-changes.js';

/** What "determines" and "unexercised" mean, said once under the table. */
export const DETERMINES_NOTE =
  'A policy determines a request when the decision names it: a permit of an allow, a forbid of a deny ' +
  '(a template through any of its links), counted over every request evaluated; a side without the policy counts 0. ' +
  'A changed policy that determines no request on either side is **unexercised**: no request of the space reaches it.';

export function changedPoliciesSection(changes: readonly ChangedPolicy[]): string[] {
  const heading = '### Changed policies';
  if (changes.length === 0) return [heading, '', 'No policy or template changed.'];
  const lines = [
    heading,
    '',
    '| Policy | Change | Location | Modes | Requests determined (before → after) |',
    '|---|---|---|---|---|',
    ...changes.map(
      (change) =>
        `| ${cells([
          `\`${change.id}\``,
          change.kind === 'modified' || change.kind === 'modes-changed' ? change.kind : `${change.kind} ${kindOf(change)}`,
          locationOf(change),
          modes(change),
          `${change.determines.before} → ${change.determines.after}${change.unexercised ? ' ⚠ **unexercised**' : ''}`,
        ])} |`,
    ),
    '',
    DETERMINES_NOTE,
  ];
  const diffs = changes.flatMap((change) => {
    const text = textDiff(change);
    return text.length === 0 ? [] : [{ change, text }];
  });
  if (diffs.length === 0) return lines;
  lines.push('', `<details><summary>Text diffs (${diffs.length})</summary>`);
  for (const { change, text } of diffs) {
    const fence = fenceFor(text);
    lines.push('', `\`${change.id}\` · ${change.kind} · ${locationOf(change)}`, '', `${fence}diff`, ...text, fence);
  }
  lines.push('', '</details>');
  return lines;
}

function kindOf(change: ChangedPolicy): string {
  return change.kind === 'added' ? change.after.kind : change.kind === 'removed' ? change.before.kind : change.after.kind;
}

function modes(change: ChangedPolicy): string {
  const list = (names: readonly string[]): string => (names.length === 0 ? '(none)' : names.join(', '));
  switch (change.kind) {
    case 'added':
      return list(change.after.modes);
    case 'removed':
      return list(change.before.modes);
    case 'modified':
    case 'modes-changed':
      return change.before.modes.join() === change.after.modes.join()
        ? list(change.after.modes)
        : `${list(change.before.modes)} → ${list(change.after.modes)}`;
  }
}

/** The lines of a unified diff body; a policy that only moved between modes has no text change. */
function textDiff(change: ChangedPolicy): string[] {
  const lines: readonly DiffLine[] =
    change.kind === 'modified'
      ? change.textDiff
      : change.kind === 'added'
        ? textLines(change.after.text, '+')
        : change.kind === 'removed'
          ? textLines(change.before.text, '-')
          : [];
  return lines.map((line) => `${line.op}${line.text}`);
}

function textLines(text: string, op: '+' | '-'): DiffLine[] {
  return text.split('\n').map((line) => ({ op, text: line }));
}

/** A fence longer than any run of backticks in the text, so a Cedar string holding ``` cannot close it. */
function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(2, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(longest + 1);
}
