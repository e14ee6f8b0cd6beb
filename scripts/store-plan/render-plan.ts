// A plan as people and programs read it: text for a terminal, markdown for a GitHub job summary, JSON for tools.
// One report covers one store (a single-tenant mode, one tenant) or many (every tenant), each in its own section.
import type { DeployedKind } from '../../common/deploy-identity.js';
import { unifiedDiff } from './line-diff.js';
import { addCounts, countPlan, hasChanges, NO_COUNTS, summaryLine, type PlanCounts } from './plan-summary.js';
import type { FixedPart, ItemStep, StorePlan } from './plan-types.js';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export type SectionOutcome =
  | { readonly kind: 'planned'; readonly plan: StorePlan }
  /** The store could not be read: the section says why, the others still print. */
  | { readonly kind: 'failed'; readonly policyStoreId: string | undefined; readonly reason: string }
  /** Nothing to plan, and rightly so (a local-engine mode deploys no store): the reason is the whole section. */
  | { readonly kind: 'no-store'; readonly reason: string };

export interface PlanSection {
  /** What the store is to the reader: `mode customer` or `tenant acme`. */
  readonly name: string;
  readonly outcome: SectionOutcome;
}

export interface PlanReport {
  readonly mode: string;
  readonly sections: readonly PlanSection[];
}

export function renderPlan(report: PlanReport, format: PlanFormat): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return `${JSON.stringify(planJson(report), null, 2)}\n`;
  }
}

/** The counts over every planned section. */
export function totalCounts(report: PlanReport): PlanCounts {
  return report.sections.reduce(
    (total, section) => (section.outcome.kind === 'planned' ? addCounts(total, countPlan(section.outcome.plan)) : total),
    NO_COUNTS,
  );
}

export function failedSections(report: PlanReport): PlanSection[] {
  return report.sections.filter((section) => section.outcome.kind === 'failed');
}

const SYMBOL: Readonly<Record<ItemStep['action'], string>> = { create: '+', update: '~', replace: '±', delete: '-', unchanged: '=' };
const PART_NAMES: Readonly<Record<FixedPart, string>> = { effect: 'effect', principal: 'principal scope', resource: 'resource scope' };

/** `principal scope changed: AVP cannot update it, so a deploy replaces it`. */
export function replaceReason(changed: readonly FixedPart[]): string {
  if (changed.length === 0) return 'the stored statement cannot be compared here, so a deploy replaces it';
  const names = changed.map((part) => PART_NAMES[part]);
  const listed = names.length === 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${listed} changed: AVP cannot update ${names.length === 1 ? 'it' : 'them'}, so a deploy replaces it`;
}

/** The loud line for a template whose removal takes its template-linked policies (tenant data) with it. */
export function linkedWarning(step: ItemStep): string | undefined {
  if ((step.action !== 'replace' && step.action !== 'delete') || step.linkedPolicies === 0) return undefined;
  const n = step.linkedPolicies;
  return (
    `WARNING: AVP deletes this template's ${n} template-linked ${n === 1 ? 'policy' : 'policies'} with it; ` +
    `${step.action === 'replace' ? 'the new template has none' : 'they are not re-created'}`
  );
}

function nameOf(step: ItemStep): string {
  if (step.action === 'delete' && step.policyId === undefined) {
    return `(AVP id ${step.avpId}, not made by a deploy: its description is not an @id)`;
  }
  return step.policyId ?? '';
}

function diffOf(step: ItemStep): string[] {
  switch (step.action) {
    case 'create':
      return unifiedDiff('', step.after);
    case 'update':
    case 'replace':
      return unifiedDiff(step.before, step.after);
    case 'delete':
      return unifiedDiff(step.before, '');
    case 'unchanged':
      return [];
  }
}

function kindLabel(kind: DeployedKind): string {
  return kind === 'policy' ? 'policy  ' : 'template';
}

function renderText(report: PlanReport): string {
  const out: string[] = [];
  for (const section of report.sections) {
    const { outcome } = section;
    if (outcome.kind === 'failed') {
      out.push(`${section.name}: FAILED${outcome.policyStoreId ? ` (policy store ${outcome.policyStoreId})` : ''}: ${outcome.reason}`, '');
      continue;
    }
    if (outcome.kind === 'no-store') {
      out.push(`${section.name}: nothing to plan: ${outcome.reason}`, '');
      continue;
    }
    const { plan } = outcome;
    const counts = countPlan(plan);
    if (!hasChanges(counts)) {
      out.push(`${section.name}, policy store ${plan.policyStoreId}: no changes (${summaryLine(counts)})`, '');
      continue;
    }
    out.push(`${section.name}, policy store ${plan.policyStoreId}`);
    out.push(`  schema: ${schemaWord(plan)}`);
    for (const step of plan.steps) {
      out.push(`  ${SYMBOL[step.action]} ${step.action.padEnd(9)} ${kindLabel(step.kind)} ${nameOf(step)}`);
      if (step.action === 'replace') out.push(`      ${replaceReason(step.changed)}`);
      const warning = linkedWarning(step);
      if (warning !== undefined) out.push(`      !!! ${warning}`);
      for (const line of diffOf(step)) out.push(`      ${line}`);
    }
    out.push(`  ${summaryLine(counts)}`, '');
  }
  if (report.sections.length > 1) out.push(totalLine(report));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function schemaWord(plan: StorePlan): string {
  if (plan.schema.action === 'unchanged') return 'unchanged';
  return plan.schema.before === undefined ? 'put (the store has none)' : 'put (changed)';
}

function totalLine(report: PlanReport): string {
  const failed = failedSections(report).length;
  const planned = report.sections.length - failed;
  const failures = failed > 0 ? `; ${failed} failed` : '';
  return `Total over ${planned} ${planned === 1 ? 'store' : 'stores'}: ${summaryLine(totalCounts(report), planned)}${failures}`;
}

function renderMarkdown(report: PlanReport): string {
  const out: string[] = [`## Policy store plan: mode ${code(report.mode)}`, ''];
  if (report.sections.length > 1) out.push(`**${escapeMarkdown(totalLine(report))}**`, '');
  for (const section of report.sections) {
    const { outcome } = section;
    if (outcome.kind === 'failed') {
      out.push(`### ${escapeMarkdown(section.name)}`, '', `> **Failed:** ${escapeMarkdown(outcome.reason)}`, '');
      continue;
    }
    if (outcome.kind === 'no-store') {
      out.push(`### ${escapeMarkdown(section.name)}`, '', `Nothing to plan: ${escapeMarkdown(outcome.reason)}`, '');
      continue;
    }
    const { plan } = outcome;
    const counts = countPlan(plan);
    out.push(`### ${escapeMarkdown(section.name)}: policy store ${code(plan.policyStoreId)}`, '');
    out.push(`**${hasChanges(counts) ? '' : 'No changes: '}${escapeMarkdown(summaryLine(counts))}**`, '');
    if (!hasChanges(counts)) continue;
    const warnings = plan.steps.flatMap((step) => {
      const warning = linkedWarning(step);
      return warning === undefined ? [] : [`> **${escapeMarkdown(warning.replace(/^WARNING: /, `Warning (${nameOf(step)}): `))}**`, '>'];
    });
    if (warnings.length > 0) out.push(...warnings.slice(0, -1), '');
    // Unchanged items are counted in the summary line; the table lists what a deploy does.
    if (plan.schema.action === 'put')
      out.push(`The schema ${plan.schema.before === undefined ? 'is put (the store has none)' : 'changes'}.`, '');
    out.push('| action | kind | @id | why |', '| --- | --- | --- | --- |');
    for (const step of plan.steps.filter((item) => item.action !== 'unchanged')) {
      const why = step.action === 'replace' ? replaceReason(step.changed) : '';
      out.push(`| ${step.action} | ${step.kind} | ${escapeCell(nameOf(step))} | ${escapeCell(why)} |`);
    }
    out.push('');
    for (const step of plan.steps) {
      const diff = diffOf(step);
      if (diff.length === 0) continue;
      out.push(
        `<details><summary>${step.action} ${step.kind} ${escapeHtml(nameOf(step))}</summary>`,
        '',
        '```diff',
        ...diff,
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function planJson(report: PlanReport) {
  return {
    mode: report.mode,
    total: totalCounts(report),
    failed: failedSections(report).length,
    stores: report.sections.map((section) =>
      section.outcome.kind === 'planned'
        ? { name: section.name, status: 'planned', counts: countPlan(section.outcome.plan), plan: section.outcome.plan }
        : section.outcome.kind === 'no-store'
          ? { name: section.name, status: 'no-store', reason: section.outcome.reason }
          : { name: section.name, status: 'failed', policyStoreId: section.outcome.policyStoreId ?? null, reason: section.outcome.reason },
    ),
  };
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function escapeCell(text: string): string {
  return escapeMarkdown(text).replace(/\n/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
