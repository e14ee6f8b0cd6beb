// project.yaml as the stacks read it, for tools that need the project's names without generating (`npm run deploy`).
import { formatText } from './diagnostics/format.js';
import { readProjectFile } from './load/source-files.js';
import { toProjectModel } from './model/project-model.js';
import { checkProjectSettings } from './validate/project-settings.js';
import type { ProjectConfig } from '../infra/project.js';

/** project.yaml is missing or invalid; the message lists its diagnostics as `validate` prints them. */
export class ProjectSettingsError extends Error {
  override readonly name = 'ProjectSettingsError';
}

export function readProjectConfig(root: string): ProjectConfig {
  const { diagnostics, settings } = checkProjectSettings(readProjectFile(root));
  if (!settings) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatText);
    throw new ProjectSettingsError(`project.yaml is not valid; run npm run validate:\n${errors.join('')}`.trimEnd());
  }
  return toProjectModel(settings).config;
}
