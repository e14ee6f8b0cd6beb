// `npm run validate`: checks the schema, the policies and the modes, and prints every diagnostic.
import { runCli } from '../../common/cli/command-line.js';
import { formatDiagnostics, summarize } from '../diagnostics/format.js';
import { readProjectSources } from '../load/source-files.js';
import { validateProject } from '../validate/project.js';
import { outputFormatOf } from './output-format.js';

const SPEC = {
  command: 'validate',
  usage: 'usage: npm run validate -- [--root <dir>] [--format text|github|json]',
  options: { root: { type: 'string' }, format: { type: 'string' } },
} as const;

runCli(SPEC, ({ values }) => {
  const format = outputFormatOf(values.format);
  const started = performance.now();
  const { diagnostics, project } = validateProject(readProjectSources(values.root ?? process.cwd()));
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (format === 'text') {
    const elapsed = Math.round(performance.now() - started);
    const counts = project
      ? ` (${project.modes.length} modes, ${project.policies.length} policies, ${project.schema.entityTypes.size} entity types, ` +
        `${project.schema.actions.size} actions)`
      : '';
    process.stdout.write(`${project ? 'valid' : 'invalid'}: ${summarize(diagnostics)}${counts} in ${elapsed} ms\n`);
  }
  return project ? 0 : 1;
});
