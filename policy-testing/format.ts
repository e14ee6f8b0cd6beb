// Formats Cedar policy files with cedar-wasm's formatter (80 columns, 2-space indent, one trailing newline).
import { formatPolicies } from '@cedar-policy/cedar-wasm/nodejs';
import { cedarErrorPosition } from '../generator/diagnostics/cedar-error.js';
import { diagnostic, type Diagnostic } from '../generator/diagnostics/diagnostic.js';
import { LineIndex } from '../generator/diagnostics/position.js';
import type { SourceFile } from '../generator/load/source-files.js';
import { shortDiff } from '../generator/write/check-files.js';

export const CEDAR_FORMAT = { lineWidth: 80, indentWidth: 2 } as const;

export type FormatResult =
  | { readonly file: SourceFile; readonly formatted: string; readonly changed: boolean; readonly diff: string }
  | { readonly file: SourceFile; readonly diagnostics: readonly Diagnostic[] };

export function formatCedarFile(file: SourceFile): FormatResult {
  const answer = formatPolicies({ policyText: file.text, ...CEDAR_FORMAT });
  if (answer.type === 'failure') {
    const lines = new LineIndex(file.text);
    return {
      file,
      diagnostics: answer.errors.map((error) =>
        diagnostic({
          file: file.path,
          at: cedarErrorPosition({ text: file.text, error, lines }),
          code: 'CEDAR_POLICY_SYNTAX',
          message: `cannot format: ${error.message}`,
          ...(error.help ? { hint: error.help } : {}),
        }),
      ),
    };
  }
  const formatted = `${answer.formatted_policy.trimEnd()}\n`;
  const changed = formatted !== file.text;
  return { file, formatted, changed, diff: changed ? shortDiff(file.text, formatted) : '' };
}
