// `npm run explain`: what the real authorizer decides for one request, and why. Exit 0 (any decision), 1 (invalid project), 2 (usage).
import { existsSync, statSync } from 'node:fs';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { EXPLAIN_USAGE, parseExplainArgs } from '../explain/args.js';
import { ExplainArgumentError, ExplainError, ExplainUsageError, InvalidProjectError, reasonOf } from '../explain/errors.js';

async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseExplainArgs(argv, process.cwd());
    if (command.kind === 'help') {
      process.stdout.write(`${EXPLAIN_USAGE}\n`);
      return 0;
    }
    const { request } = command;
    if (!existsSync(request.root) || !statSync(request.root).isDirectory())
      throw new ExplainUsageError(`--root ${request.root} is not a directory`);
    // Loaded only now: --help and a malformed command line answer without loading the generator, runtime and SDKs.
    const [{ runExplain }, { formatTrace }] = await Promise.all([import('../explain/run-explain.js'), import('../explain/format-text.js')]);
    const trace = await runExplain(request);
    process.stdout.write(request.format === 'json' ? `${JSON.stringify(trace.explanation, null, 2)}\n` : formatTrace(trace));
    return 0;
  } catch (error) {
    if (error instanceof InvalidProjectError) {
      // As `npm run validate` prints them, so the same editor integrations jump to the same lines.
      process.stdout.write(formatDiagnostics(error.diagnostics, 'text'));
      process.stderr.write(`explain: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ExplainUsageError) {
      // A malformed command line gets the usage; a well-formed one naming something unknown gets only its message.
      process.stderr.write(`explain: ${error.message}\n${error instanceof ExplainArgumentError ? `${EXPLAIN_USAGE}\n` : ''}`);
      return 2;
    }
    if (error instanceof ExplainError) {
      process.stderr.write(`explain: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`explain failed: ${reasonOf(error)}\n`);
    process.exitCode = 1;
  },
);
