// Validates a drafted mode file exactly as `npm run validate` would, against the domain it was drawn from.
import { formatDiagnostics } from '../diagnostics/format.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { loadYaml } from '../load/yaml-source.js';
import type { ModeFile } from '../load/mode-file.js';
import { checkModeSchema } from '../validate/mode-schema.js';
import { checkMode } from '../validate/modes.js';
import { DraftInvalidError } from './errors.js';
import type { Domain } from './read-domain.js';

/** Throws DraftInvalidError, naming each finding, when the file at `path` with `text` would not validate. */
export function assertDraftValid(path: string, text: string, domain: Domain): void {
  const loaded = loadYaml({ path, text });
  const diagnostics = loaded.source ? checkModeSchema(loaded.source) : loaded.diagnostics;
  const all =
    loaded.source && diagnostics.length === 0
      ? checkMode({ source: loaded.source, mode: loaded.source.data as ModeFile }, domain)
      : [...loaded.diagnostics, ...diagnostics];
  if (hasErrors(all)) throw new DraftInvalidError(formatDiagnostics(all, 'text').trimEnd().split('\n'));
}
