// Every way an import can fail ends in one line on stderr, exit 1 (exit 2 for a command line it cannot run), and no
// file written. The errors come from the local AVP endpoint through the real SDK, as AVP sends them
// (API reference, "Common Errors": ResourceNotFoundException 404, AccessDeniedException 403).
import { createServer } from 'node:net';
import { CreatePolicyStoreCommand } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../local/avp/avp-endpoint.js';
import { READ_ACTIONS } from '../../scripts/import/read-failure.js';
import { readProject, startImportWorld, type ImportWorld } from './support/import-project.js';
import { runImportCommand } from './support/run-import.js';

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world.close());

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a store that cannot be read', () => {
  it('names a store that does not exist, and what to check', async () => {
    const root = world.newProject();

    const run = await world.importInto(root, 'PSdoesNotExist0000000');

    expect({ run, files: readProject(root) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          `npm run import: policy store PSdoesNotExist0000000 not found at ${world.endpoint.url}; ` +
          'check --policy-store-id and --region\n',
      },
      files: {},
    });
  });

  it('says access was denied, and which permissions the credentials need', async () => {
    const root = world.newProject();
    world.endpoint.setFault({ kind: 'access-denied', times: 1 });

    const run = await world.importInto(root);

    expect({ run, files: readProject(root) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          `npm run import: access denied to policy store ${world.store.policyStoreId} (GetSchema: injected fault: the caller is not ` +
          'authorized to perform this operation); the credentials need verifiedpermissions:GetSchema, verifiedpermissions:ListPolicies, ' +
          'verifiedpermissions:GetPolicy, verifiedpermissions:ListPolicyTemplates, verifiedpermissions:GetPolicyTemplate on it\n',
      },
      files: {},
    });
    expect(READ_ACTIONS).toEqual(['GetSchema', 'ListPolicies', 'GetPolicy', 'ListPolicyTemplates', 'GetPolicyTemplate']);
  });

  it('says the endpoint cannot be reached when nothing answers on its port', async () => {
    const root = world.newProject();
    const url = `http://127.0.0.1:${await closedPort()}`;

    const run = await runImportCommand([
      '--policy-store-id',
      world.store.policyStoreId,
      '--region',
      LOCAL_REGION,
      '--endpoint',
      url,
      '--root',
      root,
    ]);

    expect({ run, files: readProject(root) }).toEqual({
      run: { exitCode: 1, stdout: '', stderr: `npm run import: cannot reach Amazon Verified Permissions at ${url} (ECONNREFUSED)\n` },
      files: {},
    });
  });

  it("names the call and the service error when AVP keeps failing after the SDK's retries", async () => {
    const root = world.newProject();
    world.endpoint.setFault({ kind: 'server-error' });

    const run = await world.importInto(root).finally(() => world.endpoint.setFault(undefined));

    expect({ run, files: readProject(root) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          `npm run import: GetSchema on policy store ${world.store.policyStoreId} failed: ` +
          'InternalServerException: injected fault: internal server error\n',
      },
      files: {},
    });
  });

  it('refuses a store without a schema, since every policy of a project is validated against one', async () => {
    const root = world.newProject();
    const { policyStoreId } = await world.client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'OFF' } }));

    const run = await world.importInto(root, policyStoreId);

    expect({ run, files: readProject(root) }).toEqual({
      run: {
        exitCode: 1,
        stdout: '',
        stderr:
          `npm run import: policy store ${policyStoreId} has no schema; ` +
          'a project validates every policy against one, so put a schema in the store first\n',
      },
      files: {},
    });
  });
});

describe('a command line the import cannot run', () => {
  it('requires --policy-store-id (exit 2, with the usage)', async () => {
    const run = await runImportCommand(['--region', LOCAL_REGION]);

    expect({ exitCode: run.exitCode, firstLines: run.stderr.split('\n').slice(0, 2) }).toEqual({
      exitCode: 2,
      firstLines: [
        'npm run import: --policy-store-id is required',
        'usage: npm run import -- --policy-store-id <id> [--region <region>] [--endpoint <url>] [--root <dir>]',
      ],
    });
  });

  it('refuses an --endpoint that is not a URL before calling anything', async () => {
    const run = await runImportCommand(['--policy-store-id', 'PS1', '--endpoint', '127.0.0.1:8080']);

    expect({ exitCode: run.exitCode, firstLine: run.stderr.split('\n')[0] }).toEqual({
      exitCode: 2,
      firstLine: 'npm run import: --endpoint "127.0.0.1:8080" is not a URL',
    });
  });

  it('suggests the option meant by a misspelt one', async () => {
    const run = await runImportCommand(['--policy-store', 'PS1']);

    expect({ exitCode: run.exitCode, firstLine: run.stderr.split('\n')[0] }).toEqual({
      exitCode: 2,
      firstLine: 'npm run import: unknown option --policy-store; did you mean --policy-store-id?',
    });
  });
});
