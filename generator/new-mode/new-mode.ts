// `npm run new-mode`: drafts modes/<name>.yaml from the project's schema, checks that it validates, and writes it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODES_DIR } from '../load/source-files.js';
import { assertDraftValid } from './check-draft.js';
import { draftMode } from './draft-mode.js';
import { ModeExistsError } from './errors.js';
import type { NewModeRequest } from './options.js';
import { pickExampleRoute, type ExampleRoute } from './pick-example.js';
import { readDomain } from './read-domain.js';
import { renderModeYaml } from './render-mode-yaml.js';

export interface NewModeResult {
  /** Relative to the root, such as `modes/orders.yaml`. */
  readonly path: string;
  readonly example: ExampleRoute;
}

/** Throws ModeExistsError, DomainUnreadableError, NoRoutableActionError or DraftInvalidError; writes nothing then. */
export function createMode({ root, name, api, identity }: NewModeRequest): NewModeResult {
  const path = `${MODES_DIR}/${name}.yaml`;
  const domain = readDomain(root);
  const example = pickExampleRoute(domain.schema);
  const text = renderModeYaml(draftMode({ name, api, identity, domain, example }));
  assertDraftValid(path, text, domain);
  // The first mode of a new domain is written before modes/ exists.
  mkdirSync(join(root, MODES_DIR), { recursive: true });
  try {
    // `wx`: an existing mode, even one made a moment ago by someone else, is never overwritten.
    writeFileSync(join(root, path), text, { flag: 'wx' });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') throw new ModeExistsError(path);
    throw error;
  }
  return { path, example };
}
