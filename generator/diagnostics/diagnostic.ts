// A diagnostic: one problem in one input file, at a line and column, with a hint on how to fix it. Every diagnostic of
// the toolkit is built by a factory made here from a catalog of codes, so severity and default hint come from one place.
import { type CodeInfo, DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './codes.js';

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in characters. */
  readonly column: number;
}

/** `C`: the codes of the catalog it comes from; `validate`'s by default. */
export interface Diagnostic<C extends string = DiagnosticCode> extends SourcePosition {
  /** Path relative to the project root, with forward slashes. */
  readonly file: string;
  readonly severity: Severity;
  readonly code: C;
  readonly message: string;
  readonly hint: string;
}

export interface DiagnosticInput<C extends string = DiagnosticCode> {
  readonly file: string;
  readonly at: SourcePosition;
  readonly code: C;
  readonly message: string;
  /** Overrides the catalog's default hint when a more specific fix is known. */
  readonly hint?: string;
}

/** The builder of one catalog's diagnostics: the code picks the severity and the default hint. */
export function diagnosticFactory<C extends string>(catalog: Readonly<Record<C, CodeInfo>>): (input: DiagnosticInput<C>) => Diagnostic<C> {
  return ({ file, at, code, message, hint }) => {
    const info = catalog[code];
    return { file, line: at.line, column: at.column, severity: info.severity, code, message, hint: hint ?? info.hint };
  };
}

/** A diagnostic of `validate`. */
export const diagnostic = diagnosticFactory(DIAGNOSTIC_CODES);

export const START_OF_FILE: SourcePosition = { line: 1, column: 1 };

/** Orders diagnostics by file, then position, then code, so output is stable. */
export function sortDiagnostics<D extends Diagnostic<string>>(diagnostics: readonly D[]): D[] {
  return [...diagnostics].sort(
    (a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.code, b.code) || compare(a.message, b.message),
  );
}

export function hasErrors(diagnostics: readonly Diagnostic<string>[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
