// `--claims <file.json|JSON>`: the claims of a token minted for no demo principal, as explain's --claims reads them,
// or written inline on the command line when the value is a JSON object.
import { readClaimsFile } from '../explain/input-files.js';

/** Throws an Error whose message names the option and what is wrong with its value. */
export function readClaimsOption(value: string): Record<string, unknown> {
  if (!value.trimStart().startsWith('{')) return readClaimsFile(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`--claims: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('--claims: expected a JSON object of claims');
  return Object.fromEntries(Object.entries(parsed));
}
