// `fmt --fix`: gives every policy and template without an @id one derived from its file and scope, unique across
// the project, by inserting one `@id("...")` line above it. Nothing else in the file changes.
import { policyToJson, templateToJson, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { LineIndex } from '../generator/diagnostics/position.js';
import { loadPolicyFile, type PolicySource } from '../generator/load/cedar-policies.js';
import type { SourceFile } from '../generator/load/source-files.js';
import { derivePolicyId, uniqueId } from './derive-policy-id.js';
import { PolicySetError } from './errors.js';

export interface AddedId {
  readonly file: string;
  /** The line of the inserted `@id`, in the file as written. */
  readonly line: number;
  readonly id: string;
}

export interface IdFixResult {
  /** Every file given, in the same order; a file that gained no @id (or does not parse) is returned as it was. */
  readonly files: readonly SourceFile[];
  readonly added: readonly AddedId[];
}

/** `files` are the project's policy files, sorted by path, so the ids (and their `-2` suffixes) are deterministic. */
export function addMissingIds(files: readonly SourceFile[]): IdFixResult {
  const policiesByFile = files.map((file) => loadPolicyFile(file).policies);
  const taken = new Set(policiesByFile.flat().flatMap((policy) => (policy.id === undefined ? [] : [policy.id])));
  const added: AddedId[] = [];
  const fixed = files.map((file, index) => {
    const missing = (policiesByFile[index] ?? []).filter((policy) => !('id' in policy.annotations));
    if (missing.length === 0) return file;
    const insertions = missing.map((policy) => {
      const id = uniqueId(derivePolicyId({ file: file.path, policy: scopeOf(policy) }), taken);
      taken.add(id);
      return { offset: policy.offset, text: idLine(file.text, policy.offset, id), id };
    });
    const text = insert(file.text, insertions);
    const lines = new LineIndex(text);
    let shift = 0;
    for (const insertion of insertions) {
      added.push({ file: file.path, line: lines.positionOf(insertion.offset + shift).line, id: insertion.id });
      shift += insertion.text.length;
    }
    return { path: file.path, text };
  });
  return { files: fixed, added };
}

function scopeOf(policy: PolicySource): PolicyJson {
  const answer = policy.kind === 'policy' ? policyToJson(policy.text) : templateToJson(policy.text);
  // The text parsed a moment ago as part of its file; a failure here would be cedar-wasm disagreeing with itself.
  if (answer.type === 'failure') {
    throw new PolicySetError(`${policy.file.path}: cannot read the scope of a policy: ${answer.errors[0]?.message ?? 'no reason given'}`);
  }
  return answer.json;
}

/**
 * The annotation on its own line, indented like the policy. A policy sharing its line with other text (which the
 * formatter never leaves) gets the annotation in front of it on the same line.
 */
function idLine(text: string, offset: number, id: string): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const annotation = `@id(${JSON.stringify(id)})`;
  return before.trim() === '' ? `${annotation}\n${before}` : `${annotation} `;
}

function insert(text: string, insertions: readonly { readonly offset: number; readonly text: string }[]): string {
  let result = '';
  let from = 0;
  for (const insertion of insertions) {
    result += text.slice(from, insertion.offset) + insertion.text;
    from = insertion.offset;
  }
  return result + text.slice(from);
}
