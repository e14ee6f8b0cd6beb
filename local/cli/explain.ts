// `npm run explain`: what the real authorizer decides for one request, and why. Exit 0 (any decision), 1 (invalid project), 2 (usage).
import { existsSync, statSync } from 'node:fs';
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { EXPLAIN_COMMAND, explainRequestOf } from '../explain/args.js';
import { ExplainArgumentError, ExplainUsageError, InvalidProjectError } from '../explain/errors.js';

runCli(EXPLAIN_COMMAND, async ({ values }) => {
  try {
    const request = explainRequestOf(values, process.cwd());
    if (!existsSync(request.root) || !statSync(request.root).isDirectory())
      throw new ExplainUsageError(`--root ${request.root} is not a directory`);
    // Loaded only now: --help and a malformed command line answer without loading the generator, runtime and SDKs.
    const [{ runExplain }, { formatTrace }] = await Promise.all([import('../explain/run-explain.js'), import('../explain/format-text.js')]);
    const trace = await runExplain(request);
    process.stdout.write(request.format === 'json' ? `${JSON.stringify(trace.explanation, null, 2)}\n` : formatTrace(trace));
    return 0;
  } catch (error) {
    // A malformed command line gets the usage; a well-formed one naming something unknown gets only its message.
    if (error instanceof ExplainArgumentError) throw new UsageError(error.message, { cause: error });
    if (error instanceof ExplainUsageError) throw new CommandFailure(error.message, 2, { cause: error });
    if (error instanceof InvalidProjectError) {
      // As `npm run validate` prints them, so the same editor integrations jump to the same lines.
      process.stdout.write(formatDiagnostics(error.diagnostics, 'text'));
      throw new CommandFailure(error.message, 1, { cause: error });
    }
    throw error;
  }
});
