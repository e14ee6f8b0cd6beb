// Loads every policy and mode of a source tree (working tree or git revision) and gives each mode's policy set by @id.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../generator/diagnostics/diagnostic.js';
import { loadPolicyFile, type PolicySource } from '../generator/load/cedar-policies.js';
import type { ProjectSources } from '../generator/load/source-files.js';
import { loadYaml } from '../generator/load/yaml-source.js';
import { policyBelongsTo } from '../generator/validate/modes.js';

/** What a mode file says about policies and routes; the rest of the mode does not matter to policy tests. */
export interface ModeDefinition {
  readonly name: string;
  /** Folders or files under policies/, as the mode's `policies` lists them. */
  readonly policyEntries: readonly string[];
  /** The action of each route, in route order. */
  readonly routeActions: readonly string[];
}

/** A mode's policies and templates keyed by @id: what cedar-wasm's `preparsePolicySet` takes. */
export interface ModePolicySet {
  readonly mode: string;
  readonly staticPolicies: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
}

export interface PolicyCatalog {
  /** Every policy and template that parsed, in file order. */
  readonly policies: readonly PolicySource[];
  readonly modes: ReadonlyMap<string, ModeDefinition>;
  /** Policy files that do not parse, and mode files that are not YAML. */
  readonly diagnostics: readonly Diagnostic[];
}

export function loadPolicyCatalog(sources: ProjectSources): PolicyCatalog {
  const diagnostics: Diagnostic[] = [];
  const policies: PolicySource[] = [];
  for (const file of sources.policyFiles) {
    const loaded = loadPolicyFile(file);
    diagnostics.push(...loaded.diagnostics);
    policies.push(...loaded.policies);
  }
  const modes = new Map<string, ModeDefinition>();
  for (const file of sources.modeFiles) {
    const loaded = loadYaml(file);
    diagnostics.push(...loaded.diagnostics);
    const name = /([^/]+)\.yaml$/.exec(file.path)?.[1];
    if (!loaded.source || name === undefined) continue;
    modes.set(name, { name, policyEntries: stringsAt(loaded.source.data, 'policies'), routeActions: routeActionsOf(loaded.source.data) });
  }
  return { policies, modes, diagnostics };
}

/** The mode's policy set from the catalog's policy files; undefined for an unknown mode. */
export function policySetOf(catalog: PolicyCatalog, mode: string): ModePolicySet | undefined {
  const definition = catalog.modes.get(mode);
  if (!definition) return undefined;
  const staticPolicies: Record<string, string> = {};
  const templates: Record<string, string> = {};
  for (const policy of catalog.policies) {
    if (policy.id === undefined || !definition.policyEntries.some((entry) => policyBelongsTo(policy.file.path, entry))) continue;
    (policy.kind === 'policy' ? staticPolicies : templates)[policy.id] = policy.text;
  }
  return { mode, staticPolicies, templates };
}

/** The mode's policy set from its generated bundle, generated/<mode>/policies.json; undefined when there is none. */
export function bundlePolicySet(root: string, mode: string): ModePolicySet | undefined {
  const path = join(root, 'generated', mode, 'policies.json');
  if (!existsSync(path)) return undefined;
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return { mode, staticPolicies: stringRecordAt(bundle, 'policies'), templates: stringRecordAt(bundle, 'templates') };
}

function stringsAt(data: unknown, key: string): string[] {
  const value = isRecord(data) ? data[key] : undefined;
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function routeActionsOf(data: unknown): string[] {
  const routes = isRecord(data) ? data['routes'] : undefined;
  if (!Array.isArray(routes)) return [];
  return routes.flatMap((route: unknown) => (isRecord(route) && typeof route['action'] === 'string' ? [route['action']] : []));
}

function stringRecordAt(data: unknown, key: string): Record<string, string> {
  const value = isRecord(data) ? data[key] : undefined;
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
