// `create`: a complete STRICT, deletion-protected store from the multi-tenant bundle, then the mapping; idempotent, and safe when two runs
// race.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  GetPolicyCommand,
  GetPolicyStoreCommand,
  GetSchemaCommand,
  ListPoliciesCommand,
  ListPolicyTemplatesCommand,
} from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, CREATE_STEPS } from '../../scripts/tenant/create-tenant.js';
import { InvalidTenantIdError, StaleTenantMappingError } from '../../scripts/tenant/errors.js';
import { listStores, startLocalServices, storeIds, TENANT_TABLE, type LocalServices } from './support/local-services.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

let services: LocalServices;

beforeAll(async () => {
  services = await startLocalServices();
});

afterAll(async () => {
  await services.close();
});

function create(tenantId: string, onStep?: (title: string) => void) {
  return createTenant({
    tenantId,
    mode: MODE_CONFIG,
    bundle: POLICY_BUNDLE,
    avp: services.avpClient,
    table: services.table,
    ...(onStep ? { onStep } : {}),
  });
}

const POLICY_IDS = Object.keys(POLICY_BUNDLE.policies).sort();
const TEMPLATE_IDS = Object.keys(POLICY_BUNDLE.templates).sort();

describe('create of a new tenant', () => {
  let result: Awaited<ReturnType<typeof create>>;
  const steps: string[] = [];

  beforeAll(async () => {
    result = await create('acme-bank', (title) => steps.push(title));
  });

  it('reports the new store with the bundle’s policy and template counts', () => {
    expect(result).toEqual({
      status: 'created',
      tenantId: 'acme-bank',
      policyStoreId: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      table: TENANT_TABLE,
      policies: POLICY_IDS.length,
      templates: TEMPLATE_IDS.length,
    });
  });

  it('runs the steps in order: table read, store, schema, policies, templates, mapping', () => {
    expect(steps).toEqual([
      CREATE_STEPS.readMapping,
      CREATE_STEPS.createStore,
      CREATE_STEPS.putSchema,
      CREATE_STEPS.createPolicies,
      CREATE_STEPS.createTemplates,
      CREATE_STEPS.writeMapping,
    ]);
  });

  it('makes a STRICT store with deletion protection on, described with its tenant', async () => {
    const store = await services.avpClient.send(new GetPolicyStoreCommand({ policyStoreId: result.policyStoreId }));

    expect(store).toMatchObject({
      validationSettings: { mode: 'STRICT' },
      deletionProtection: 'ENABLED',
      description: 'Tenant acme-bank of authorizer mode multi-tenant',
    });
  });

  it('puts the bundle’s schema, as Cedar JSON', async () => {
    const schema = await services.avpClient.send(new GetSchemaCommand({ policyStoreId: result.policyStoreId }));

    expect(JSON.parse(schema.schema ?? '')).toEqual(POLICY_BUNDLE.schema);
    expect(schema.namespaces).toEqual(['Billing']);
  });

  it('creates one static policy per bundle @id, its description the @id and its statement the bundle’s', async () => {
    const listed = await services.avpClient.send(new ListPoliciesCommand({ policyStoreId: result.policyStoreId }));
    const policies = listed.policies ?? [];
    const statements = await Promise.all(
      policies.map(async (policy) => {
        const read = await services.avpClient.send(
          new GetPolicyCommand({ policyStoreId: result.policyStoreId, policyId: policy.policyId }),
        );
        return [read.definition?.static?.description, read.definition?.static?.statement] as const;
      }),
    );

    expect(policies.map((policy) => policy.policyType)).toEqual(POLICY_IDS.map(() => 'STATIC'));
    expect(policies.map((policy) => policy.definition?.static?.description).sort()).toEqual(POLICY_IDS);
    expect(Object.fromEntries(statements)).toEqual(POLICY_BUNDLE.policies);
  });

  it('creates one template per bundle template @id, its description the @id', async () => {
    const listed = await services.avpClient.send(new ListPolicyTemplatesCommand({ policyStoreId: result.policyStoreId }));

    expect((listed.policyTemplates ?? []).map((template) => template.description).sort()).toEqual(TEMPLATE_IDS);
  });

  it('maps the tenant to the store in the tenant table', async () => {
    expect(await services.table.get('acme-bank')).toBe(result.policyStoreId);
  });
});

describe('create of a tenant that exists', () => {
  it('changes nothing the second time and reports the existing store', async () => {
    const first = await create('globex');
    const storesBefore = await storeIds(services.avpClient);
    services.avp.resetRequestCounts();

    const second = await create('globex');

    expect(second).toEqual({ status: 'exists', tenantId: 'globex', policyStoreId: first.policyStoreId, table: TENANT_TABLE });
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect(services.avp.requestCount('CreatePolicyStore')).toBe(0);
    expect(services.avp.requestCount('GetPolicyStore')).toBe(1);
    expect(await services.table.get('globex')).toBe(first.policyStoreId);
  });

  it('refuses, changing nothing, when the mapping names a store that no longer exists', async () => {
    await services.dynamo.client.send(
      new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: 'initech' }, policyStoreId: { S: 'GoneStore000000000000' } } }),
    );
    const storesBefore = await storeIds(services.avpClient);

    const attempt = create('initech');

    await expect(attempt).rejects.toThrow(StaleTenantMappingError);
    await expect(attempt).rejects.toThrow(
      'tenant "initech" is mapped in table billing-tenants to policy store GoneStore000000000000, which does not exist; nothing was ' +
        'changed. ' +
        'Run `npm run tenant -- delete initech` to remove the mapping, then create the tenant again',
    );
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect(await services.table.get('initech')).toBe('GoneStore000000000000');
  });
});

describe('two runs racing to create the same tenant', () => {
  it('the loser deletes its own store and reports the winner’s', async () => {
    const winner = services.avp.seedPolicyStore({ policyStoreId: 'WinnerStore0000000000', bundle: POLICY_BUNDLE });
    const name = 'raceForTheMapping';
    // The other run writes its mapping between this run's first read and its conditional write.
    services.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') {
          services.dynamo.client.middlewareStack.remove(name);
          await services.dynamo.client.send(
            new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: 'hooli' }, policyStoreId: { S: winner } } }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    const storesBefore = await storeIds(services.avpClient);

    const result = await create('hooli');

    expect(result).toEqual({ status: 'exists', tenantId: 'hooli', policyStoreId: winner, table: TENANT_TABLE });
    expect(await storeIds(services.avpClient)).toEqual(storesBefore);
    expect(await services.table.get('hooli')).toBe(winner);
  });
});

describe('tenant ids', () => {
  it.each([
    ['a', 'one character'],
    ['Acme', 'an upper-case letter'],
    ['-acme', 'a leading hyphen'],
    ['acme_bank', 'an underscore'],
    ['acme bank', 'a space'],
    ['acme/../x', 'a path'],
    ['a'.repeat(64), '64 characters'],
    ['', 'nothing'],
  ])('refuses %j (%s) before any call', async (tenantId) => {
    services.avp.resetRequestCounts();

    const attempt = create(tenantId);

    await expect(attempt).rejects.toThrow(InvalidTenantIdError);
    await expect(attempt).rejects.toThrow(
      `invalid tenant id ${JSON.stringify(tenantId)}: use 2 to 63 characters, lower-case letters, digits and "-", starting with a letter ` +
        `or a digit (pattern ^[a-z0-9][a-z0-9-]{1,62}$)`,
    );
    expect(services.avp.requestCount('CreatePolicyStore')).toBe(0);
  });

  it.each([['ab'], ['9lives'], ['a'.repeat(63)], ['x-']])('accepts %j', async (tenantId) => {
    const result = await create(tenantId);

    expect(result.status).toBe('created');
    expect((await listStores(services.avpClient)).find((store) => store.policyStoreId === result.policyStoreId)?.description).toBe(
      `Tenant ${tenantId} of authorizer mode multi-tenant`,
    );
  });
});
