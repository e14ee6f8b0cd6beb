// `npm run suites -- export --cedar <dir>` and `import --cedar <file or dir>`: the policy suites in the Cedar CLI's
// run-tests format and back.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { hasErrors } from '../../generator/diagnostics/diagnostic.js';
import { exportSuites, SCRIPT_FILE } from '../cedar-cli/export-suites.js';
import { importTests } from '../cedar-cli/import-tests.js';
import { formatProblems, readTestFiles, type ReadTestFile } from '../cedar-cli/read-test-files.js';
import { CedarCliInputError } from '../errors.js';
import { SCHEMA_DIR, TEST_FILE_SCHEMAS } from '../file-schema.js';
import { loadPolicyTests } from '../load-tests.js';
import { SUITE_SUFFIX, SUITES_DIR } from '../test-files.js';
import { writeOutput } from '../write-output.js';

const SUBCOMMANDS = ['export', 'import'] as const;
const DEFAULT_IMPORT_DIR = `${SUITES_DIR}/imported`;

const SPEC = {
  command: 'suites',
  usage: `usage: npm run suites -- export --cedar <dir> [--root <dir>]
       npm run suites -- import --cedar <file or dir> [--mode <mode>] [--out <yaml file or dir>] [--root <dir>]
  export  writes every suite of tests/policies/ as Cedar CLI run-tests files into <dir>, with each mode's policies, the
          schema, manifest.json (the cases refused or checked more weakly, with file:line) and ${SCRIPT_FILE}
  import  reads run-tests files (a file, or a folder such as an export) into YAML suites that npm run test:policies loads;
          --mode is the mode whose policies the tests run against (an export's manifest.json gives it per file);
          --out is the suite file for one input file, the folder for a folder (default ${DEFAULT_IMPORT_DIR}/)`,
  options: { cedar: { type: 'string' }, mode: { type: 'string' }, out: { type: 'string' }, root: { type: 'string' } },
  positionals: { min: 1, max: 1 },
} as const;

runCli(SPEC, ({ values, positionals }) => {
  const subcommand = positionals[0] ?? '';
  if (values.cedar === undefined) throw new UsageError('--cedar <path> is required');
  const root = resolve(values.root ?? process.cwd());
  if (subcommand === 'export') {
    if (values.mode !== undefined || values.out !== undefined)
      throw new UsageError('export takes no --mode or --out; --cedar is the folder');
    return exportCommand(root, resolve(values.cedar));
  }
  if (subcommand === 'import') return importCommand(root, values.cedar, values.mode, values.out);
  const suggestion = closestMatch(subcommand, SUBCOMMANDS);
  throw new UsageError(`unknown command "${subcommand}"; use export or import${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
});

function exportCommand(root: string, dir: string): number {
  const tests = loadPolicyTests({ root });
  process.stderr.write(formatDiagnostics(tests.diagnostics, 'text'));
  const result = exportSuites(tests);
  for (const file of result.files) writeOutput(dir, file.path, file.contents);
  const { manifest } = result;
  for (const note of manifest.refused) process.stderr.write(`${note.at}: refused ${note.caseId}: ${note.why}\n`);
  process.stdout.write(
    `exported ${result.exportedCases} cases of ${tests.suites.length} suites into ${manifest.files.length} run-tests files in ${dir}\n` +
      `refused ${manifest.refused.length} cases (listed above and in manifest.json); ` +
      `${manifest.weakened.length} exported cases are checked more weakly by the CLI (manifest.json says how)\n` +
      `run them: sh ${join(dir, SCRIPT_FILE)}\n`,
  );
  // A suite that did not load was not exported: that must fail, not pass as "everything exported".
  return hasErrors(tests.diagnostics) ? 1 : 0;
}

function importCommand(root: string, input: string, mode: string | undefined, out: string | undefined): number {
  const tests = loadPolicyTests({ root });
  if (!tests.schema) throw new CommandFailure(`the project at ${root} has no schema that loads; run npm run validate`, 1);
  const modes = [...tests.catalog.modes.keys()];
  if (mode !== undefined && !tests.catalog.modes.has(mode)) {
    const suggestion = closestMatch(mode, modes);
    throw new UsageError(`no mode "${mode}"${suggestion ? `; did you mean ${suggestion}?` : `; modes: ${modes.join(', ')}`}`);
  }
  let files: ReadTestFile[];
  try {
    files = readTestFiles(input);
  } catch (error) {
    if (error instanceof CedarCliInputError) throw new CommandFailure(`${input} is not a Cedar CLI run-tests input:\n${error.message}`, 2);
    throw error;
  }
  const isDir = statSync(input).isDirectory();
  let status = 0;
  const written = new Set<string>();
  for (const file of files) {
    const fileMode = mode ?? file.mode;
    if (fileMode === undefined)
      throw new UsageError(`${file.path}: give --mode (one of ${modes.join(', ')}); the run-tests format does not name the policies' mode`);
    const target = resolve(root, outputPath(file, isDir, out));
    const schemaLinePath = relative(dirname(target), join(SCHEMA_DIR, TEST_FILE_SCHEMAS.suite));
    const imported = importTests({ file, mode: fileMode, schema: tests.schema, schemaLinePath });
    if (imported.problems.length > 0) throw new CommandFailure(`${input} cannot be imported:\n${formatProblems(imported.problems)}`, 2);
    for (const refused of imported.refused)
      process.stderr.write(`refused ${refused.file}: ${refused.path}: ${refused.message}\n  hint: ${refused.hint}\n`);
    writeOutput(root, target, imported.yaml);
    written.add(relative(root, target));
    process.stdout.write(`${file.path} → ${relative(root, target)}: ${imported.cases} cases (mode ${fileMode})\n`);
  }
  // The written suites load like any other: report what loading them shows, so a bad import is seen now.
  const problems = loadPolicyTests({ root }).diagnostics.filter((d) => written.has(d.file) && hasErrors([d]));
  if (problems.length > 0) {
    process.stderr.write(formatDiagnostics(problems, 'text'));
    status = 1;
  }
  return status;
}

/** One file: --out, or the default folder with the file's name; a folder: each file's path under --out. */
function outputPath(file: ReadTestFile, isDir: boolean, out: string | undefined): string {
  // An export keeps its run-tests files under tests/; the suites go straight into the output folder.
  const name = (isDir ? file.path.replace(/^tests\//, '') : basename(file.path)).replace(/\.json$/, SUITE_SUFFIX);
  if (!isDir && out !== undefined) return out;
  const folder = out ?? DEFAULT_IMPORT_DIR;
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`--out ${folder} must be a folder for a folder input`);
  return join(folder, name);
}
