// The demo world explain starts from: the project's own local/demo/seed.yaml, or the empty world when it has none
// (entities then come from --entities, principals from --claims or --token).
import { relative } from 'node:path';
import { type DemoData, loadDemoWorld } from '../demo-world/demo-data.js';
import { ExplainUsageError, reasonOf } from './errors.js';

export interface ExplainDemo {
  readonly demo: DemoData;
  /** How the trace names where the world came from: the seed file relative to the root, or that there is none. */
  readonly source: string;
}

export function loadExplainDemo(root: string): ExplainDemo {
  try {
    const { demo, seedFile } = loadDemoWorld(root);
    return { demo, source: seedFile === undefined ? 'empty: the project has no local/demo/seed.yaml' : relative(root, seedFile) };
  } catch (error) {
    throw new ExplainUsageError(`the demo world of ${root} does not load: ${reasonOf(error)}`, { cause: error });
  }
}
