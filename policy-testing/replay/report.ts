// Renders a replay as the decision diff renders its report (policy-testing/diff-report.ts): markdown for a pull
// request, JSON for machines.
import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ReplayReport } from './replay.js';
import type { NamedCount, Verdict } from './tally.js';

export function replayMarkdown(report: ReplayReport): string {
  const { totals } = report;
  const against =
    report.against.kind === 'base' ? `\`${report.against.revision.ref}\` (${report.against.revision.commit})` : 'the recorded decisions';
  const lines = [
    `## Decision replay: ${against} → working tree`,
    '',
    `**${replaySummary(report)}** over ${count(totals.replayed)} replayed records ` +
      `(${count(totals.records)} records in ${count(totals.lines)} lines of ${report.files} file${report.files === 1 ? '' : 's'}).`,
    '',
    `- Not replayed: ${count(totals.unreplayableCount)} record${totals.unreplayableCount === 1 ? '' : 's'}; ` +
      `bad lines: ${count(totals.badLineCount)}; other log lines skipped: ${count(totals.skippedLines)}.`,
    `- Decided ${count(report.evaluations)} times by cedar-wasm, ${count(report.cacheHits)} records answered from the cache of ` +
      `distinct requests, in ${(report.elapsedMs / 1000).toFixed(1)} s (loading the policies included).`,
  ];
  if (totals.determiningChanged > 0) {
    lines.push(`- ${count(totals.determiningChanged)} records kept their decision with other determining policies.`);
  }
  if (totals.byAction.length > 0) {
    lines.push('', '### By action', '', '| Mode | Action | Replayed | allow → deny | deny → allow |', '|---|---|---|---|---|');
    for (const a of totals.byAction)
      lines.push(`| ${cells([a.mode, a.action, count(a.replayed), count(a.allowToDeny), count(a.denyToAllow)])} |`);
  }
  if (totals.byPolicy.length > 0) {
    lines.push(
      '',
      '### By determining policy',
      '',
      '| Policy | Determined before | Determined after | Flipped from it | Flipped to it |',
      '|---|---|---|---|---|',
    );
    for (const p of totals.byPolicy) {
      lines.push(`| ${cells([p.policy, count(p.before), count(p.after), count(p.flippedFrom), count(p.flippedTo)])} |`);
    }
  }
  if (totals.flipped.length > 0) {
    lines.push(
      '',
      '### Flipped requests',
      '',
      '| Mode | Action | Principal | Resource | Context | Before → After | Determining policies (before → after) | Records | First seen |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const f of totals.flipped) {
      lines.push(
        `| ${cells([
          f.mode,
          f.action,
          f.principal,
          f.resource,
          formatContext(f.context),
          `${f.before.decision} → **${f.after.decision}**`,
          `${policies(f.before)} → ${policies(f.after)}`,
          count(f.records),
          f.firstSeen,
        ])} |`,
      );
    }
    if (totals.flippedNotListed > 0) lines.push('', `${count(totals.flippedNotListed)} more flipped records are counted but not listed.`);
  }
  appendReasons(lines, 'Records not replayed', totals.unreplayable);
  appendReasons(lines, 'Bad lines', totals.badLines);
  return `${lines.join('\n')}\n`;
}

export function replayJson(report: ReplayReport): string {
  return `${JSON.stringify({ summary: replaySummary(report), ...report }, null, 2)}\n`;
}

/** `3 decisions flipped: 1 allow→deny, 2 deny→allow`. */
export function replaySummary({ totals }: ReplayReport): string {
  const flipped = totals.allowToDeny + totals.denyToAllow;
  const directions = `${count(totals.allowToDeny)} allow→deny, ${count(totals.denyToAllow)} deny→allow`;
  return `${count(flipped)} decision${flipped === 1 ? '' : 's'} flipped: ${directions}`;
}

function appendReasons(lines: string[], title: string, reasons: readonly NamedCount[]): void {
  if (reasons.length === 0) return;
  lines.push('', `### ${title}`, '', '| Reason | Count | Where (first ones) |', '|---|---|---|');
  for (const r of reasons) lines.push(`| ${cells([r.reason, count(r.count), r.examples.join(', ')])} |`);
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function policies(side: Verdict): string {
  const named = side.determining.length === 0 ? '(none)' : side.determining.join(', ');
  return side.errors.length === 0 ? named : `${named} ⚠ ${side.errors.length} error${side.errors.length === 1 ? '' : 's'}`;
}

function formatContext(context: Readonly<Record<string, CedarValueJson>>): string {
  return Object.entries(context)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
}

/** Table cells: a `|` or a line break would end the cell early. */
function cells(values: readonly string[]): string {
  return values.map((value) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')).join(' | ');
}
