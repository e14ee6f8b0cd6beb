// `npm run coverage` and the coverage step of `npm run test:policies`: runs every suite, prints each policy's cases (or
// those of the policies changed since a git revision), and applies the gate.
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { changedCoverage, readBaseCatalog, type BaseCatalog } from '../changed-coverage.js';
import { applyGate, computeCoverage } from '../coverage.js';
import { readCoverageConfig } from '../coverage-config.js';
import { COVERAGE_FORMATS, coverageJson, renderCoverage, type CoverageFormat } from '../coverage-report.js';
import { GitRevisionError } from '../errors.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { hasErrors } from '../../generator/diagnostics/diagnostic.js';
import { loadPolicyTests } from '../load-tests.js';
import { runSuites } from '../run-suites.js';
import { DEFAULT_COVERAGE_PATH, writeOutput } from '../write-output.js';

const USAGE = `usage: npm run coverage -- [--root <dir>] [--changed-from <git-ref>] [--format text|json|markdown] [--json] [--out <file>]
  prints the coverage table: per policy, the cases it determined (Allow, Deny) and those where a forbid overrode it;
  --changed-from <ref> shows only the policies and templates that differ from that revision, flagging those no case exercises;
  --format markdown prints a section for a pull-request comment; --json is --format json;
  writes the JSON to --out (default ${DEFAULT_COVERAGE_PATH});
  without tests/policies/coverage.yaml, every policy must determine one case and nothing is waived;
  prints the report even when cases fail, and exits 1 when a suite does not load, a case fails or the coverage gate fails;
  exits 2 for a bad option or a git error (such as an unknown ref), as npm run diff does`;

const SPEC = {
  command: 'npm run coverage --',
  usage: USAGE,
  options: {
    root: { type: 'string' },
    'changed-from': { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
  },
} as const;

runCli(SPEC, ({ values }) => {
  const format = formatOf(values.format, values.json === true);
  const root = values.root ?? process.cwd();
  // Read first: a mistyped ref fails at once, not after every suite ran.
  const base = values['changed-from'] === undefined ? null : baseAt(root, values['changed-from']);
  const tests = loadPolicyTests({ root });
  const configLoad = readCoverageConfig(tests);
  const diagnostics = [...tests.diagnostics, ...configLoad.diagnostics];
  process.stderr.write(formatDiagnostics(diagnostics, 'text'));

  const report = computeCoverage(tests, runSuites(tests));
  const gate = applyGate(report, configLoad.config);
  const changed = base === null ? null : changedCoverage(base, tests, report);
  const written = writeOutput(root, values.out ?? DEFAULT_COVERAGE_PATH, coverageJson(report, gate, changed));
  const rendered = renderCoverage({ report, gate, changed }, format);
  process.stdout.write(format === 'text' ? `${rendered}JSON: ${written}\n` : rendered);
  return gate.pass && report.failedCases === 0 && !hasErrors(diagnostics) ? 0 : 1;
});

function formatOf(format: string | undefined, json: boolean): CoverageFormat {
  if (json && format !== undefined && format !== 'json') throw new UsageError(`--json contradicts --format ${format}`);
  const chosen = format ?? (json ? 'json' : 'text');
  const known = COVERAGE_FORMATS.find((name) => name === chosen);
  if (!known) throw new UsageError(`--format must be one of ${COVERAGE_FORMATS.join(', ')}, not "${chosen}"`);
  return known;
}

function baseAt(root: string, ref: string): BaseCatalog {
  try {
    return readBaseCatalog(root, ref);
  } catch (error) {
    if (!(error instanceof GitRevisionError)) throw error;
    throw new CommandFailure(`${error.message}; --changed-from needs a revision of this repository, such as origin/main`, 2, {
      cause: error,
    });
  }
}
