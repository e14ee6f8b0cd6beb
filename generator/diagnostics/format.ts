// Renders diagnostics for people (text), for GitHub Actions (annotations) and for machines (JSON).
import type { Diagnostic } from './diagnostic.js';

export const OUTPUT_FORMATS = ['text', 'github', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatDiagnostics(diagnostics: readonly Diagnostic<string>[], format: OutputFormat): string {
  switch (format) {
    case 'text':
      return diagnostics.map(formatText).join('');
    case 'github':
      return diagnostics.map(formatGithub).join('');
    case 'json':
      return `${JSON.stringify({ diagnostics }, null, 2)}\n`;
  }
}

export function formatText(d: Diagnostic<string>): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n  hint: ${d.hint}\n`;
}

/** https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message */
function formatGithub(d: Diagnostic<string>): string {
  const properties = `file=${escapeProperty(d.file)},line=${d.line},col=${d.column},title=${escapeProperty(d.code)}`;
  return `::${d.severity} ${properties}::${escapeData(`${d.message} (hint: ${d.hint})`)}\n`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function summarize(diagnostics: readonly Diagnostic<string>[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
