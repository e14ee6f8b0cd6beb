// `npm run validate`: checks the schema, the policies and the modes, and prints every diagnostic.
import { parseArgs } from 'node:util';
import { formatDiagnostics, OUTPUT_FORMATS, summarize, type OutputFormat } from '../diagnostics/format.js';
import { readProjectSources } from '../load/source-files.js';
import { validateProject } from '../validate/project.js';

const USAGE = `usage: npm run validate -- [--root <dir>] [--format text|github|json]`;

function main(argv: string[]): number {
  let values: { root?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { root: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const format = (values.format ?? 'text') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) {
    process.stderr.write(`unknown --format "${values.format}"; use one of ${OUTPUT_FORMATS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  const { diagnostics, project } = validateProject(readProjectSources(values.root ?? process.cwd()));
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (format === 'text') {
    const elapsed = Math.round(performance.now() - started);
    const counts = project
      ? ` (${project.modes.length} modes, ${project.policies.length} policies, ${project.schema.entityTypes.size} entity types, ${project.schema.actions.size} actions)`
      : '';
    process.stdout.write(`${project ? 'valid' : 'invalid'}: ${summarize(diagnostics)}${counts} in ${elapsed} ms\n`);
  }
  return project ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
