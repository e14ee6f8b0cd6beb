// The billing fixture (tests/fixtures/billing: its domain and its own project.yaml) generated into a scratch project,
// so infra tests synthesize a real generated app without the repository's own domain or its generated/ folder.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generateProject } from '../../../generator/generate.js';
import { writeGeneratedFiles } from '../../../generator/write/write-files.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { listFiles, REPO_ROOT } from '../../support/project-copy.js';

/**
 * The toolkit's code is linked, not copied: modules load from their real paths, so `instanceof` against the
 * repository's classes holds for what the generated app builds. deploy.ts is copied because it finds its project
 * from its own location.
 */
const LINKED = ['runtime', 'infra', 'common', 'generator', 'node_modules'] as const;
const COPIED = ['scripts/deploy.ts', 'scripts/deploy'] as const;

export interface BillingProject {
  readonly root: string;
  /** The absolute path of a generated file: `generated('customer/authorizer.ts')`. */
  generated(path: string): string;
}

let shared: BillingProject | undefined;

/**
 * Generates the billing fixture once per test file and removes it after the file's tests. Call it at the top level
 * of a test file (or from a helper called there), where vitest collects the afterAll that cleans up.
 */
export function billingProject(): BillingProject {
  if (shared) return shared;
  // Under the repository (in the ignored .tmp/), so CDK's lock-file lookup from the working directory finds the
  // repository's package-lock.json and the Lambda entries lie under that project root, as in `cdk synth`.
  const scratch = join(REPO_ROOT, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const root = mkdtempSync(join(scratch, 'billing-project-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const fixture = fixtureRoot('billing');
  for (const dir of ['schema', 'policies', 'modes']) {
    for (const file of listFiles(join(fixture, dir))) cpSync(file, join(root, file.slice(fixture.length + 1)));
  }
  cpSync(join(fixture, 'project.yaml'), join(root, 'project.yaml'));
  for (const dir of LINKED) symlinkSync(join(REPO_ROOT, dir), join(root, dir), 'dir');
  for (const path of COPIED) cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  const { files, diagnostics } = generateProject(root);
  if (!files) throw new Error(`the billing fixture does not generate: ${diagnostics.map((d) => d.message).join('; ')}`);
  writeGeneratedFiles(root, files);
  shared = { root, generated: (path) => join(root, 'generated', path) };
  return shared;
}
