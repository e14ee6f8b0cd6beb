// Renders a decision diff as a markdown report for pull requests, or as JSON for machines.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { DecisionDiff, SideDecision } from './diff.js';

export function diffMarkdown(diff: DecisionDiff): string {
  const { base, changes } = diff;
  const lines = [
    `## Policy decision diff: \`${base.ref}\` (${base.commit}) → working tree`,
    '',
    `**${summary(diff)}** over ${diff.requests.toLocaleString('en-US')} requests in ${diff.modes.length} ` +
      `mode${diff.modes.length === 1 ? '' : 's'} (${diff.modes.join(', ')}).`,
  ];
  if (diff.determiningChanged > 0) {
    lines.push(
      `${diff.determiningChanged} request${diff.determiningChanged === 1 ? '' : 's'} ` +
        `kept the same decision with other determining policies.`,
    );
  }
  const actions = [...new Set(changes.map((change) => change.action))];
  for (const action of actions) {
    lines.push(
      '',
      `### ${action}`,
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
  if (diff.notes.length > 0) lines.push('', '### Notes', '', ...diff.notes.map((note) => `- ${note}`));
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

function policies(side: SideDecision): string {
  const named = side.determining.length === 0 ? '(none)' : side.determining.join(', ');
  return side.errors.length === 0 ? named : `${named} ⚠ ${side.errors.length} error${side.errors.length === 1 ? '' : 's'}`;
}

function formatContext(context: Readonly<Record<string, CedarValueJson>>): string {
  const entries = Object.entries(context);
  return entries.length === 0 ? '' : entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ');
}

/** Table cells: a `|` or a line break would end the cell early. */
function cells(values: readonly string[]): string {
  return values.map((value) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')).join(' | ');
}
