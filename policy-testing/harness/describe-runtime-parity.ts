// Declares the runtime-parity tests of one project root: one vitest test per suite case, all sharing one set of
// loopback services. The payments domain calls it for the repository; a second domain calls it for its own root.
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { formatTestDiagnostics } from '../../../policy-testing/diagnostics.js';
import type { PolicyCase } from '../../../policy-testing/load-suites.js';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { createSuiteEvaluator, runCase } from '../../../policy-testing/run-suites.js';
import { planCase } from '../../../policy-testing/runtime-parity/case-plan.js';
import { startParityEnvironment, type ParityEnvironment } from '../../../policy-testing/runtime-parity/parity-environment.js';
import { buildParityModes, modeNamed } from '../../../policy-testing/runtime-parity/parity-modes.js';
import { runParityCase, type ParityResult } from '../../../policy-testing/runtime-parity/run-case.js';
import { parityText, summarizeParity, type ParitySummary } from '../../../policy-testing/runtime-parity/summary.js';
import { UNREACHABLE_TITLES } from '../../../policy-testing/runtime-parity/unreachable.js';
import { SUITES_DIR } from '../../../policy-testing/test-files.js';
import { writeOutput } from '../../../policy-testing/write-output.js';

export interface ParitySuiteOptions {
  /** The project whose schema, policies, modes and tests/policies suites are run. */
  readonly root: string;
  /** Where the summary JSON is written, relative to `root`. @default .tmp/runtime-parity.json */
  readonly reportPath?: string;
  /** Called with the counts once every case ran, to assert on them or print them. */
  readonly onSummary?: (summary: ParitySummary) => void;
}

export function describeRuntimeParity({ root, reportPath = '.tmp/runtime-parity.json', onSummary }: ParitySuiteOptions): void {
  const tests = loadPolicyTests({ root });
  const modes = buildParityModes(tests.sources);
  const results: { testCase: PolicyCase; result: ParityResult }[] = [];
  let environment: ParityEnvironment | undefined;

  beforeAll(async () => {
    environment = await startParityEnvironment();
  });

  afterAll(async () => {
    await environment?.close();
    const summary = summarizeParity(results);
    writeOutput(root, reportPath, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(parityText(summary));
    onSummary?.(summary);
  });

  describe('policy suite files', () => {
    it('load without a diagnostic', () => {
      expect(formatTestDiagnostics(tests.diagnostics)).toBe('');
    });
  });

  for (const suite of tests.suites) {
    describe(`${suite.file.replace(`${SUITES_DIR}/`, '')} through the ${suite.mode} runtime`, () => {
      const evaluator = createSuiteEvaluator(tests, suite);
      const mode = modeNamed(modes, suite.mode);
      const pool = suite.entities.map((entity) => entity.json);
      for (const testCase of suite.cases) {
        const plan = planCase(mode, suite.links, testCase);
        const name = plan.ok
          ? `${testCase.name}: the runtime agrees`
          : `${testCase.name}: unreachable (${UNREACHABLE_TITLES[plan.unreachable.kind]})`;
        it(name, async () => {
          assert(environment, 'the loopback services did not start');
          const suiteOutcome = runCase(evaluator, testCase).outcome;

          const result = await runParityCase({ environment, mode, links: suite.links, pool, testCase, suiteOutcome });

          results.push({ testCase, result });
          if (result.kind === 'disagree') assert.fail(result.message);
          expect(result.kind).toBe(plan.ok ? 'agree' : 'unreachable');
        });
      }
    });
  }
}
