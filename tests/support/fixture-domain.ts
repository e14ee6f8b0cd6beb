// The fixture domains under tests/fixtures/ are what toolkit tests run on, so that a team replacing the repository's
// own domain keeps a green toolkit suite. A fixture's generated mode configuration comes from the real generator
// (load → validate → model), generated once per test run by tests/support/generate-fixture-domains.ts (vitest's
// globalSetup) and read here; outside vitest it is generated in-process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProjectSources, readProjectSources } from '../../generator/load/source-files.js';
import { buildModel } from '../../generator/model/build-model.js';
import { validateProject } from '../../generator/validate/project.js';
import type { EngineConfig, ModeConfig, PolicyBundle, TenancyConfig } from '../../runtime/config.js';
import { REPO_ROOT } from './project-copy.js';

export const FIXTURE_DOMAINS = ['billing', 'research-archive'] as const;
export type FixtureDomainName = (typeof FIXTURE_DOMAINS)[number];

/** Where the globalSetup leaves each domain's generated modes, as `<name>.json`. */
export const GENERATED_FIXTURES_DIR = join(REPO_ROOT, '.tmp/fixture-domains');

/** What a generated `generated/<mode>/authorizer.ts` exports, for a fixture domain's mode. */
export interface FixtureMode {
  readonly MODE_CONFIG: ModeConfig;
  readonly POLICY_BUNDLE: PolicyBundle;
}

export type GeneratedFixtureDomain = Readonly<Record<string, FixtureMode>>;

export function fixtureRoot(domain: FixtureDomainName): string {
  return join(REPO_ROOT, 'tests/fixtures', domain);
}

/**
 * A fixture domain's inputs as the generator reads a project. A fixture is a whole project: its domain paths and its
 * own project.yaml, so that toolkit tests depend neither on the repository's domain nor on its project settings.
 */
export function fixtureSources(domain: FixtureDomainName): ProjectSources {
  return readProjectSources(fixtureRoot(domain));
}

const loaded = new Map<FixtureDomainName, GeneratedFixtureDomain>();

/** Every mode of a fixture domain, as the generator renders it into `generated/<mode>/`. */
export function fixtureModes(domain: FixtureDomainName): GeneratedFixtureDomain {
  const cached = loaded.get(domain);
  if (cached) return cached;
  const file = join(GENERATED_FIXTURES_DIR, `${domain}.json`);
  const modes = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GeneratedFixtureDomain) : generateFixtureDomain(domain);
  loaded.set(domain, modes);
  return modes;
}

/** One mode of a fixture domain: `fixtureMode('billing', 'customer').MODE_CONFIG`. */
export function fixtureMode(domain: FixtureDomainName, mode: string): FixtureMode {
  const modes = fixtureModes(domain);
  const found = modes[mode];
  if (!found) throw new Error(`fixture domain ${domain} has no mode ${mode}; it has ${Object.keys(modes).join(', ')}`);
  return found;
}

/**
 * Runs the generator on a fixture domain. The JSON round trip is the one the rendered files make (MODE_CONFIG and
 * policies.json are JSON), so a test sees exactly what a generated authorizer holds.
 */
export function generateFixtureDomain(domain: FixtureDomainName): GeneratedFixtureDomain {
  const { diagnostics, project } = validateProject(fixtureSources(domain));
  const model = project && buildModel(project);
  if (!model) {
    const errors = diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`).join('\n');
    throw new Error(`fixture domain ${domain} does not validate:\n${errors}`);
  }
  const modes: Record<string, FixtureMode> = {};
  for (const mode of model.modes) {
    modes[mode.name] = JSON.parse(JSON.stringify({ MODE_CONFIG: mode.config, POLICY_BUNDLE: mode.bundle })) as FixtureMode;
  }
  return modes;
}

/** The mode's AVP engine settings; a generated file's literal type gives them directly, a fixture's config is narrowed here. */
export function avpEngineOf(config: ModeConfig): Extract<EngineConfig, { kind: 'avp' }> {
  if (config.engine.kind !== 'avp') throw new Error(`mode ${config.name} uses the ${config.engine.kind} engine, not AVP`);
  return config.engine;
}

/** The mode's multi-tenant settings; throws for a single-tenant mode. */
export function multiTenancyOf(config: ModeConfig): Extract<TenancyConfig, { kind: 'multi' }> {
  if (config.tenancy.kind !== 'multi') throw new Error(`mode ${config.name} is single-tenant`);
  return config.tenancy;
}
