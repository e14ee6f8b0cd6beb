// The demo world explain starts from: the project's own local/demo/seed.yaml when --root has one, else this repository's.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { parse } from 'yaml';
import { loadDemoData, SEED_FILE, type DemoData } from '../demo-world/demo-data.js';
import { ExplainUsageError, reasonOf } from './errors.js';

/** One linked principal's template links, as a local mode's link table holds them. */
export interface SeedTemplateLinks {
  readonly principal: TypeAndId;
  readonly links: readonly { readonly id: string; readonly templateId: string; readonly resource: TypeAndId }[];
}

export interface ExplainDemo {
  readonly demo: DemoData;
  /** The seed's `templateLinks` section, for modes that read links from a table; empty when it has none. */
  readonly templateLinks: readonly SeedTemplateLinks[];
  /** The seed file, relative to the project root (or to this repository's), for the trace. */
  readonly source: string;
}

export function loadExplainDemo(root: string): ExplainDemo {
  const own = join(root, 'local', 'demo', 'seed.yaml');
  const file = existsSync(own) ? own : SEED_FILE;
  try {
    const demo = loadDemoData(file);
    const section = (parse(readFileSync(file, 'utf8')) as { templateLinks?: unknown } | null)?.templateLinks ?? [];
    if (!Array.isArray(section)) throw new Error('templateLinks must be a list of { principal, links }');
    return { demo, templateLinks: section as SeedTemplateLinks[], source: file === own ? relative(root, file) : 'local/demo/seed.yaml' };
  } catch (error) {
    throw new ExplainUsageError(`the demo world ${file} does not load: ${reasonOf(error)}`, { cause: error });
  }
}
