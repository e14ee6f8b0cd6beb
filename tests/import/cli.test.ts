// `npm run import` as a user runs it: its own process, the SDK's default credential chain, exit codes 0, 1 and 2.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../local/avp/avp-endpoint.js';
import { withoutSdkNotice } from '../local/explain/support/explain-cli.js';
import { REPO_ROOT } from '../support/project-copy.js';
import { type FinishedRun, runTsxAsync } from '../support/run-tsx.js';
import { readProject, startImportWorld, type ImportWorld } from './support/import-project.js';
import { runImportCommand } from './support/run-import.js';

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world.close());

/** The CLI with the SDK's default credential chain reading fixed keys, and `stderr` without the SDK's Node version notice. */
async function importCli(args: readonly string[]): Promise<FinishedRun> {
  const run = await runTsxAsync('scripts/import/cli.ts', args, {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'LOCALAVPACCESSKEY',
      AWS_SECRET_ACCESS_KEY: 'local-avp-secret',
      // No region, profile or config file from the machine running the tests.
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: join(REPO_ROOT, '.no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(REPO_ROOT, '.no-aws-credentials'),
    },
  });
  return { ...run, stderr: withoutSdkNotice(run.stderr) };
}

describe('npm run import', () => {
  it('imports the store and exits 0', async () => {
    const root = world.newProject();

    const run = await importCli([
      '--policy-store-id',
      world.store.policyStoreId,
      '--region',
      LOCAL_REGION,
      '--endpoint',
      world.endpoint.url,
      '--root',
      root,
    ]);

    expect({
      code: run.code,
      last: run.stdout.trimEnd().split('\n').at(-1),
      stderr: run.stderr,
      files: Object.keys(readProject(root)).length,
    }).toEqual({
      code: 0,
      last: 'created 6, updated 0, unchanged 0, removed 0',
      stderr: '',
      files: 6,
    });
  }, 60_000);

  it('fails with exactly one line on stderr and exit code 1 when the store does not exist', async () => {
    const root = world.newProject();

    const run = await importCli([
      '--policy-store-id',
      'PSmissing',
      '--region',
      LOCAL_REGION,
      '--endpoint',
      world.endpoint.url,
      '--root',
      root,
    ]);

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `npm run import: policy store PSmissing not found at ${world.endpoint.url}; check --policy-store-id and --region\n`,
    });
  }, 60_000);

  it('asks for a region when neither --region nor the environment gives one (exit 2)', async () => {
    const run = await importCli(['--policy-store-id', 'PS1', '--endpoint', world.endpoint.url, '--root', world.newProject()]);

    expect({ code: run.code, first: run.stderr.split('\n')[0] }).toEqual({
      code: 2,
      first: 'npm run import: no AWS region: pass --region or set AWS_REGION',
    });
  }, 60_000);

  it('prints the usage and exits 0 for --help', async () => {
    const run = await runImportCommand(['--help']);

    expect({ exitCode: run.exitCode, first: run.stdout.split('\n')[0], stderr: run.stderr }).toEqual({
      exitCode: 0,
      first: 'usage: npm run import -- --policy-store-id <id> [--region <region>] [--endpoint <url>] [--root <dir>]',
      stderr: '',
    });
  });
});
