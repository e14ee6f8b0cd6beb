// Renders the policy coverage for people (an aligned table) and for machines (JSON).
import { plural, type CoverageReport, type GateResult, type PolicyCoverage } from './coverage.js';
import { UNREACHABLE_KINDS } from './runtime-parity/unreachable.js';

export function coverageText(report: CoverageReport, gate: GateResult): string {
  const byMode = Object.entries(report.casesByMode)
    .map(([mode, count]) => `${mode} ${count}`)
    .join(', ');
  const waivedIds = new Set(gate.waived.map((waiver) => waiver.id));
  const rows = report.policies.map((policy) => [
    policy.id + (policy.kind === 'template' ? ' (template)' : ''),
    String(policy.determiningCases),
    ...counts(policy),
    policy.modes.join(', ') || '-',
    policy.determiningCases >= gate.minimumDeterminingCases ? 'ok' : waivedIds.has(policy.id) ? 'waived' : 'BELOW MINIMUM',
  ]);
  const lines = [
    `Policy coverage: ${plural(report.cases, 'case')} in ${plural(report.suites, 'suite')} (${byMode})` +
      `${report.failedCases > 0 ? `, ${report.failedCases} FAILED` : ''}`,
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
    `Coverage gate (each policy determining at least ${plural(gate.minimumDeterminingCases, 'case')}): ${gate.pass ? 'passed' : 'FAILED'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function coverageJson(report: CoverageReport, gate: GateResult): string {
  return `${JSON.stringify({ ...report, gate }, null, 2)}\n`;
}

function counts(policy: PolicyCoverage): string[] {
  return [String(policy.allowCases), String(policy.denyCases), String(policy.overriddenCases)];
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

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join('; ');
}
