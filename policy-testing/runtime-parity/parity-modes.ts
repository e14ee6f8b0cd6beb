// Builds every mode exactly as the generator does (validate → model), for any project root: the ModeConfig and
// PolicyBundle the generated handler would embed, without writing generated/.
import { formatText } from '../../generator/diagnostics/format.js';
import { readProjectSources, type ProjectSources } from '../../generator/load/source-files.js';
import { buildModel } from '../../generator/model/build-model.js';
import { validateProject } from '../../generator/validate/project.js';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import { ParityModeError, ParityProjectError } from '../errors.js';
import type { HandlerFactory } from './handler-call.js';

export interface ParityMode {
  readonly config: ModeConfig;
  readonly bundle: PolicyBundle;
  /** The runtime handler factory the generated handler calls. */
  readonly handler: HandlerFactory;
}

export type ParityModes = ReadonlyMap<string, ParityMode>;

/** Throws ParityProjectError, listing the generator's errors, when the project does not validate. */
export function buildParityModes(sources: ProjectSources): ParityModes {
  const { diagnostics, project } = validateProject(sources);
  if (!project) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatText);
    throw new ParityProjectError(`the project at ${sources.root} does not validate, so no mode can be built:\n${errors.join('\n')}`);
  }
  return new Map(
    buildModel(project).modes.map((mode) => [mode.name, { config: mode.config, bundle: mode.bundle, handler: mode.handler.factory }]),
  );
}

export function parityModesAt(root: string): ParityModes {
  return buildParityModes(readProjectSources(root));
}

export function modeNamed(modes: ParityModes, name: string): ParityMode {
  const mode = modes.get(name);
  if (!mode) throw new ParityModeError(`no mode \`${name}\` was built; modes: ${[...modes.keys()].sort().join(', ')}`);
  return mode;
}
