// The coverage step of `npm run test:policies`: runs every suite, prints each policy's determining cases, and applies the gate.
import { runCli } from '../../common/cli/command-line.js';
import { applyGate, computeCoverage } from '../coverage.js';
import { readCoverageConfig } from '../coverage-config.js';
import { coverageJson, coverageText } from '../coverage-report.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { hasErrors } from '../../generator/diagnostics/diagnostic.js';
import { loadPolicyTests } from '../load-tests.js';
import { runSuites } from '../run-suites.js';
import { DEFAULT_COVERAGE_PATH, writeOutput } from '../write-output.js';

const USAGE = `usage: tsx policy-testing/cli/coverage.ts [--root <dir>] [--json] [--out <file>]
  prints the coverage table (or, with --json, the JSON) and writes the JSON to --out (default ${DEFAULT_COVERAGE_PATH});
  without tests/policies/coverage.yaml, every policy must determine one case and nothing is waived;
  exits 1 when a suite does not load, a case fails or the coverage gate fails`;

const SPEC = {
  command: 'coverage',
  usage: USAGE,
  options: { root: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } },
} as const;

runCli(SPEC, ({ values }) => {
  const root = values.root ?? process.cwd();
  const tests = loadPolicyTests({ root });
  const configLoad = readCoverageConfig(tests);
  const diagnostics = [...tests.diagnostics, ...configLoad.diagnostics];
  process.stderr.write(formatDiagnostics(diagnostics, 'text'));

  const report = computeCoverage(tests, runSuites(tests));
  const gate = applyGate(report, configLoad.config);
  const json = coverageJson(report, gate);
  const written = writeOutput(root, values.out ?? DEFAULT_COVERAGE_PATH, json);
  process.stdout.write(values.json ? json : `${coverageText(report, gate)}JSON: ${written}\n`);
  return gate.pass && report.failedCases === 0 && !hasErrors(diagnostics) ? 0 : 1;
});
