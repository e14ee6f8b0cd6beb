// The coverage gate inside `npm test`, for the domain at the repository root: every policy determines enough cases,
// every routed action is seen allowed and denied, and every action a request can name is exercised. Without
// tests/policies/coverage.yaml the defaults apply: each policy determines at least one case, and nothing is waived.
import { describe, expect, it } from 'vitest';
import { applyGate, computeCoverage } from '../coverage.js';
import { readCoverageConfig } from '../coverage-config.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { loadPolicyTests } from '../load-tests.js';
import { runSuites } from '../run-suites.js';
import { REPOSITORY_ROOT } from './repository-root.js';

describe('policy coverage of the repository', () => {
  const tests = loadPolicyTests({ root: REPOSITORY_ROOT });
  const configLoad = readCoverageConfig(tests);
  const report = computeCoverage(tests, runSuites(tests));
  const gate = applyGate(report, configLoad.config);
  // An action without `appliesTo` (an action group) is never the action of a request, so no case can exercise it.
  const requestActions = new Set([...(tests.schema?.actions.values() ?? [])].filter((a) => a.principalTypes.length > 0).map((a) => a.id));

  it('reads tests/policies/coverage.yaml, when the domain has one, without a diagnostic', () => {
    expect(formatDiagnostics(configLoad.diagnostics, 'text')).toBe('');
  });

  it('has every policy determine at least the minimum of cases, and every route allow and deny', () => {
    expect(gate.failures).toEqual([]);
  });

  it('exercises every action a request can name and every entity type of the schema', () => {
    expect({
      actions: report.actionsNeverExercised.filter((action) => requestActions.has(action)),
      entityTypes: report.entityTypesNeverExercised,
    }).toEqual({ actions: [], entityTypes: [] });
  });
});
