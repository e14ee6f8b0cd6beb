// Counts a parity run: cases run through the runtime, agreements, disagreements (with their reports), and the cases
// no route, claim or store of their mode can express, by reason.
import type { PolicyCase } from '../load-suites.js';
import type { ParityResult } from './run-case.js';
import { countByKind, UNREACHABLE_KINDS, UNREACHABLE_TITLES, type Unreachable, type UnreachableKind } from './unreachable.js';

export interface ParitySummary {
  readonly cases: number;
  /** Cases sent through the runtime: agreements plus disagreements. */
  readonly run: number;
  readonly agreements: number;
  /** Agreements by the decision both sides reached: a run where everything denies proves little. */
  readonly agreementsByDecision: { readonly allow: number; readonly deny: number };
  readonly disagreements: readonly { readonly case: string; readonly message: string }[];
  /** Agreements on the decision where the two sides name other determining policies (a deny for another reason). */
  readonly otherDeterminingPolicies: readonly {
    readonly case: string;
    readonly suite: readonly string[];
    readonly runtime: readonly string[];
  }[];
  readonly unreachable: number;
  readonly unreachableByReason: Readonly<Record<UnreachableKind, number>>;
  /** Each unreachable case with its own reason, for reading what a mode cannot express. */
  readonly unreachableCases: readonly {
    readonly case: string;
    readonly mode: string;
    readonly kind: UnreachableKind;
    readonly reason: string;
  }[];
}

export function summarizeParity(results: readonly { readonly testCase: PolicyCase; readonly result: ParityResult }[]): ParitySummary {
  const unreachable: { testCase: PolicyCase; unreachable: Unreachable }[] = [];
  const disagreements: { case: string; message: string }[] = [];
  const agreementsByDecision = { allow: 0, deny: 0 };
  const otherDeterminingPolicies: { case: string; suite: readonly string[]; runtime: readonly string[] }[] = [];
  for (const { testCase, result } of results) {
    if (result.kind === 'agree') {
      agreementsByDecision[result.runtime.result === 'allow' ? 'allow' : 'deny'] += 1;
      if (result.suite.determining.join(',') !== result.runtime.determining.join(',')) {
        otherDeterminingPolicies.push({ case: caseName(testCase), suite: result.suite.determining, runtime: result.runtime.determining });
      }
    } else if (result.kind === 'disagree') disagreements.push({ case: caseName(testCase), message: result.message });
    else unreachable.push({ testCase, unreachable: result.unreachable });
  }
  const agreements = agreementsByDecision.allow + agreementsByDecision.deny;
  return {
    cases: results.length,
    run: agreements + disagreements.length,
    agreements,
    agreementsByDecision,
    disagreements,
    otherDeterminingPolicies,
    unreachable: unreachable.length,
    unreachableByReason: countByKind(unreachable.map((item) => item.unreachable)),
    unreachableCases: unreachable.map(({ testCase, unreachable: item }) => ({
      case: caseName(testCase),
      mode: testCase.mode,
      kind: item.kind,
      reason: item.reason,
    })),
  };
}

export function parityText(summary: ParitySummary): string {
  const reasons = UNREACHABLE_KINDS.filter((kind) => summary.unreachableByReason[kind] > 0).map(
    (kind) => `  ${String(summary.unreachableByReason[kind]).padStart(4)}  ${kind}: ${UNREACHABLE_TITLES[kind]}`,
  );
  return `${[
    `Runtime parity: ${summary.cases} cases; ${summary.run} run through the runtime: ${summary.agreements} agree ` +
      `(${summary.agreementsByDecision.allow} allow, ${summary.agreementsByDecision.deny} deny), ${summary.disagreements.length} ` +
      `disagree; ${summary.unreachable} unreachable`,
    ...reasons,
    ...(summary.otherDeterminingPolicies.length > 0
      ? [`Agreements on the decision with other determining policies: ${summary.otherDeterminingPolicies.length}`]
      : []),
    ...summary.disagreements.map((item) => item.message),
  ].join('\n')}\n`;
}

function caseName(testCase: PolicyCase): string {
  return `${testCase.suite}:${testCase.position.line}:${testCase.position.column} ${testCase.id}`;
}
