// Splits Cedar policy files into single policies and templates, each with its @id, its position and its doc comment.
import { policySetTextToParts, policyToJson, templateToJson, type DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { diagnostic, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import { cedarErrorPosition } from '../diagnostics/cedar-error.js';
import { LineIndex } from '../diagnostics/position.js';
import type { SourceFile } from './source-files.js';

export interface PolicySource {
  /** The @id annotation; undefined when the policy has none (a diagnostic says so). */
  readonly id: string | undefined;
  readonly kind: 'policy' | 'template';
  readonly effect: 'permit' | 'forbid';
  readonly file: SourceFile;
  /** The policy's own text, from its first annotation to its closing `;`. */
  readonly text: string;
  /** Where `text` starts in the file, as a string index. */
  readonly offset: number;
  readonly position: SourcePosition;
  /** Where the @id annotation is, or the policy start when it has none. */
  readonly idPosition: SourcePosition;
  /** The `///` comment lines directly above the policy, without the slashes. */
  readonly doc: string | undefined;
  /** Every annotation, such as `id`. */
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PolicyFileLoadResult {
  readonly policies: PolicySource[];
  readonly diagnostics: Diagnostic[];
}

export function loadPolicyFile(file: SourceFile): PolicyFileLoadResult {
  const lines = new LineIndex(file.text);
  const split = policySetTextToParts(file.text);
  if (split.type === 'failure') {
    return { policies: [], diagnostics: syntaxDiagnostics(file, split.errors, lines) };
  }
  const parts = locateAll(file.text, [
    ...split.policies.map((text) => ({ text, kind: 'policy' as const })),
    ...split.policy_templates.map((text) => ({ text, kind: 'template' as const })),
  ]).sort((a, b) => a.offset - b.offset);

  const policies: PolicySource[] = [];
  let previousEnd = 0;
  for (const part of parts) {
    // cedar-wasm hands back each policy verbatim; should that ever change, positions fall back to the file start.
    const offset = Math.max(part.offset, 0);
    const json = part.kind === 'policy' ? policyToJson(part.text) : templateToJson(part.text);
    const annotations = json.type === 'success' ? { ...(json.json.annotations ?? {}) } : {};
    const effect = json.type === 'success' ? json.json.effect : 'permit';
    const idOffset = findAnnotation(part.text, 'id');
    policies.push({
      id: annotations['id'],
      kind: part.kind,
      effect,
      file,
      text: part.text,
      offset,
      position: lines.positionOf(offset),
      idPosition: lines.positionOf(offset + (idOffset ?? 0)),
      doc: docCommentAbove(file.text.slice(previousEnd, offset)),
      annotations,
    });
    previousEnd = offset + part.text.length;
  }
  return { policies, diagnostics: [] };
}

function syntaxDiagnostics(file: SourceFile, errors: DetailedError[], lines: LineIndex): Diagnostic[] {
  return errors.map((error) => {
    const location = error.sourceLocations?.[0];
    return diagnostic({
      file: file.path,
      at: cedarErrorPosition({ text: file.text, error, lines }),
      code: 'CEDAR_POLICY_SYNTAX',
      message: error.message.replace(/^failed to parse policies from string: /, '') + (location?.label ? ` (${location.label})` : ''),
      ...(error.help ? { hint: error.help } : {}),
    });
  });
}

interface Part {
  readonly text: string;
  readonly kind: PolicySource['kind'];
}

/**
 * Finds each policy's text in its file (cedar-wasm lists them in no source order). Longer texts are placed first and
 * no text is placed inside another, so `forbid (...);` never lands inside an earlier `@a("x") forbid (...);`, and two
 * identical policies get two different offsets.
 */
function locateAll(fileText: string, parts: readonly Part[]): (Part & { readonly offset: number })[] {
  const claimed: (readonly [start: number, end: number])[] = [];
  const overlaps = (start: number, length: number): boolean => claimed.some(([from, to]) => start < to && start + length > from);
  const byLength = parts
    .map((part, index) => ({ part, index }))
    .sort((a, b) => b.part.text.length - a.part.text.length || a.index - b.index);
  const offsets = new Map<number, number>();
  for (const { part, index } of byLength) {
    let offset = fileText.indexOf(part.text);
    while (offset >= 0 && overlaps(offset, part.text.length)) offset = fileText.indexOf(part.text, offset + 1);
    if (offset >= 0) claimed.push([offset, offset + part.text.length]);
    offsets.set(index, offset);
  }
  return parts.map((part, index) => ({ ...part, offset: offsets.get(index) ?? -1 }));
}

/** The index of `@name(` in a policy's annotations, skipping comments. */
function findAnnotation(text: string, name: string): number | undefined {
  const pattern = new RegExp(`^\\s*@${name}\\s*\\(`, 'm');
  const match = pattern.exec(text);
  return match ? match.index + match[0].indexOf('@') : undefined;
}

/** The trailing run of `///` lines in the text between the previous policy and this one. */
function docCommentAbove(gap: string): string | undefined {
  const lines = gap
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const doc: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (!line.startsWith('///')) break;
    doc.unshift(line.slice(3).trim());
  }
  return doc.length > 0 ? doc.join(' ') : undefined;
}
