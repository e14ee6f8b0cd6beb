// `npm run tenant` as a user runs it: a real process against the local AVP endpoint and dynalite, its output and exit codes.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_USAGE } from '../../scripts/tenant/args.js';
import { createTenantTable, startLocalServices, storeIds, tenantTable, type LocalServices } from './support/local-services.js';
import { copyDomain } from '../domain/domain-project.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { type FinishedRun, runTsx, runTsxAsync } from '../support/run-tsx.js';

const { POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const POLICIES = Object.keys(POLICY_BUNDLE.policies).length;
const TEMPLATES = Object.keys(POLICY_BUNDLE.templates).length;

let services: LocalServices;
/** The billing fixture over a scratch project, generated: the CLI onboards tenants for the modes it finds in generated/. */
let project: ProjectCopy;

beforeAll(async () => {
  project = copyDomain('billing');
  const generate = runTsx('generator/cli/generate.ts', ['--root', project.root]);
  if (generate.status !== 0) throw new Error(`generate failed:\n${generate.stdout}${generate.stderr}`);
  services = await startLocalServices();
}, 120_000);

afterEach(() => {
  services.avp.setFault(undefined);
});

afterAll(async () => {
  await services.close();
  project.remove();
});

/** The environment of a shell with no AWS or tenant settings, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'TENANT_TABLE'));
  return { ...env, ...extra };
}

/** Runs the CLI to its end. Asynchronous: the endpoints it talks to live in this process. */
function tenant(
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly local?: boolean; readonly cwd?: string } = {},
): Promise<FinishedRun> {
  const endpoints = options.local === false ? [] : ['--endpoint-avp', services.avp.url, '--endpoint-dynamodb', services.dynamo.endpoint];
  return runTsxAsync('scripts/tenant/cli.ts', [...args, ...endpoints], {
    cwd: options.cwd ?? project.root,
    env: options.env ?? cleanEnv(),
  });
}

/** stderr without the AWS SDK's Node version notice, which does not come from the CLI. */
function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('tenant: '));
}

describe('npm run tenant -- create', () => {
  it('creates a tenant: exit 0, one line naming the store, the steps on stderr', async () => {
    const run = await tenant(['create', 'acme-bank']);

    const policyStoreId = await services.table.get('acme-bank');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `created tenant acme-bank: policy store ${policyStoreId} (STRICT, deletion protection on) with the schema, ${POLICIES} policies ` +
        `and ${TEMPLATES} template; mapped in table billing-tenants\n`,
    );
    expect(ownLines(run.stderr)).toEqual([
      'tenant: reading the tenant table…',
      'tenant: creating the policy store…',
      'tenant: putting the schema…',
      'tenant: creating the policies…',
      'tenant: creating the templates…',
      'tenant: writing the mapping…',
    ]);
  });

  it('run twice: exit 0, the existing store reported, nothing changed', async () => {
    const policyStoreId = await services.table.get('acme-bank');
    const storesBefore = await storeIds(services.avpClient);

    const run = await tenant(['create', 'acme-bank']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `tenant acme-bank already exists: policy store ${policyStoreId} (table billing-tenants); nothing was changed\n`,
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
  });

  it('with --json prints the result as JSON', async () => {
    const run = await tenant(['create', 'globex', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'created',
      tenantId: 'globex',
      policyStoreId: await services.table.get('globex'),
      table: 'billing-tenants',
      policies: POLICIES,
      templates: TEMPLATES,
    });
  });

  it('retries a throttled call and succeeds', async () => {
    services.avp.setFault({ kind: 'throttle', times: 1 });

    const run = await tenant(['create', 'initech']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^created tenant initech: policy store \w+ /);
  });

  it('exits 1 when AVP keeps failing, saying which step failed and that nothing was created', async () => {
    services.avp.setFault({ kind: 'server-error' });
    const before = await services.table.get('umbrella');

    const run = await tenant(['create', 'umbrella']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(ownLines(run.stderr).at(-1)).toBe(
      'tenant: create "umbrella": creating the policy store failed: ' +
        'InternalServerException: injected fault: internal server error; nothing was created',
    );
    expect(run.stderr).not.toContain('usage:');
    expect(before).toBeUndefined();
    expect(await services.table.get('umbrella')).toBeUndefined();
  });

  it('exits 2 on a bad tenant id, before any call, printing the rule and the usage', async () => {
    services.avp.resetRequestCounts();

    const run = await tenant(['create', 'Acme_Bank']);

    expect(run.code).toBe(2);
    expect(ownLines(run.stderr)).toEqual([
      'tenant: invalid tenant id "Acme_Bank": use 2 to 63 characters, lower-case letters, digits and "-", starting with a letter or a ' +
        'digit (pattern ^[a-z0-9][a-z0-9-]{1,62}$)',
    ]);
    expect(run.stderr).toContain(TENANT_USAGE);
    expect(services.avp.requestCount('CreatePolicyStore')).toBe(0);
  });
});

describe('npm run tenant -- list', () => {
  it('prints each tenant and its store id, sorted, in two columns', async () => {
    const ids = {
      acme: await services.table.get('acme-bank'),
      globex: await services.table.get('globex'),
      initech: await services.table.get('initech'),
    };

    const run = await tenant(['list']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`acme-bank  ${ids.acme}\nglobex     ${ids.globex}\ninitech    ${ids.initech}\n`);
  });

  it('with --json prints an array', async () => {
    const run = await tenant(['list', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(await services.table.list());
  });

  it('exits 1 naming a table that does not exist', async () => {
    const run = await tenant(['list', '--table', 'no-such-table']);

    expect(run.code).toBe(1);
    expect(ownLines(run.stderr)).toEqual([
      expect.stringMatching(/^tenant: reading table no-such-table failed: ResourceNotFoundException: /),
    ]);
  });
});

describe('npm run tenant -- delete', () => {
  it('deletes a tenant: exit 0, store and mapping gone', async () => {
    const policyStoreId = await services.table.get('globex');

    const run = await tenant(['delete', 'globex']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`deleted tenant globex: policy store ${policyStoreId} deleted, mapping removed from table billing-tenants\n`);
    expect(await services.table.get('globex')).toBeUndefined();
    expect(await storeIds(services.avpClient)).not.toContain(policyStoreId);
  });

  it('exits 1 on an unknown tenant, without the usage', async () => {
    const run = await tenant(['delete', 'globex']);

    expect(run.code).toBe(1);
    expect(ownLines(run.stderr)).toEqual([
      'tenant: reading the tenant table…',
      'tenant: tenant "globex" is unknown: table billing-tenants has no mapping for it (npm run tenant -- list shows the tenants)',
    ]);
    expect(run.stderr).not.toContain('usage:');
  });
});

describe('configuration from the environment', () => {
  it('takes the endpoints from AWS_ENDPOINT_URL_* and the table from TENANT_TABLE', async () => {
    await createTenantTable(services.dynamo.client, 'tenants-staging');
    const env = cleanEnv({
      AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS: services.avp.url,
      AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.endpoint,
      TENANT_TABLE: 'tenants-staging',
    });

    const run = await tenant(['create', 'hooli'], { env, local: false });

    const policyStoreId = await tenantTable(services.dynamo.client, 'tenants-staging').get('hooli');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `created tenant hooli: policy store ${policyStoreId} (STRICT, deletion protection on) with the schema, ${POLICIES} policies and ` +
        `${TEMPLATES} template; mapped in table tenants-staging\n`,
    );
    expect(await services.table.get('hooli')).toBeUndefined();
  });
});

describe('usage', () => {
  it.each([
    [[], 'tenant: name a command: create, delete, list, sync'],
    [['purge', 'acme-bank'], 'tenant: unknown command "purge": expected one of create, delete, list, sync'],
  ])('exits 2 on %j with the usage', async (args, line) => {
    const run = await tenant(args);

    expect(run.code).toBe(2);
    expect(ownLines(run.stderr)).toEqual([line]);
    expect(run.stderr).toContain(TENANT_USAGE);
  });

  it('exits 2 on an unknown option with the usage', async () => {
    const run = await tenant(['list', '--verbose']);

    expect(run.code).toBe(2);
    expect(ownLines(run.stderr)).toEqual(['tenant: unknown option --verbose']);
    expect(run.stderr).toContain(TENANT_USAGE);
  });

  it('prints the usage on --help, exit 0', async () => {
    const run = await tenant(['--help'], { local: false });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${TENANT_USAGE}\n`);
  });
});

describe('which mode', () => {
  it('onboards for the only multi-tenant mode of the generated output when --mode is absent', async () => {
    const implicit = await tenant(['list', '--json']);
    const named = await tenant(['list', '--json', '--mode', 'multi-tenant']);

    expect({ code: implicit.code, stdout: implicit.stdout }).toEqual({ code: 0, stdout: named.stdout });
    expect(named.code).toBe(0);
  });

  it('exits 2 when --mode names a single-tenant mode, naming the multi-tenant ones', async () => {
    const run = await tenant(['list', '--mode', 'customer']);

    expect({ code: run.code, first: run.stderr.split('\n')[0] }).toEqual({
      code: 2,
      first: 'tenant: mode customer is single-tenant; tenants are onboarded for multi-tenant',
    });
  });

  it('exits 1 in a project that has not been generated, saying how to generate it', async () => {
    // A project with its dependencies installed and no generated/.
    const empty = mkdtempSync(join(tmpdir(), 'authz-empty-'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(empty, 'node_modules'), 'dir');
    try {
      const run = await tenant(['list'], { cwd: empty });

      expect({ code: run.code, lines: ownLines(run.stderr) }).toEqual({
        code: 1,
        lines: [`tenant: no generated mode under ${join(empty, 'generated')}; run npm run generate`],
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
