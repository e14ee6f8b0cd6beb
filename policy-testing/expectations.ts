// Compares a decision with what a case expects, and explains any difference: expected and actual decision, determining policies, errors.
import type { Outcome } from './evaluate.js';

export interface Expectation {
  readonly decision: 'allow' | 'deny';
  /** Exactly these policies determine the decision, sorted. */
  readonly determining?: readonly string[];
  /** These policies are among those that determine it. */
  readonly determiningIncludes?: readonly string[];
  /** One text per expected error, each contained in a different error; empty: no error at all. */
  readonly errors: readonly string[];
}

export interface Verdict {
  readonly pass: boolean;
  /** Each way the outcome differs from the expectation; empty when it passes. */
  readonly problems: readonly string[];
  /** Expected and actual side by side, for failure messages and reports. */
  readonly report: string;
}

export function checkOutcome(expectation: Expectation, outcome: Outcome): Verdict {
  const problems: string[] = [];
  if (outcome.decision !== expectation.decision) problems.push(`decision: expected ${expectation.decision}, got ${outcome.decision}`);
  if (expectation.determining && !sameList(expectation.determining, outcome.determining)) {
    problems.push(`determining policies: expected exactly ${list(expectation.determining)}, got ${list(outcome.determining)}`);
  }
  const absent = (expectation.determiningIncludes ?? []).filter((id) => !outcome.determining.includes(id));
  if (absent.length > 0) problems.push(`determining policies: expected ${list(absent)} among them, got ${list(outcome.determining)}`);
  problems.push(...compareErrors(expectation.errors, outcome.errors));
  return { pass: problems.length === 0, problems, report: problems.length === 0 ? '' : describe(expectation, outcome, problems) };
}

/** Each expected text must match its own error, and no error may be left unmatched. */
function compareErrors(expected: readonly string[], actual: readonly string[]): string[] {
  const unmatched = [...actual];
  const missing: string[] = [];
  for (const text of expected) {
    const index = unmatched.findIndex((error) => error.includes(text));
    if (index < 0) missing.push(text);
    else unmatched.splice(index, 1);
  }
  return [
    ...missing.map((text) => `errors: expected an error containing ${JSON.stringify(text)}`),
    ...unmatched.map((error) => `errors: unexpected error ${JSON.stringify(error)}`),
  ];
}

function describe(expectation: Expectation, outcome: Outcome, problems: readonly string[]): string {
  const expectedPolicies = expectation.determining
    ? `determined by exactly ${list(expectation.determining)}`
    : expectation.determiningIncludes
      ? `determined by ${list(expectation.determiningIncludes)} among others`
      : 'any determining policies';
  const expectedErrors =
    expectation.errors.length === 0 ? 'no errors' : `errors containing ${expectation.errors.map((e) => JSON.stringify(e)).join(', ')}`;
  const cedar =
    outcome.cedarDecision === outcome.decision
      ? ''
      : outcome.cedarDecision === 'refused'
        ? ' (cedar-wasm refused the request)'
        : ` (Cedar said ${outcome.cedarDecision} by ${list(outcome.cedarDetermining)}; an allow with errors is a deny)`;
  return [
    `expected: ${expectation.decision}, ${expectedPolicies}, ${expectedErrors}`,
    `actual:   ${outcome.decision}${cedar}, determined by ${list(outcome.determining)}, ` +
      `${outcome.errors.length === 0 ? 'no errors' : `errors:`}`,
    ...outcome.errors.map((error) => `  - ${error}`),
    ...problems.map((problem) => `✗ ${problem}`),
  ].join('\n');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((id, i) => id === [...b].sort()[i]);
}

function list(ids: readonly string[]): string {
  return ids.length === 0 ? '[] (none)' : `[${ids.join(', ')}]`;
}
