// Which policies and templates a change adds, removes or modifies, compared by meaning (their Cedar JSON form), with a
// line diff of their text and the modes each one is in on either side.
import { policyToJson, templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicySource } from '../generator/load/cedar-policies.js';
import { policyBelongsTo } from '../generator/validate/modes.js';
import type { PolicyCatalog } from './policy-catalog.js';
import { canonical } from './request-space.js';

/** A policy as one side has it. */
export interface PolicySide {
  readonly kind: 'policy' | 'template';
  readonly effect: 'permit' | 'forbid';
  readonly text: string;
  /** `policies/shared/guardrails.cedar:12`. */
  readonly location: string;
  /** The modes whose policy set holds it, sorted. */
  readonly modes: readonly string[];
  /** Its Cedar JSON form (est), annotations removed; undefined when cedar-wasm cannot read it. */
  readonly json: unknown;
}

/** One line of a text diff: kept, removed (`-`) or added (`+`). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

export type PolicyChange =
  | { readonly kind: 'added'; readonly id: string; readonly after: PolicySide }
  | { readonly kind: 'removed'; readonly id: string; readonly before: PolicySide }
  | {
      readonly kind: 'modified';
      readonly id: string;
      readonly before: PolicySide;
      readonly after: PolicySide;
      readonly textDiff: readonly DiffLine[];
    }
  /** The same policy, now in other modes (a mode's `policies` list changed). */
  | { readonly kind: 'modes-changed'; readonly id: string; readonly before: PolicySide; readonly after: PolicySide };

/**
 * Every policy or template whose meaning or modes differ between two catalogs, sorted by id. A change to comments,
 * annotations other than @id, or layout is not a change: it cannot change a decision. A renamed @id is a removal and an
 * addition, because everything that refers to a policy (reasons, coverage, suites) refers to its @id.
 */
export function comparePolicyCatalogs(before: PolicyCatalog, after: PolicyCatalog): PolicyChange[] {
  const was = sidesById(before);
  const now = sidesById(after);
  const changes: PolicyChange[] = [];
  for (const id of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const left = was.get(id);
    const right = now.get(id);
    if (!left && right) changes.push({ kind: 'added', id, after: right });
    else if (left && !right) changes.push({ kind: 'removed', id, before: left });
    else if (left && right) {
      if (canonical(left.json) !== canonical(right.json) || left.kind !== right.kind) {
        changes.push({ kind: 'modified', id, before: left, after: right, textDiff: lineDiff(left.text, right.text) });
      } else if (left.modes.join() !== right.modes.join()) {
        changes.push({ kind: 'modes-changed', id, before: left, after: right });
      }
    }
  }
  return changes;
}

/** The modes a change concerns: those that hold the policy on either side. */
export function modesOf(change: PolicyChange): string[] {
  const sides = change.kind === 'added' ? [change.after] : change.kind === 'removed' ? [change.before] : [change.before, change.after];
  return [...new Set(sides.flatMap((side) => side.modes))].sort();
}

function sidesById(catalog: PolicyCatalog): Map<string, PolicySide> {
  const sides = new Map<string, PolicySide>();
  for (const policy of catalog.policies) {
    // A policy without @id, or a second one with the same @id, is refused by validate; neither can be named here.
    if (policy.id === undefined || sides.has(policy.id)) continue;
    sides.set(policy.id, {
      kind: policy.kind,
      effect: policy.effect,
      text: policy.text,
      location: `${policy.file.path}:${policy.position.line}`,
      modes: modesHolding(catalog, policy),
      json: meaningOf(policy),
    });
  }
  return sides;
}

function modesHolding(catalog: PolicyCatalog, policy: PolicySource): string[] {
  return [...catalog.modes.values()]
    .filter((mode) => mode.policyEntries.some((entry) => policyBelongsTo(policy.file.path, entry)))
    .map((mode) => mode.name)
    .sort();
}

/** The policy's JSON form without annotations, or its text with comments and blank space folded when it does not parse. */
function meaningOf(policy: PolicySource): unknown {
  const answer = policy.kind === 'policy' ? policyToJson(policy.text) : templateToJson(policy.text);
  if (answer.type !== 'success') return { unparsed: policy.text.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ') };
  const { annotations: _annotations, ...meaning } = answer.json as unknown as Record<string, unknown>;
  return meaning;
}

/** A line diff by longest common subsequence; policies are a few dozen lines, so the quadratic table is small. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = common[i] as number[];
      const next = common[i + 1] as number[];
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ op: ' ', text: a[i] ?? '' });
      i++;
      j++;
    } else if ((common[i + 1]?.[j] ?? 0) >= (common[i]?.[j + 1] ?? 0)) {
      lines.push({ op: '-', text: a[i++] ?? '' });
    } else {
      lines.push({ op: '+', text: b[j++] ?? '' });
    }
  }
  while (i < a.length) lines.push({ op: '-', text: a[i++] ?? '' });
  while (j < b.length) lines.push({ op: '+', text: b[j++] ?? '' });
  return lines;
}
