// The coverage gate inside `npm test`: every policy determines enough cases, and every routed action is seen allowed and denied.
import { describe, expect, it } from 'vitest';
import { applyGate, computeCoverage } from '../../policy-testing/coverage.js';
import { loadCoverageConfig } from '../../policy-testing/coverage-config.js';
import { formatTestDiagnostics } from '../../policy-testing/diagnostics.js';
import { loadPolicyTests } from '../../policy-testing/load-tests.js';
import { runSuites } from '../../policy-testing/run-suites.js';
import { COVERAGE_CONFIG, readSourceFile, SUITES_DIR } from '../../policy-testing/test-files.js';
import { REPO_ROOT } from '../support/project-copy.js';

describe('policy coverage of the repository', () => {
  const tests = loadPolicyTests({ root: REPO_ROOT });
  const configLoad = loadCoverageConfig(
    readSourceFile(REPO_ROOT, `${SUITES_DIR}/${COVERAGE_CONFIG}`),
    tests.catalog.policies.flatMap((policy) => policy.id ?? []),
  );
  const report = computeCoverage(tests, runSuites(tests));
  const gate = applyGate(report, configLoad.config);

  it('reads tests/policies/coverage.yaml without a diagnostic', () => {
    expect(formatTestDiagnostics(configLoad.diagnostics)).toBe('');
  });

  it('has every policy determine at least the minimum of cases, and every route allow and deny', () => {
    expect(gate.failures).toEqual([]);
  });

  it('exercises every action and every entity type of the schema', () => {
    expect({ actions: report.actionsNeverExercised, entityTypes: report.entityTypesNeverExercised }).toEqual({
      actions: [],
      entityTypes: [],
    });
  });
});
