// A diagnostic: one problem in one input file, at a line and column, with a hint on how to fix it.
import { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './codes.js';

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in characters. */
  readonly column: number;
}

export interface Diagnostic extends SourcePosition {
  /** Path relative to the project root, with forward slashes. */
  readonly file: string;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly hint: string;
}

export interface DiagnosticInput {
  readonly file: string;
  readonly at: SourcePosition;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Overrides the catalog's default hint when a more specific fix is known. */
  readonly hint?: string;
}

export function diagnostic({ file, at, code, message, hint }: DiagnosticInput): Diagnostic {
  const info = DIAGNOSTIC_CODES[code];
  return { file, line: at.line, column: at.column, severity: info.severity, code, message, hint: hint ?? info.hint };
}

export const START_OF_FILE: SourcePosition = { line: 1, column: 1 };

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.code, b.code) || compare(a.message, b.message),
  );
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
