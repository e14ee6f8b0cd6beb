// `npm run flush -- <mode>`: clears the authorizer cache of the mode's deployed API stage after a deploy or a tenant
// sync; exit 0 (flushed, or nothing to flush), 1 (failure) or 2 (usage).
import { CommandFailure, runCli } from '../../common/cli/command-line.js';
import { loadGeneratedModes, NoGeneratedModesError } from '../../common/generated-modes.js';
import { ProjectSettingsError } from '../../generator/project-config.js';
import { FlushError } from '../aws/flush-authorizer-cache.js';
import { StackOutputsError } from '../aws/stack-outputs.js';
import { FLUSH_COMMAND, flushRequestOf } from './args.js';
import { describeFlush, runFlushCommand } from './run-flush.js';

runCli(FLUSH_COMMAND, async (line) => {
  const request = flushRequestOf(line, process.cwd());
  try {
    const modes = await loadGeneratedModes(request.root);
    process.stdout.write(`${describeFlush(await runFlushCommand(request, { modes, env: process.env }))}\n`);
    return 0;
  } catch (error) {
    // Messages already written for the user: printed without a stack trace, exit 1.
    const known = [NoGeneratedModesError, ProjectSettingsError, StackOutputsError, FlushError].some((kind) => error instanceof kind);
    if (known && error instanceof Error) throw new CommandFailure(error.message, 1, { cause: error });
    throw error;
  }
});
