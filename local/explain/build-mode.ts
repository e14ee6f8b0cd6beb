// Builds the mode as `npm run generate` does (load → validate → model), from the sources: generated/ is never read.
import { generateProject } from '../../generator/generate.js';
import type { ModeModel } from '../../generator/model/build-model.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { ExplainUsageError, InvalidProjectError } from './errors.js';

/** Throws InvalidProjectError when the project does not validate, ExplainUsageError for an unknown mode. */
export function buildMode(root: string, name: string): ModeModel {
  const { diagnostics, model } = generateProject(root);
  if (!model) throw new InvalidProjectError(diagnostics);
  const found = model.modes.find((mode) => mode.name === name);
  if (found) return found;
  const names = model.modes.map((mode) => mode.name);
  const suggestion = closestMatch(name, names);
  throw new ExplainUsageError(
    `unknown mode "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; the modes are: ${names.join(', ')}`,
  );
}
