// Declares the runtime-parity tests of one project root: one vitest test per suite case, all sharing one set of
// loopback services. The harness entry calls it for the domain at the repository root; toolkit tests, for a fixture domain.
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import type { PolicyCase } from '../load-suites.js';
import { loadPolicyTests } from '../load-tests.js';
import { createSuiteEvaluator, runCase } from '../run-suites.js';
import { planCase } from '../runtime-parity/case-plan.js';
import { startParityEnvironment, type ParityEnvironment } from '../runtime-parity/parity-environment.js';
import { buildParityModes, modeNamed } from '../runtime-parity/parity-modes.js';
import { runParityCase, type ParityResult } from '../runtime-parity/run-case.js';
import { parityText, summarizeParity, type ParitySummary } from '../runtime-parity/summary.js';
import { UNREACHABLE_TITLES } from '../runtime-parity/unreachable.js';
import { SUITES_DIR } from '../test-files.js';
import { writeOutput } from '../write-output.js';

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
      expect(formatDiagnostics(tests.diagnostics, 'text')).toBe('');
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
