// `tsx scripts/deploy/mode-matrix.ts >> "$GITHUB_OUTPUT"`: the deploy workflow's matrix, every generated mode and the
// multi-tenant ones, read from generated/ as `npm run deploy` reads them, so adding a mode needs no workflow change.
import { fileURLToPath } from 'node:url';
import { CommandFailure, runCli } from '../../common/cli/command-line.js';
import { loadGeneratedModes, NoGeneratedModesError } from '../../common/generated-modes.js';
import { githubOutputOf, modeMatrixOf } from './plan.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

runCli({ command: 'mode-matrix', usage: 'usage: tsx scripts/deploy/mode-matrix.ts >> "$GITHUB_OUTPUT"', options: {} }, async () => {
  try {
    process.stdout.write(githubOutputOf(modeMatrixOf(await loadGeneratedModes(ROOT))));
  } catch (error) {
    if (error instanceof NoGeneratedModesError) throw new CommandFailure(error.message, 1, { cause: error });
    throw error;
  }
  return 0;
});
