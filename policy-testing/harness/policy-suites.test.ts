// The vitest entry of the policy suites of the domain at the repository root (tests/policies/**/*.test.yaml): one test
// per case, then the coverage and JUnit reports.
import { afterAll } from 'vitest';
import { applyGate, computeCoverage } from '../coverage.js';
import { readCoverageConfig } from '../coverage-config.js';
import { coverageJson } from '../coverage-report.js';
import { renderJunit } from '../junit.js';
import { SUITES_DIR } from '../test-files.js';
import { DEFAULT_COVERAGE_PATH, DEFAULT_JUNIT_PATH, writeOutput } from '../write-output.js';
import { describePolicySuites } from './describe-policy-suites.js';
import { REPOSITORY_ROOT } from './repository-root.js';

const { tests, results } = describePolicySuites(REPOSITORY_ROOT);

// Reports describe the cases this run executed; a filtered run (`-t`) writes a partial report.
afterAll(() => {
  const report = computeCoverage(tests, results);
  const gate = applyGate(report, readCoverageConfig(tests).config);
  writeOutput(REPOSITORY_ROOT, process.env['POLICY_COVERAGE_PATH'] ?? DEFAULT_COVERAGE_PATH, coverageJson(report, gate));
  writeOutput(REPOSITORY_ROOT, process.env['POLICY_JUNIT_PATH'] ?? DEFAULT_JUNIT_PATH, renderJunit(results, { suitesDir: SUITES_DIR }));
});
