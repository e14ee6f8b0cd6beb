// Renders a decision diff as a markdown report for pull requests, or as JSON for machines. The markdown leads with
// one summary line, so a report cut to fit a comment (scripts/ci/truncate-comment.ts) still says what matters.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { DecisionChange, DecisionDiff, SideDecision } from './diff.js';
import { describeUnexplored } from './diff-findings.js';
import { changedPoliciesSection } from './diff-report-policies.js';
import type { OriginCounts, RequestExample } from './diff-tally.js';
import { cells } from './markdown-table.js';

export function diffMarkdown(diff: DecisionDiff): string {
  const { base } = diff;
  const lines = [
    `## Policy decision diff: \`${base.ref}\` (${base.commit}) → working tree`,
    '',
    `**${summary(diff)}** over ${diff.requests.toLocaleString('en-US')} requests in ${diff.modes.length} ` +
      `mode${diff.modes.length === 1 ? '' : 's'} (${diff.modes.join(', ')}); ${findings(diff)}.`,
    '',
    ...evaluatedTable(diff),
    '',
    ...changedPoliciesSection(diff.policyChanges),
    '',
    ...flippedSection(
      '### Flipped decisions',
      diff.changes.filter((change) => change.listedWith === 'suites'),
    ),
  ];
  if (diff.evaluated.all.derived > 0) {
    lines.push(
      '',
      ...flippedSection(
        '### Flipped decisions on derived requests',
        diff.changes.filter((change) => change.listedWith === 'derived'),
      ),
    );
  }
  lines.push('', ...redeterminedSection(diff));
  const notes = [...diff.unexplored.map((finding) => `⚠ unexplored: ${describeUnexplored(finding)}`), ...diff.notes];
  if (notes.length > 0) lines.push('', '### Notes', '', ...notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

export function diffJson(diff: DecisionDiff): string {
  return `${JSON.stringify({ summary: summary(diff), ...diff }, null, 2)}\n`;
}

/** `3 decisions changed: 1 allow→deny, 2 deny→allow`. */
export function summary(diff: DecisionDiff): string {
  const total = diff.changes.length;
  return `${total} decision${total === 1 ? '' : 's'} changed: ${diff.allowToDeny} allow→deny, ${diff.denyToAllow} deny→allow`;
}

/** `2 policies changed (1 unexercised), 4 requests kept their decision on other policies, 1 part unexplored`. */
function findings(diff: DecisionDiff): string {
  const changed = diff.policyChanges.length;
  const unexercised = diff.policyChanges.filter((change) => change.unexercised).length;
  const parts = [
    `${plural(changed, 'policy', 'policies')} changed${unexercised > 0 ? ` (**${unexercised} unexercised**)` : ''}`,
    `${plural(diff.determiningChanged, 'request')} kept ${diff.determiningChanged === 1 ? 'its' : 'their'} decision on other policies`,
  ];
  if (diff.unexplored.length > 0) parts.push(`**${plural(diff.unexplored.length, 'part')} of the space unexplored** (see Notes)`);
  return parts.join(', ');
}

function evaluatedTable(diff: DecisionDiff): string[] {
  const modes = Object.entries(diff.evaluated.byMode);
  if (modes.length === 0) return ['No request was evaluated.'];
  const row = (name: string, counts: OriginCounts): string =>
    `| ${name} | ${[counts.case, counts.fixtures, counts.derived, counts.total].map(formatCount).join(' | ')} |`;
  return [
    'Requests evaluated:',
    '',
    '| Mode | Test cases | Fixture cross product | Derived from changed policies | Total |',
    '|---|---:|---:|---:|---:|',
    ...modes.map(([mode, counts]) => row(mode, counts)),
    ...(modes.length > 1 ? [row('**all**', diff.evaluated.all)] : []),
  ];
}

function flippedSection(heading: string, changes: readonly DecisionChange[]): string[] {
  if (changes.length === 0) return [heading, '', 'No decision flipped.'];
  const lines = [heading];
  for (const action of [...new Set(changes.map((change) => change.action))]) {
    lines.push(
      '',
      `#### ${action}`,
      '',
      '| Mode | Principal | Resource | Context | Before → After | Determining policies (before → after) | Request from |',
      '|---|---|---|---|---|---|---|',
    );
    for (const change of changes.filter((c) => c.action === action)) {
      lines.push(
        `| ${cells([
          change.mode,
          change.principal,
          change.resource,
          formatContext(change.context),
          `${change.before.decision} → **${change.after.decision}**`,
          `${policies(change.before)} → ${policies(change.after)}`,
          change.origins.join('; '),
        ])} |`,
      );
    }
  }
  return lines;
}

function redeterminedSection(diff: DecisionDiff): string[] {
  const heading = '### Same decision with other policies';
  if (diff.redetermined.length === 0) return [heading, '', 'No request kept its decision on other policies.'];
  return [
    heading,
    '',
    '| Determining policies (before → after) | Decision | Requests | Example request |',
    '|---|---|---:|---|',
    ...diff.redetermined.map(
      (group) =>
        `| ${cells([
          `${names(group.before)} → ${names(group.after)}`,
          group.decision,
          formatCount(group.count),
          formatExample(group.example),
        ])} |`,
    ),
  ];
}

function formatExample(example: RequestExample): string {
  const context = formatContext(example.context);
  return (
    `${example.mode}: ${example.principal} ${example.action} ${example.resource}` +
    `${context === '' ? '' : ` (${context})`} — ${example.origin}`
  );
}

function names(ids: readonly string[]): string {
  return ids.length === 0 ? '(none)' : ids.join(', ');
}

function policies(side: SideDecision): string {
  const named = names(side.determining);
  return side.errors.length === 0 ? named : `${named} ⚠ ${plural(side.errors.length, 'error')}`;
}

function formatContext(context: Readonly<Record<string, CedarValueJson>>): string {
  const entries = Object.entries(context);
  return entries.length === 0 ? '' : entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ');
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
