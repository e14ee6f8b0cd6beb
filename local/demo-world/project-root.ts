// The project root a local command works on: `--root`, read from where the user typed the command.
import { resolve } from 'node:path';

/**
 * npm runs scripts from the package folder, so a relative `--root` is read from INIT_CWD (the folder `npm` was typed
 * in) when npm set it, else from the current folder. No `--root` means the current folder, as before.
 */
export function projectRoot(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given === undefined ? process.cwd() : resolve(env['INIT_CWD'] ?? process.cwd(), given);
}
