// Reads a domain's local/demo/seed.yaml: the entities, template links, tenants, demo principals and printed examples of
// the local environment. A domain without the file gets an empty world: no entities, no tenants, no demo principals.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { parse } from 'yaml';
import { closestMatch } from '../../common/did-you-mean.js';
import type { PrincipalSpec } from '../issuer/token-issuer.js';

export interface DemoPrincipal extends PrincipalSpec {
  /** Raw claims laid over the mapped ones, such as Okta's `amr`. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export interface DemoExample {
  readonly principal: string;
  readonly method: string;
  /** Path and query, as a client sends them. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** 200 (allowed), 403 (denied), or 101 (WebSocket upgrade accepted). */
  readonly expect: number;
  readonly why: string;
}

/** One linked principal's template links, as a mode's link table holds them. */
export interface SeedTemplateLinks {
  readonly principal: TypeAndId;
  readonly links: readonly { readonly id: string; readonly templateId: string; readonly resource: TypeAndId }[];
}

export interface DemoData {
  readonly tenants: readonly { readonly tenantId: string; readonly policyStoreId: string }[];
  readonly entities: readonly EntityJson[];
  readonly templateLinks: readonly SeedTemplateLinks[];
  readonly principals: Readonly<Record<string, Readonly<Record<string, DemoPrincipal>>>>;
  readonly examples: Readonly<Record<string, readonly DemoExample[]>>;
}

/** Where a domain keeps its demo world, relative to the project root. */
export const SEED_PATH = 'local/demo/seed.yaml';

/** This repository's root: the default project root of the local environment. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** This repository's own demo world. */
export const SEED_FILE = join(REPOSITORY_ROOT, SEED_PATH);

export const EMPTY_DEMO: DemoData = { tenants: [], entities: [], templateLinks: [], principals: {}, examples: {} };

/** The domain's demo world under `root`, or the empty world when it has no seed file. */
export function loadDemoWorld(root: string): { readonly demo: DemoData; readonly seedFile?: string } {
  const file = join(root, SEED_PATH);
  return existsSync(file) ? { demo: loadDemoData(file), seedFile: file } : { demo: EMPTY_DEMO };
}

/** Every section is optional (a seed may hold only entities); a section of the wrong shape is an error naming the file. */
export function loadDemoData(path: string = SEED_FILE): DemoData {
  const data: unknown = parse(readFileSync(path, 'utf8')) ?? {};
  if (!isRecord(data)) throw new Error(`${path}: expected a mapping of tenants, entities, templateLinks, principals and examples`);
  const list = (name: string): unknown[] => {
    const value = data[name] ?? [];
    if (!Array.isArray(value)) throw new Error(`${path}: ${name} must be a list`);
    return value;
  };
  const record = (name: string): Record<string, unknown> => {
    const value = data[name] ?? {};
    if (!isRecord(value)) throw new Error(`${path}: ${name} must be a mapping by mode name`);
    return value;
  };
  // The sections' inner shapes are checked where they are used: by Cedar, the runtime and the issuer.
  return {
    tenants: list('tenants') as DemoData['tenants'],
    entities: list('entities') as DemoData['entities'],
    templateLinks: list('templateLinks') as DemoData['templateLinks'],
    principals: record('principals') as DemoData['principals'],
    examples: record('examples') as DemoData['examples'],
  };
}

export function demoPrincipal(data: DemoData, mode: string, name: string): DemoPrincipal {
  const byName = data.principals[mode] ?? {};
  const principal = byName[name];
  if (principal) return principal;
  const names = Object.keys(byName);
  if (names.length === 0) throw new Error(`mode "${mode}" has no demo principals in ${SEED_PATH}; mint one with --claims <file.json|JSON>`);
  const suggestion = closestMatch(name, names);
  throw new Error(
    `no demo principal "${name}" in mode "${mode}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; try one of: ${names.join(', ')}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
