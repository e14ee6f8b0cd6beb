// Renders the policy coverage for people (an aligned table), for a pull-request comment (markdown) and for machines (JSON).
import type { ChangedCoverage, ChangedPolicyCoverage } from './changed-coverage.js';
import { plural, type CoverageReport, type GateResult, type PolicyCoverage } from './coverage.js';
import { UNREACHABLE_KINDS } from './runtime-parity/unreachable.js';

export const COVERAGE_FORMATS = ['text', 'json', 'markdown'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** What a coverage run shows: the whole report, or (`changed` not null) the policies changed since a revision. */
export interface CoverageView {
  readonly report: CoverageReport;
  readonly gate: GateResult;
  readonly changed: ChangedCoverage | null;
}

export function renderCoverage(view: CoverageView, format: CoverageFormat): string {
  const { report, gate, changed } = view;
  switch (format) {
    case 'json':
      return coverageJson(report, gate, changed);
    case 'markdown':
      return changed ? changedCoverageMarkdown(report, changed) : coverageMarkdown(report, gate);
    case 'text':
      return changed ? changedCoverageText(report, gate, changed) : coverageText(report, gate);
  }
}

export function coverageText(report: CoverageReport, gate: GateResult): string {
  const waivedIds = new Set(gate.waived.map((waiver) => waiver.id));
  const rows = report.policies.map((policy) => [
    policy.id + (policy.kind === 'template' ? ' (template)' : ''),
    String(policy.determiningCases),
    ...counts(policy),
    policy.modes.join(', ') || '-',
    policy.determiningCases >= gate.minimumDeterminingCases ? 'ok' : waivedIds.has(policy.id) ? 'waived' : 'BELOW MINIMUM',
  ]);
  const lines = [
    casesLine(report),
    '',
    ...table(['Policy @id', 'Determining cases', 'Allow', 'Deny', 'Overridden', 'Modes', 'Status'], rows),
    '',
    `Actions never exercised: ${listOrNone(report.actionsNeverExercised)}`,
    `Entity types never exercised: ${listOrNone(report.entityTypesNeverExercised)}`,
    `Routes without both an allow and a deny case: ` +
      `${listOrNone(report.routeGaps.map((gap) => `${gap.mode} ${gap.action} (no ${gap.missing.join(', no ')})`))}`,
    reachabilityLine(report),
    ...gate.waived.map((waiver) => `Waived: ${waiver.id} (${plural(waiver.determiningCases, 'case')}): ${waiver.reason}`),
    ...gate.warnings.map((warning) => `warning: ${warning}`),
    ...gate.failures.map((failure) => `error: ${failure}`),
    gateLine(gate),
  ];
  return `${lines.join('\n')}\n`;
}

/** The changed policies only; the gate line still judges every policy, as the exit code does. */
export function changedCoverageText(report: CoverageReport, gate: GateResult, changed: ChangedCoverage): string {
  const rows = changed.policies.map((policy) => [
    policy.id + (policy.kind === 'template' ? ' (template)' : ''),
    policy.change,
    ...changedCounts(policy, '-'),
    policy.change === 'removed' ? 'removed' : policy.exercised ? 'ok' : 'NOT EXERCISED',
  ]);
  const lines = [
    casesLine(report),
    '',
    `${changedSummary(changed)}${changed.policies.length > 0 ? ':' : '.'}`,
    ...(rows.length > 0 ? ['', ...table(['Policy @id', 'Change', 'Allow', 'Deny', 'Overridden', 'Status'], rows)] : []),
    '',
    ...changed.unexercised.map((id) => `warning: ${id} changed, and no case exercises it: add a case where its conditions hold`),
    ...changed.notes.map((note) => `note: ${note}`),
    gateLine(gate),
  ];
  return `${lines.join('\n')}\n`;
}

/** A compact section for a pull-request comment: the changed policies, with a warning sign on each no case exercises. */
export function changedCoverageMarkdown(report: CoverageReport, changed: ChangedCoverage): string {
  const rows = changed.policies.map((policy) => [
    markdownId(policy),
    policy.change,
    ...changedCounts(policy, '–'),
    policy.change !== 'removed' && !policy.exercised ? '⚠ no case exercises it' : '',
  ]);
  return markdownSection('Policy coverage of the changed policies', [
    `${changedSummary(changed)}, over ${casesSentence(report)}.${failedSentence(report)}`,
    ...(changed.unexercised.length > 0 ? ['', `⚠ ${plural(changed.unexercised.length, 'changed policy')} no case exercises.`] : []),
    ...(rows.length > 0 ? ['', ...markdownTable(['Policy', 'Change', 'Allow', 'Deny', 'Overridden', ''], rows)] : []),
    ...changed.notes.map((note) => `\n> ${markdownCell(note)}`),
  ]);
}

/** Every policy, for a comment when no base revision is given. */
export function coverageMarkdown(report: CoverageReport, gate: GateResult): string {
  const rows = report.policies.map((policy) => [
    markdownId(policy),
    ...counts(policy),
    policy.allowCases + policy.denyCases + policy.overriddenCases === 0 ? '⚠ no case exercises it' : '',
  ]);
  return markdownSection('Policy coverage', [
    `${casesSentence(report)}; ${gateLine(gate).replace(/^Coverage gate/, 'coverage gate')}.${failedSentence(report)}`,
    '',
    ...markdownTable(['Policy', 'Allow', 'Deny', 'Overridden', ''], rows),
  ]);
}

export function coverageJson(report: CoverageReport, gate: GateResult, changed: ChangedCoverage | null = null): string {
  return `${JSON.stringify({ ...report, gate, ...(changed ? { changed } : {}) }, null, 2)}\n`;
}

function counts(policy: PolicyCoverage): string[] {
  return [String(policy.allowCases), String(policy.denyCases), String(policy.overriddenCases)];
}

function changedCounts(policy: ChangedPolicyCoverage, none: string): string[] {
  return policy.change === 'removed' ? [none, none, none] : counts({ ...policy, determiningCases: 0, modes: [] });
}

function changedSummary(changed: ChangedCoverage): string {
  const since = `since ${changed.base.ref} (${changed.base.commit})`;
  if (changed.policies.length === 0) return `No policy or template changed ${since}`;
  return `${plural(changed.policies.length, 'policy or template', 'policies or templates')} changed ${since}`;
}

function casesLine(report: CoverageReport): string {
  return `Policy coverage: ${casesSentence(report)}${report.failedCases > 0 ? `, ${report.failedCases} FAILED` : ''}`;
}

function casesSentence(report: CoverageReport): string {
  const byMode = Object.entries(report.casesByMode)
    .map(([mode, count]) => `${mode} ${count}`)
    .join(', ');
  return `${plural(report.cases, 'case')} in ${plural(report.suites, 'suite')} (${byMode || 'no mode'})`;
}

/** Failed cases are said in the comment too: counts over failing cases describe policies that do not behave as meant. */
function failedSentence(report: CoverageReport): string {
  return report.failedCases > 0 ? ` **${plural(report.failedCases, 'case')} FAILED.**` : '';
}

function gateLine(gate: GateResult): string {
  const minimum = plural(gate.minimumDeterminingCases, 'case');
  return `Coverage gate (each policy determining at least ${minimum}): ${gate.pass ? 'passed' : 'FAILED'}`;
}

function reachabilityLine({ runtimeReachability: reach }: CoverageReport): string {
  if (!reach) return 'Cases unreachable through the runtime: unknown (the project does not generate)';
  const reasons = UNREACHABLE_KINDS.filter((kind) => reach.unreachableByReason[kind] > 0).map(
    (kind) => `${kind} ${reach.unreachableByReason[kind]}`,
  );
  return `Cases unreachable through the runtime: ${reach.unreachable}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

function markdownSection(heading: string, body: readonly string[]): string {
  return `### ${heading}\n\n${body.join('\n')}\n`;
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const numeric = (title: string): boolean => ['Allow', 'Deny', 'Overridden'].includes(title);
  return [line(header), `|${header.map((title) => (numeric(title) ? '--:' : '---')).join('|')}|`, ...rows.map(line)];
}

function markdownId(policy: { readonly id: string; readonly kind: 'policy' | 'template' }): string {
  return `\`${markdownCell(policy.id)}\`${policy.kind === 'template' ? ' (template)' : ''}`;
}

/** A table cell cannot hold a pipe or a line break. */
function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join('; ');
}
