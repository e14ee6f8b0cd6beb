// `delete` removes the store (protection off first) and then the mapping; `list` prints every tenant, sorted.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetPolicyStoreCommand, ResourceNotFoundException } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../scripts/tenant/create-tenant.js';
import { deleteTenant, DELETE_STEPS } from '../../scripts/tenant/delete-tenant.js';
import { InvalidTenantIdError, OffboardingError, TenantTableReadError, UnknownTenantError } from '../../scripts/tenant/errors.js';
import { listTenants } from '../../scripts/tenant/list-tenants.js';
import {
  createTenantTable,
  failOperation,
  startLocalServices,
  storeIds,
  tenantTable,
  TENANT_TABLE,
  type LocalServices,
} from './support/local-services.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

let services: LocalServices;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  services = await startLocalServices();
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
  await services.close();
});

async function onboard(tenantId: string): Promise<string> {
  const result = await createTenant({ tenantId, mode: MODE_CONFIG, bundle: POLICY_BUNDLE, avp: services.avpClient, table: services.table });
  return result.policyStoreId;
}

function offboard(tenantId: string) {
  return deleteTenant({ tenantId, avp: services.avpClient, table: services.table });
}

describe('delete', () => {
  it('deletes the deletion-protected store, then removes the mapping', async () => {
    const policyStoreId = await onboard('acme-bank');
    services.avp.resetRequestCounts();

    const result = await offboard('acme-bank');

    expect(result).toEqual({ tenantId: 'acme-bank', policyStoreId, table: TENANT_TABLE, policyStore: 'deleted' });
    expect(services.avp.requestCount('UpdatePolicyStore')).toBe(1);
    expect(services.avp.requestCount('DeletePolicyStore')).toBe(1);
    await expect(services.avpClient.send(new GetPolicyStoreCommand({ policyStoreId }))).rejects.toThrow(ResourceNotFoundException);
    expect(await services.table.get('acme-bank')).toBeUndefined();
  });

  it('refuses an unknown tenant, changing nothing', async () => {
    const storesBefore = await storeIds(services.avpClient);

    const attempt = offboard('nobody');

    await expect(attempt).rejects.toThrow(UnknownTenantError);
    await expect(attempt).rejects.toThrow(
      'tenant "nobody" is unknown: table billing-tenants has no mapping for it (npm run tenant -- list shows the tenants)',
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
  });

  it('refuses a bad tenant id before reading anything', async () => {
    await expect(offboard('../etc')).rejects.toThrow(InvalidTenantIdError);
  });

  it('removes a mapping whose store is already gone, saying so', async () => {
    await services.dynamo.client.send(
      new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: 'initech' }, policyStoreId: { S: 'GoneStore000000000000' } } }),
    );

    const result = await offboard('initech');

    expect(result).toEqual({ tenantId: 'initech', policyStoreId: 'GoneStore000000000000', table: TENANT_TABLE, policyStore: 'absent' });
    expect(await services.table.get('initech')).toBeUndefined();
  });

  it('interrupted after turning protection off keeps the mapping, and a second run finishes', async () => {
    const policyStoreId = await onboard('globex');
    cleanups.push(
      failOperation(services.avpClient, services.avp, { command: 'DeletePolicyStoreCommand', fault: { kind: 'server-error' } }),
    );

    const attempt = offboard('globex');

    await expect(attempt).rejects.toThrow(OffboardingError);
    await expect(attempt).rejects.toThrow(
      `delete "globex": ${DELETE_STEPS.deleteStore} ${policyStoreId} failed: InternalServerException: injected fault: internal server ` +
        `error; run the command again to finish`,
    );
    expect(await services.table.get('globex')).toBe(policyStoreId);
    for (const cleanup of cleanups.splice(0)) cleanup();

    const retried = await offboard('globex');

    expect(retried.policyStore).toBe('deleted');
    expect(await services.table.get('globex')).toBeUndefined();
    expect(await storeIds(services.avpClient)).not.toContain(policyStoreId);
  });
});

describe('list', () => {
  it('lists every tenant with its store id, sorted by tenant id', async () => {
    const table = tenantTable(services.dynamo.client, 'tenants-listed');
    await createTenantTable(services.dynamo.client, 'tenants-listed');
    for (const [tenantId, policyStoreId] of [
      ['zeta', 'StoreZ'],
      ['acme-bank', 'StoreA'],
      ['m2', 'StoreM'],
    ] as const) {
      await table.putIfAbsent({ tenantId, policyStoreId });
    }

    expect(await listTenants({ table })).toEqual([
      { tenantId: 'acme-bank', policyStoreId: 'StoreA' },
      { tenantId: 'm2', policyStoreId: 'StoreM' },
      { tenantId: 'zeta', policyStoreId: 'StoreZ' },
    ]);
  });

  it('lists nothing for an empty table', async () => {
    await createTenantTable(services.dynamo.client, 'tenants-empty');

    expect(await listTenants({ table: tenantTable(services.dynamo.client, 'tenants-empty') })).toEqual([]);
  });

  it('fails with TenantTableReadError on a missing table', async () => {
    const attempt = listTenants({ table: tenantTable(services.dynamo.client, 'no-such-table') });

    await expect(attempt).rejects.toThrow(TenantTableReadError);
    await expect(attempt).rejects.toThrow(/^reading table no-such-table failed: ResourceNotFoundException: /);
  });
});
