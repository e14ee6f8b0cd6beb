// The coverage step of `npm run test:policies`: runs every suite, prints each policy's determining cases, and applies the gate.
import { parseArgs } from 'node:util';
import { applyGate, computeCoverage } from '../coverage.js';
import { loadCoverageConfig } from '../coverage-config.js';
import { coverageJson, coverageText } from '../coverage-report.js';
import { formatTestDiagnostics, hasTestErrors } from '../diagnostics.js';
import { loadPolicyTests } from '../load-tests.js';
import { runSuites } from '../run-suites.js';
import { COVERAGE_CONFIG, readSourceFile, SUITES_DIR } from '../test-files.js';
import { DEFAULT_COVERAGE_PATH, writeOutput } from '../write-output.js';

const USAGE = `usage: tsx policy-testing/cli/coverage.ts [--root <dir>] [--json] [--out <file>]
  prints the coverage table (or, with --json, the JSON) and writes the JSON to --out (default ${DEFAULT_COVERAGE_PATH});
  exits 1 when a suite does not load, a case fails or the coverage gate fails`;

function main(argv: string[]): number {
  let values: { root?: string; json?: boolean; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { root: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = values.root ?? process.cwd();
  const tests = loadPolicyTests({ root });
  const configLoad = loadCoverageConfig(
    readSourceFile(root, `${SUITES_DIR}/${COVERAGE_CONFIG}`),
    tests.catalog.policies.flatMap((policy) => policy.id ?? []),
  );
  const diagnostics = [...tests.diagnostics, ...configLoad.diagnostics];
  process.stderr.write(formatTestDiagnostics(diagnostics));

  const report = computeCoverage(tests, runSuites(tests));
  const gate = applyGate(report, configLoad.config);
  const json = coverageJson(report, gate);
  const written = writeOutput(root, values.out ?? DEFAULT_COVERAGE_PATH, json);
  process.stdout.write(values.json ? json : `${coverageText(report, gate)}JSON: ${written}\n`);
  return gate.pass && report.failedCases === 0 && !hasTestErrors(diagnostics) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
