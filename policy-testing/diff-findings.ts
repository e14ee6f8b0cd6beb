// What a decision diff could not check: changed policies that determine no request (unexercised), and parts of the
// request space that are missing (an empty space, a suite that did not load, a changed policy's mode with no request).
import type { TestDiagnostic } from './diagnostics.js';
import type { DeterminingTally, EvaluatedCounts } from './diff-tally.js';
import { modesOf, type PolicyChange, type PolicySide } from './policy-changes.js';

/**
 * A changed policy or template with the requests of the space it determines on each side: those whose decision names
 * it (a permit of an allow, a forbid of a deny; a template through any of its links). A side that does not hold it
 * counts 0, so an added policy is unexercised when it determines nothing after, a removed one when it determined
 * nothing before.
 */
export type ChangedPolicy = PolicyChange & {
  readonly determines: { readonly before: number; readonly after: number };
  readonly unexercised: boolean;
};

/** A gap in the request space: "0 decisions changed" says nothing about what it does not hold. */
export type Unexplored =
  | { readonly kind: 'empty-space' }
  | {
      readonly kind: 'not-loaded';
      readonly file: string;
      readonly line: number;
      readonly column: number;
      readonly code: string;
      readonly message: string;
    }
  | {
      readonly kind: 'mode-without-requests';
      readonly mode: string;
      /** The changed policies the mode holds, with where each one is (`policies/x.cedar:12`). */
      readonly policies: readonly { readonly id: string; readonly location: string }[];
    };

export function withDeterminingCounts(
  changes: readonly PolicyChange[],
  before: DeterminingTally,
  after: DeterminingTally,
): ChangedPolicy[] {
  return changes.map((change) => {
    const determines = { before: before.of(change.id), after: after.of(change.id) };
    return { ...change, determines, unexercised: determines.before === 0 && determines.after === 0 };
  });
}

export interface UnexploredInput {
  readonly evaluated: EvaluatedCounts;
  /** The working tree's diagnostics; those of severity error are files that did not load. */
  readonly diagnostics: readonly TestDiagnostic[];
  readonly policyChanges: readonly PolicyChange[];
}

export function findUnexplored({ evaluated, diagnostics, policyChanges }: UnexploredInput): Unexplored[] {
  const found: Unexplored[] = diagnostics
    .filter((diagnostic) => diagnostic.severity === 'error')
    .map(({ file, line, column, code, message }) => ({ kind: 'not-loaded', file, line, column, code, message }));
  // With no request at all, every mode is unexplored: one finding says it, and says how to fix it.
  if (evaluated.all.total === 0) return [{ kind: 'empty-space' }, ...found];
  const byMode = new Map<string, { id: string; location: string }[]>();
  for (const change of policyChanges) {
    for (const mode of modesOf(change)) {
      if ((evaluated.byMode[mode]?.total ?? 0) > 0) continue;
      byMode.set(mode, [...(byMode.get(mode) ?? []), { id: change.id, location: locationOf(change) }]);
    }
  }
  const modes = [...byMode].sort(([a], [b]) => (a < b ? -1 : 1));
  return [...found, ...modes.map(([mode, policies]) => ({ kind: 'mode-without-requests' as const, mode, policies }))];
}

/** Where the policy is now, or was when it was removed. */
export function locationOf(change: PolicyChange): string {
  return latestSide(change).location;
}

export function latestSide(change: PolicyChange): PolicySide {
  return change.kind === 'removed' ? change.before : change.after;
}

/** One line per finding, with file:line where there is one. */
export function describeUnexplored(finding: Unexplored): string {
  switch (finding.kind) {
    case 'empty-space':
      return (
        'the request space is empty (0 requests evaluated), so no decision was compared; ' +
        'add policy suites under tests/policies/, or check that they load (npm run test:policies)'
      );
    case 'not-loaded':
      return (
        `${finding.file}:${finding.line}:${finding.column}: did not load (${finding.code}: ${finding.message}), ` +
        'so its requests were not evaluated'
      );
    case 'mode-without-requests':
      return (
        `mode ${finding.mode} has 0 requests, yet it holds the changed ` +
        `${finding.policies.map((policy) => `${policy.id} (${policy.location})`).join(', ')}; ` +
        `add a suite with "mode: ${finding.mode}" under tests/policies/`
      );
  }
}
