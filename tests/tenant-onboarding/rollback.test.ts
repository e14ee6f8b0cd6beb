// `create` rolled back: a fault at any step after CreatePolicyStore leaves no store and no mapping; a failed rollback names what is left.
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../local/avp/avp-endpoint.js';
import { startLocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { createTenant, CREATE_STEPS } from '../../scripts/tenant/create-tenant.js';
import { OnboardingError, RollbackError } from '../../scripts/tenant/errors.js';
import { deleteTenantStore } from '../../scripts/tenant/tenant-store.js';
import type { TenantTable } from '../../scripts/tenant/tenant-table.js';
import {
  createTenantTable,
  failOperation,
  listStores,
  startLocalServices,
  storeIds,
  tenantTable,
  TENANT_TABLE,
  type LocalServices,
} from './support/local-services.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

let services: LocalServices;
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  services = await startLocalServices();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await services.close();
});

function create(tenantId: string, table: TenantTable = services.table) {
  return createTenant({ tenantId, mode: MODE_CONFIG, bundle: POLICY_BUNDLE, avp: services.avpClient, table });
}

/** The error a promise rejects with, for assertions on its class, message and fields together. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const INJECTED: Record<Fault['kind'], string> = {
  'server-error': 'InternalServerException: injected fault: internal server error',
  'access-denied': 'AccessDeniedException: injected fault: the caller is not authorized to perform this operation',
  throttle: 'ThrottlingException: Rate exceeded',
  reset: 'socket hang up',
  malformed: 'is not valid JSON Deserialization error',
  latency: '',
};

describe('a fault in a step after CreatePolicyStore', () => {
  it.each([
    { command: 'PutSchemaCommand', call: 1, kind: 'server-error', step: CREATE_STEPS.putSchema },
    { command: 'CreatePolicyCommand', call: 1, kind: 'throttle', step: CREATE_STEPS.createPolicies },
    // The last policy: every other one is in the store by then.
    { command: 'CreatePolicyCommand', call: Object.keys(POLICY_BUNDLE.policies).length, kind: 'reset', step: CREATE_STEPS.createPolicies },
    { command: 'CreatePolicyTemplateCommand', call: 1, kind: 'server-error', step: CREATE_STEPS.createTemplates },
    { command: 'CreatePolicyTemplateCommand', call: 1, kind: 'malformed', step: CREATE_STEPS.createTemplates },
  ] as const)('$kind on $command call $call: the store is deleted, no mapping is written', async ({ command, call, kind, step }) => {
    const storesBefore = await storeIds(services.avpClient);
    cleanups.push(failOperation(services.avpClient, services.avp, { command, call, fault: { kind } }));

    const error = await rejection(create('acme-bank'));

    expect(error).toBeInstanceOf(OnboardingError);
    const { message, step: failedStep, rolledBackPolicyStoreId } = error as OnboardingError;
    expect(failedStep).toBe(step);
    expect(message).toMatch(
      new RegExp(
        `^create "acme-bank": ${step} failed: .+; rolled back: policy store ` +
          `${rolledBackPolicyStoreId} was deleted and no mapping was left$`,
      ),
    );
    if (INJECTED[kind] !== '') expect(message).toContain(INJECTED[kind]);
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect(await services.table.get('acme-bank')).toBeUndefined();
  });

  it('turns deletion protection off before deleting the store', async () => {
    cleanups.push(failOperation(services.avpClient, services.avp, { command: 'PutSchemaCommand', fault: { kind: 'server-error' } }));
    services.avp.resetRequestCounts();

    await expect(create('acme-bank')).rejects.toThrow(OnboardingError);

    expect(services.avp.requestCount('UpdatePolicyStore')).toBe(1);
    expect(services.avp.requestCount('DeletePolicyStore')).toBe(1);
  });

  it('leaves nothing to stop a later create', async () => {
    cleanups.push(
      failOperation(services.avpClient, services.avp, { command: 'CreatePolicyCommand', call: 2, fault: { kind: 'server-error' } }),
    );
    await expect(create('globex')).rejects.toThrow(OnboardingError);
    for (const cleanup of cleanups.splice(0)) cleanup();

    const result = await create('globex');

    expect(result.status).toBe('created');
    expect(await services.table.get('globex')).toBe(result.policyStoreId);
  });
});

describe('a fault in CreatePolicyStore itself', () => {
  it('fails with nothing created', async () => {
    const storesBefore = await storeIds(services.avpClient);
    cleanups.push(
      failOperation(services.avpClient, services.avp, { command: 'CreatePolicyStoreCommand', fault: { kind: 'server-error' } }),
    );

    const attempt = create('initech');

    await expect(attempt).rejects.toThrow(OnboardingError);
    await expect(attempt).rejects.toThrow(
      'create "initech": creating the policy store failed: InternalServerException: ' +
        'injected fault: internal server error; nothing was created',
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect(await services.table.get('initech')).toBeUndefined();
  });
});

describe('the tenant table', () => {
  it('missing: fails on the first read, before any store is made', async () => {
    const storesBefore = await storeIds(services.avpClient);

    const attempt = create('initech', tenantTable(services.dynamo.client, 'no-such-table'));

    await expect(attempt).rejects.toThrow(OnboardingError);
    await expect(attempt).rejects.toThrow(
      /^create "initech": reading the tenant table failed: ResourceNotFoundException: .+; nothing was created$/,
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
  });

  it('deleted before the mapping is written: the store is deleted', async () => {
    await createTenantTable(services.dynamo.client, 'tenants-doomed');
    const client = new DynamoDBClient({
      endpoint: services.dynamo.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(() => client.destroy());
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand')
          await services.dynamo.client.send(new DeleteTableCommand({ TableName: 'tenants-doomed' }));
        return next(args);
      },
      { step: 'initialize', name: 'deleteTableFirst' },
    );
    const storesBefore = await storeIds(services.avpClient);

    const error = await rejection(create('initech', tenantTable(client, 'tenants-doomed')));

    expect(error).toBeInstanceOf(OnboardingError);
    expect((error as OnboardingError).message).toMatch(
      new RegExp(
        '^create "initech": writing the mapping failed: ResourceNotFoundException: .+; ' +
          String.raw`rolled back: policy store \w+ was deleted and no mapping was left$`,
      ),
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect((await services.dynamo.client.send(new ListTablesCommand({}))).TableNames).not.toContain('tenants-doomed');
  });

  it(
    'its DynamoDB closed mid-way, just before the mapping is written: the ' +
      'store is deleted, and the error says the mapping cannot be checked',
    async () => {
      const doomed = await startLocalDynamo();
      await createTenantTable(doomed.client, TENANT_TABLE);
      const client = new DynamoDBClient({
        endpoint: doomed.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 2,
      });
      cleanups.push(() => client.destroy());
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'PutItemCommand') await doomed.close();
          return next(args);
        },
        { step: 'initialize', name: 'closeDynamoFirst' },
      );
      const storesBefore = await storeIds(services.avpClient);

      const error = await rejection(create('initech', tenantTable(client)));

      // The first attempt went out on a kept-alive connection the server then dropped ("socket hang up"): from the
      // client's side it may have landed, and the table is gone, so the tool says so instead of claiming a clean slate.
      expect(error).toBeInstanceOf(RollbackError);
      const { policyStoreId, leftovers, message } = error as RollbackError;
      expect(leftovers).toEqual({
        policyStoreLeft: false,
        mappingMayBeLeft: true,
        failures: [expect.stringMatching(/^removing the mapping from billing-tenants: Error: connect ECONNREFUSED /)],
      });
      expect(message).toMatch(
        /^create "initech": writing the mapping failed: Error: connect ECONNREFUSED 127\.0\.0\.1:\d+; the rollback failed too \(.+\)\. /,
      );
      expect(message).toContain(
        `A mapping of "initech" to the deleted policy store ${policyStoreId} may be left: ` +
          `once the endpoints answer, run \`npm run tenant -- delete initech\` if \`npm run tenant -- list\` shows the tenant.`,
      );
      expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    },
  );
});

describe('a table write whose reply is lost', () => {
  /** Sends the first attempt of PutItem for real, then throws as if the connection dropped before the reply. */
  function loseFirstReply(thenEveryAttempt: 'retry-for-real' | 'refused'): void {
    const name = 'loseReply';
    let attempts = 0;
    services.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutItemCommand') return next(args);
        attempts += 1;
        if (attempts === 1) {
          await next(args);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        if (thenEveryAttempt === 'refused') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
        return next(args);
      },
      { step: 'deserialize', name },
    );
    cleanups.push(() => void services.dynamo.client.middlewareStack.remove(name));
  }

  it('retried by the SDK into a failed condition: the mapping is recognized as this run’s own, and the tenant is created', async () => {
    loseFirstReply('retry-for-real');

    const result = await create('umbrella');

    expect(result.status).toBe('created');
    expect(await services.table.get('umbrella')).toBe(result.policyStoreId);
    expect(await storeIds(services.avpClient)).toContain(result.policyStoreId);
  });

  it(
    'refused on every attempt, before anything was sent: certainly ' + 'not written, a clean rollback without touching the table again',
    async () => {
      const name = 'refuseEveryWrite';
      services.dynamo.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'PutItemCommand')
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
          return next(args);
        },
        { step: 'deserialize', name },
      );
      cleanups.push(() => void services.dynamo.client.middlewareStack.remove(name));
      const storesBefore = await storeIds(services.avpClient);

      const error = await rejection(create('stark'));

      expect(error).toBeInstanceOf(OnboardingError);
      expect((error as OnboardingError).message).toMatch(
        new RegExp(
          String.raw`^create "stark": writing the mapping failed: Error: connect ECONNREFUSED 127\.0\.0\.1:1; ` +
            String.raw`rolled back: policy store \w+ was deleted and no mapping was left$`,
        ),
      );
      expect(await services.table.get('stark')).toBeUndefined();
      expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    },
  );

  it('whose retries are refused: the mapping that did land is removed with the store', async () => {
    loseFirstReply('refused');
    const storesBefore = await storeIds(services.avpClient);

    const error = await rejection(create('stark'));

    expect(error).toBeInstanceOf(OnboardingError);
    expect((error as OnboardingError).message).toMatch(
      new RegExp(
        String.raw`^create "stark": writing the mapping failed: Error: connect ECONNREFUSED 127\.0\.0\.1:1; ` +
          String.raw`rolled back: policy store \w+ was deleted and no mapping was left$`,
      ),
    );
    expect(await services.table.get('stark')).toBeUndefined();
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
  });
});

describe('a rollback that fails too', () => {
  it('names the store left behind, deletion-protected and unmapped, and how to delete it', async () => {
    cleanups.push(failOperation(services.avpClient, services.avp, { command: 'PutSchemaCommand', fault: { kind: 'server-error' } }));
    cleanups.push(
      failOperation(services.avpClient, services.avp, { command: 'UpdatePolicyStoreCommand', fault: { kind: 'server-error' } }),
    );
    const storesBefore = await storeIds(services.avpClient);

    const error = await rejection(create('wayne'));

    expect(error).toBeInstanceOf(RollbackError);
    const { policyStoreId, leftovers, message } = error as RollbackError;
    expect(leftovers).toEqual({
      policyStoreLeft: true,
      mappingMayBeLeft: false,
      failures: [`deleting policy store ${policyStoreId}: InternalServerException: injected fault: internal server error`],
    });
    expect(message).toBe(
      'create "wayne": putting the schema failed: InternalServerException: injected fault: internal server error; the rollback failed ' +
        'too ' +
        `(deleting policy store ${policyStoreId}: InternalServerException: injected fault: internal server error). ` +
        `Policy store ${policyStoreId} is left, mapped to no tenant: turn its deletion protection off and delete it ` +
        `(aws verifiedpermissions update-policy-store --policy-store-id ${policyStoreId} --validation-settings mode=STRICT ` +
        `--deletion-protection DISABLED, ` +
        `then aws verifiedpermissions delete-policy-store --policy-store-id ${policyStoreId}).`,
    );
    const left = (await listStores(services.avpClient)).filter((store) => !storesBefore.includes(store.policyStoreId ?? ''));
    expect(left.map((store) => [store.policyStoreId, store.description])).toEqual([
      [policyStoreId, 'Tenant wayne of authorizer mode multi-tenant'],
    ]);
    expect(await services.table.get('wayne')).toBeUndefined();

    for (const cleanup of cleanups.splice(0)) cleanup();
    expect(await deleteTenantStore(services.avpClient, policyStoreId)).toBe('deleted');
  });
});
