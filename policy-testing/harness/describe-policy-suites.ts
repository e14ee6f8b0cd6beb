// Declares the policy suites of one project root as vitest tests: one `describe` per suite file, one test per case.
import { assert, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { loadPolicyTests, type PolicyTests } from '../load-tests.js';
import { createSuiteEvaluator, runCase, type CaseResult } from '../run-suites.js';
import { SUITES_DIR } from '../test-files.js';

export interface PolicySuiteRun {
  readonly tests: PolicyTests;
  /** Filled as the cases run, in run order: read it in later tests or in `afterAll`, never at declaration time. */
  readonly results: readonly CaseResult[];
}

/** A case fails with its file, line, column and id, then what was expected and what the policies decided. */
export function describePolicySuites(root: string): PolicySuiteRun {
  const tests = loadPolicyTests({ root });
  const results: CaseResult[] = [];

  describe('policy suite files', () => {
    it('load without a diagnostic', () => {
      expect(formatDiagnostics(tests.diagnostics, 'text')).toBe('');
    });
  });

  for (const suite of tests.suites) {
    describe(`${suite.file.replace(`${SUITES_DIR}/`, '')} (${suite.mode})`, () => {
      const evaluator = createSuiteEvaluator(tests, suite);
      for (const testCase of suite.cases) {
        it(testCase.name, () => {
          const result = runCase(evaluator, testCase);
          results.push(result);
          const { line, column } = testCase.position;
          assert(result.verdict.pass, `${testCase.suite}:${line}:${column} ${testCase.id}\n${result.verdict.report}`);
        });
      }
    });
  }

  return { tests, results };
}
