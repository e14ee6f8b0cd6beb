// `npm run fmt` formats every policies/**/*.cedar file in place; `-- --check` fails, naming them, when one is not
// formatted; `-- --fix` also gives each policy without an @id one derived from its file and scope.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, UsageError } from '../../common/cli/command-line.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { readProjectSources, type SourceFile } from '../../generator/load/source-files.js';
import { addMissingIds } from '../add-missing-ids.js';
import { CEDAR_FORMAT, formatCedarFile, type FormatResult } from '../format.js';

const USAGE = `usage: npm run fmt -- [--root <dir>] [--check | --fix]
  formats policies/**/*.cedar in place (lineWidth ${CEDAR_FORMAT.lineWidth}, indentWidth ${CEDAR_FORMAT.indentWidth});
  --check writes nothing and exits 1 when a file is not formatted;
  --fix also adds an @id, derived from the file and the policy's scope, to each policy that has none`;

const SPEC = {
  command: 'npm run fmt --',
  usage: USAGE,
  options: { root: { type: 'string' }, check: { type: 'boolean' }, fix: { type: 'boolean' } },
} as const;

const STYLE = `lineWidth ${CEDAR_FORMAT.lineWidth}, indentWidth ${CEDAR_FORMAT.indentWidth}`;

runCli(SPEC, ({ values }) => {
  if (values.check && values.fix) throw new UsageError('--check and --fix cannot be combined: --check never writes');
  const root = values.root ?? process.cwd();
  const results = readProjectSources(root).policyFiles.map(formatCedarFile);
  const broken = results.flatMap((result) => ('diagnostics' in result ? result.diagnostics : []));
  process.stderr.write(formatDiagnostics(broken, 'text'));
  const brokenFiles = new Set(broken.map((d) => d.file)).size;
  return values.check ? check(results, brokenFiles) : write(root, results, { fix: values.fix === true, brokenFiles });
});

function check(results: readonly FormatResult[], brokenFiles: number): number {
  const unformatted = results.filter((result) => 'changed' in result && result.changed);
  for (const result of unformatted) if ('diff' in result) process.stdout.write(`${result.file.path}: not formatted\n${result.diff}\n`);
  if (unformatted.length === 0 && brokenFiles === 0) {
    process.stdout.write(`${results.length} Cedar files formatted (${STYLE})\n`);
    return 0;
  }
  const parseNote = brokenFiles > 0 ? `, ${brokenFiles} do not parse` : '';
  process.stdout.write(`${unformatted.length} of ${results.length} Cedar files need formatting${parseNote}: run \`npm run fmt\`\n`);
  return 1;
}

function write(root: string, results: readonly FormatResult[], options: { fix: boolean; brokenFiles: number }): number {
  const formatted: SourceFile[] = results.map((result) =>
    'formatted' in result ? { path: result.file.path, text: result.formatted } : result.file,
  );
  // Ids must be unique across the project, which cannot be known while a file does not parse.
  const fixing = options.fix && options.brokenFiles === 0;
  const { files, added } = fixing ? addMissingIds(formatted) : { files: formatted, added: [] };
  let reformatted = 0;
  files.forEach((file, index) => {
    const result = results[index];
    if (result === undefined || file.text === result.file.text) return;
    writeFileSync(join(root, file.path), file.text);
    if ('changed' in result && result.changed) reformatted++;
  });
  for (const addition of added) process.stdout.write(`${addition.file}:${addition.line}: added @id("${addition.id}")\n`);
  process.stdout.write(`formatted ${reformatted} of ${results.length} Cedar files (${STYLE})\n`);
  if (options.fix) {
    process.stdout.write(
      fixing
        ? `added ${added.length} @id annotation${added.length === 1 ? '' : 's'}\n`
        : `added no @id: ${options.brokenFiles} Cedar file${options.brokenFiles === 1 ? ' does' : 's do'} not parse\n`,
    );
  }
  return options.brokenFiles === 0 ? 0 : 1;
}
