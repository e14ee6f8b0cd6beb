// Benchmarks measure the toolkit on a FIXED workload, the billing fixture project (tests/fixtures/billing: the
// example domain frozen, namespace `Billing`, with its own project.yaml and local/demo/seed.yaml), so that numbers
// stay comparable with bench/baseline.md whatever domain a team puts at the repository's root. Modes are picked
// from the fixture's generated output by what a benchmark needs, never imported from `generated/<mode>` by name.
import { join } from 'node:path';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { generateProject } from '../../generator/generate.js';
import { writeGeneratedFiles } from '../../generator/write/write-files.js';
import { copyDomain } from '../../tests/domain/domain-project.js';
import { type DemoData, loadDemoData } from '../../local/demo-world/demo-data.js';
import { type FixtureMode, fixtureModes, fixtureRoot } from '../../tests/support/fixture-domain.js';

export const WORKLOAD_DOMAIN = 'billing';
/** The fixture's Cedar namespace: entity types in hand-built requests are `${WORKLOAD_NAMESPACE}::Account`. */
export const WORKLOAD_NAMESPACE = 'Billing';

export function workloadRoot(): string {
  return fixtureRoot(WORKLOAD_DOMAIN);
}

export function workloadDemo(): DemoData {
  return loadDemoData(join(workloadRoot(), 'local/demo/seed.yaml'));
}

/** The first fixture mode that fits `need`; a clear error naming the need when none does. */
export function workloadMode(need: string, fits: (mode: FixtureMode) => boolean): FixtureMode {
  const modes = Object.values(fixtureModes(WORKLOAD_DOMAIN));
  const found = modes.find(fits);
  if (!found) {
    const names = modes.map((mode) => mode.MODE_CONFIG.name).join(', ');
    throw new Error(`bench: the ${WORKLOAD_DOMAIN} fixture has no ${need} (modes: ${names})`);
  }
  return found;
}

/** A REST request-authorizer mode on the local engine with a Cognito user pool and an entity store. */
export function userRequestAuthorizerMode(): FixtureMode {
  return workloadMode(
    'REST request-authorizer mode on the local engine with a Cognito user pool and an entity store',
    ({ MODE_CONFIG: m }) =>
      m.api.type === 'rest' &&
      m.api.authorizer === 'request' &&
      m.engine.kind === 'local' &&
      m.identitySource.kind === 'cognito' &&
      m.entityStore !== undefined &&
      m.tenancy.kind === 'single',
  );
}

/** A mode whose policy bundle has templates (template-linked policies). */
export function templatedMode(): FixtureMode {
  return workloadMode('mode with policy templates', ({ POLICY_BUNDLE: b }) => Object.keys(b.templates).length > 0);
}

/**
 * The workload generated as `npm run generate` writes it, in a scratch project (the fixture's domain over a copy of
 * the toolkit), for benchmarks that need real generated files, such as the cold start's Lambda bundle.
 */
export function generatedWorkloadProject(): { readonly root: string; remove(): void } {
  const project = copyDomain(WORKLOAD_DOMAIN);
  const { diagnostics, files } = generateProject(project.root);
  if (!files) {
    project.remove();
    throw new Error(`bench: the ${WORKLOAD_DOMAIN} fixture does not generate:\n${formatDiagnostics(diagnostics, 'text')}`);
  }
  writeGeneratedFiles(project.root, files);
  return project;
}
