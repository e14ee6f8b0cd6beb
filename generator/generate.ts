// The whole pipeline as one function: load → validate → model → render. Writing or checking is the caller's choice.
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { readProjectSources } from './load/source-files.js';
import { buildModel, type GenerationModel } from './model/build-model.js';
import { renderProject, type RenderedFile } from './render/render.js';
import { validateProject } from './validate/project.js';

export interface GenerationResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Present only when validation found no error. */
  readonly files?: readonly RenderedFile[];
  readonly model?: GenerationModel;
}

export function generateProject(root: string): GenerationResult {
  const { diagnostics, project } = validateProject(readProjectSources(root));
  if (!project) return { diagnostics };
  const model = buildModel(project);
  return { diagnostics, model, files: renderProject(model) };
}
