// The modes a project has generated, discovered from generated/<mode>/ rather than imported by name, so that
// toolkit scripts (tenant onboarding, benchmarks) work for any domain: what they act on is what `npm run generate`
// wrote and the stacks deploy.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';

export interface GeneratedMode {
  readonly name: string;
  readonly config: ModeConfig;
  readonly bundle: PolicyBundle;
}

/** generated/ is missing or holds no mode: the project has not been generated. */
export class NoGeneratedModesError extends Error {
  readonly code = 'NO_GENERATED_MODES';
}

/** Every mode under `<root>/generated/`, sorted by name. Loads each authorizer module (its MODE_CONFIG and POLICY_BUNDLE). */
export async function loadGeneratedModes(root: string): Promise<GeneratedMode[]> {
  const dir = join(root, 'generated');
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'authorizer.ts')))
        .map((entry) => entry.name)
        .sort()
    : [];
  if (names.length === 0) throw new NoGeneratedModesError(`no generated mode under ${dir}; run npm run generate`);
  return Promise.all(
    names.map(async (name) => {
      const module = (await import(pathToFileURL(join(dir, name, 'authorizer.ts')).href)) as {
        MODE_CONFIG: ModeConfig;
        POLICY_BUNDLE: PolicyBundle;
      };
      return { name, config: module.MODE_CONFIG, bundle: module.POLICY_BUNDLE };
    }),
  );
}
