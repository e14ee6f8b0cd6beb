// Reads local/demo/seed.yaml: the entities, tenants, demo principals and printed examples of the local environment.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { parse } from 'yaml';
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

export interface DemoData {
  readonly tenants: readonly { readonly tenantId: string; readonly policyStoreId: string }[];
  readonly entities: readonly EntityJson[];
  readonly principals: Readonly<Record<string, Readonly<Record<string, DemoPrincipal>>>>;
  readonly examples: Readonly<Record<string, readonly DemoExample[]>>;
}

export const SEED_FILE = fileURLToPath(new URL('./seed.yaml', import.meta.url));

export function loadDemoData(path: string = SEED_FILE): DemoData {
  const data = parse(readFileSync(path, 'utf8')) as Partial<DemoData> | null;
  if (
    !data ||
    !Array.isArray(data.entities) ||
    !Array.isArray(data.tenants) ||
    typeof data.principals !== 'object' ||
    typeof data.examples !== 'object'
  ) {
    throw new Error(`${path}: expected tenants, entities, principals and examples`);
  }
  return data as DemoData;
}

export function demoPrincipal(data: DemoData, mode: string, name: string): DemoPrincipal {
  const byName = data.principals[mode];
  if (!byName) throw new Error(`no demo principals for mode "${mode}"; modes with principals: ${Object.keys(data.principals).join(', ')}`);
  const principal = byName[name];
  if (!principal) throw new Error(`no demo principal "${name}" in mode "${mode}"; try one of: ${Object.keys(byName).join(', ')}`);
  return principal;
}
