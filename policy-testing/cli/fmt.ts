// `npm run fmt` formats every policies/**/*.cedar file in place; `npm run fmt:check` fails, naming them, when one is not formatted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { readProjectSources } from '../../generator/load/source-files.js';
import { CEDAR_FORMAT, formatCedarFile } from '../format.js';

const USAGE = 'usage: npm run fmt [-- --root <dir>]  |  npm run fmt:check [-- --root <dir>]';

function main(argv: string[]): number {
  let values: { root?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { root: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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
  const results = readProjectSources(root).policyFiles.map(formatCedarFile);
  let broken = 0;
  const unformatted: string[] = [];
  for (const result of results) {
    if ('diagnostics' in result) {
      broken++;
      process.stderr.write(formatDiagnostics(result.diagnostics, 'text'));
      continue;
    }
    if (!result.changed) continue;
    unformatted.push(result.file.path);
    if (values.check) process.stdout.write(`${result.file.path}: not formatted\n${result.diff}\n`);
    else writeFileSync(join(root, result.file.path), result.formatted);
  }
  const style = `lineWidth ${CEDAR_FORMAT.lineWidth}, indentWidth ${CEDAR_FORMAT.indentWidth}`;
  if (values.check) {
    process.stdout.write(
      unformatted.length === 0 && broken === 0
        ? `${results.length} Cedar files formatted (${style})\n`
        : `${unformatted.length} of ${results.length} Cedar files need formatting${broken ? `, ${broken} do not parse` : ''}: run \`npm run fmt\`\n`,
    );
    return unformatted.length === 0 && broken === 0 ? 0 : 1;
  }
  process.stdout.write(`formatted ${unformatted.length} of ${results.length} Cedar files (${style})\n`);
  return broken === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
