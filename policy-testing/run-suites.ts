// Evaluates the cases of loaded suites, one preparsed policy set per suite, and checks each against its expectation.
import { createEvaluator, type Evaluator, type Outcome } from './evaluate.js';
import { checkOutcome, type Verdict } from './expectations.js';
import type { PolicyTests } from './load-tests.js';
import type { LoadedSuite, PolicyCase } from './load-suites.js';

export interface CaseResult {
  readonly testCase: PolicyCase;
  readonly outcome: Outcome;
  readonly verdict: Verdict;
  /** Wall time of the evaluation alone, in milliseconds. */
  readonly durationMs: number;
}

/** One evaluator per suite: its mode's policies plus the template links of its fixtures. */
export function createSuiteEvaluator(tests: PolicyTests, suite: LoadedSuite): Evaluator {
  const schemaText = tests.schema?.file.text;
  if (schemaText === undefined) throw new Error('suites load only with a schema; this one has none');
  return createEvaluator({ policySet: suite.policySet, links: suite.links, schemaText });
}

export function runCase(evaluator: Evaluator, testCase: PolicyCase): CaseResult {
  const started = performance.now();
  const outcome = evaluator.evaluate(testCase.request, testCase.entities, testCase.schemaCheck);
  const durationMs = performance.now() - started;
  return { testCase, outcome, verdict: checkOutcome(testCase.expect, outcome), durationMs };
}

export function runSuites(tests: PolicyTests, suites: readonly LoadedSuite[] = tests.suites): CaseResult[] {
  return suites.flatMap((suite) => {
    const evaluator = createSuiteEvaluator(tests, suite);
    return suite.cases.map((testCase) => runCase(evaluator, testCase));
  });
}
