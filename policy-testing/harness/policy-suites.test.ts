// Runs every policy suite under tests/policies, one test per case, then writes the coverage and JUnit reports.
import { afterAll, assert, describe, expect, it } from 'vitest';
import { applyGate, computeCoverage } from '../../policy-testing/coverage.js';
import { loadCoverageConfig } from '../../policy-testing/coverage-config.js';
import { coverageJson } from '../../policy-testing/coverage-report.js';
import { formatTestDiagnostics } from '../../policy-testing/diagnostics.js';
import { renderJunit } from '../../policy-testing/junit.js';
import { loadPolicyTests } from '../../policy-testing/load-tests.js';
import { createSuiteEvaluator, runCase, type CaseResult } from '../../policy-testing/run-suites.js';
import { COVERAGE_CONFIG, readSourceFile, SUITES_DIR } from '../../policy-testing/test-files.js';
import { DEFAULT_COVERAGE_PATH, DEFAULT_JUNIT_PATH, writeOutput } from '../../policy-testing/write-output.js';
import { REPO_ROOT } from '../support/project-copy.js';

const tests = loadPolicyTests({ root: REPO_ROOT });
const results: CaseResult[] = [];

describe('policy suite files', () => {
  it('load without a diagnostic', () => {
    expect(formatTestDiagnostics(tests.diagnostics)).toBe('');
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

// Reports describe the cases this run executed; a filtered run (`-t`) writes a partial report.
afterAll(() => {
  const config = loadCoverageConfig(
    readSourceFile(REPO_ROOT, `${SUITES_DIR}/${COVERAGE_CONFIG}`),
    tests.catalog.policies.flatMap((policy) => policy.id ?? []),
  ).config;
  const report = computeCoverage(tests, results);
  writeOutput(REPO_ROOT, process.env['POLICY_COVERAGE_PATH'] ?? DEFAULT_COVERAGE_PATH, coverageJson(report, applyGate(report, config)));
  writeOutput(REPO_ROOT, process.env['POLICY_JUNIT_PATH'] ?? DEFAULT_JUNIT_PATH, renderJunit(results, { suitesDir: SUITES_DIR }));
});
