// `npm run generate [-- --check]`: validates, then writes generated/ (or, with --check, proves it is up to date).
import { runCli } from '../../common/cli/command-line.js';
import { formatDiagnostics, summarize } from '../diagnostics/format.js';
import { generateProject } from '../generate.js';
import { findStaleFiles } from '../write/check-files.js';
import { writeGeneratedFiles } from '../write/write-files.js';
import { outputFormatOf } from './output-format.js';

const SPEC = {
  command: 'generate',
  usage: 'usage: npm run generate -- [--check] [--root <dir>] [--format text|github|json]',
  options: { root: { type: 'string' }, format: { type: 'string' }, check: { type: 'boolean' } },
} as const;

runCli(SPEC, ({ values }) => {
  const format = outputFormatOf(values.format);
  const root = values.root ?? process.cwd();
  const started = performance.now();
  const { diagnostics, files, model } = generateProject(root);
  process.stdout.write(formatDiagnostics(diagnostics, format));
  if (!files || !model) {
    process.stderr.write(`generate: ${summarize(diagnostics)}; nothing was written\n`);
    return 1;
  }
  if (values.check) {
    const stale = findStaleFiles(root, files);
    if (stale.length > 0) {
      process.stderr.write(`generate --check: ${stale.length} generated file(s) are stale:\n`);
      for (const file of stale) {
        process.stderr.write(`  ${file.path}: ${file.problem}\n${file.diff ? `${file.diff}\n` : ''}`);
      }
      process.stderr.write('Run `npm run generate` and commit the result. Never edit generated files by hand.\n');
      return 1;
    }
    process.stdout.write(`generate --check: ${files.length} files up to date (${elapsed(started)} ms)\n`);
    return 0;
  }
  writeGeneratedFiles(root, files);
  process.stdout.write(
    `generate: wrote ${files.length} files for ${model.modes.length} modes ` +
      `(${model.modes.map((m) => m.name).join(', ')}) in ${elapsed(started)} ms\n`,
  );
  return 0;
});

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
