// A tenant onboarded by `create` is decided by the generated multi-tenant handler's runtime in its own new store; after `delete` it is
// refused.
import { randomUUID } from 'node:crypto';
import { ListPoliciesCommand, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient } from '../../local/avp/avp-endpoint.js';
import { createTables, putEntities } from '../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import { httpAuthorizer, MemoryTelemetry } from '../../runtime/index.js';
import { createTenant } from '../../scripts/tenant/create-tenant.js';
import { deleteTenant } from '../../scripts/tenant/delete-tenant.js';
import { startLocalServices, TENANT_TABLE, type LocalServices } from './support/local-services.js';
import { avpEngineOf, fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const ENTITY_TABLE = 'billing-entities';
const ROUTE = '/tenants/{tenantId}/accounts/{accountId}';
const UMA = { id: 'uma', tenant: 'umbrella', customer: 'cust-u1', groups: ['viewer'] } as const;

const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });
const ENTITIES: readonly EntityJson[] = [
  {
    uid: { type: 'Billing::Customer', id: 'cust-u1' },
    attrs: { tenant: ref('Tenant', 'umbrella'), country: 'GB' },
    parents: [{ type: 'Billing::Tenant', id: 'umbrella' }],
  },
  {
    uid: { type: 'Billing::Account', id: 'acct-u1' },
    attrs: { owner: ref('Customer', 'cust-u1'), tenant: ref('Tenant', 'umbrella'), currency: 'GBP', frozen: false },
    parents: [{ type: 'Billing::Customer', id: 'cust-u1' }],
  },
];

let services: LocalServices;
let issuer: LocalIssuer;
/** The handler's own client, with the mode's retries, as the generated handler builds it. */
let handlerClient: VerifiedPermissionsClient;

beforeAll(async () => {
  [services, issuer] = await Promise.all([startLocalServices(), startLocalIssuer({ env: {} })]);
  await createTables(services.dynamo.client, [{ name: ENTITY_TABLE, keyAttribute: 'uid' }]);
  await putEntities(services.dynamo.client, ENTITY_TABLE, ENTITIES);
  handlerClient = createLocalAvpClient(services.avp.url, { maxAttempts: avpEngineOf(MODE_CONFIG).maxRetries + 1 });
});

afterAll(async () => {
  handlerClient.destroy();
  await Promise.all([services.close(), issuer.close()]);
});

/** A fresh handler each time: the runtime caches tenant lookups, unknown tenants included. */
function handler() {
  const telemetry = new MemoryTelemetry();
  const handle = httpAuthorizer({
    mode: MODE_CONFIG,
    bundle: POLICY_BUNDLE,
    dependencies: {
      jwksFetcher: issuer.fetcher,
      telemetry,
      dynamoDb: services.dynamo.client,
      verifiedPermissions: handlerClient,
      env: { TENANT_TABLE, ENTITY_TABLE },
    },
  });
  return { handle, telemetry };
}

function viewAccount(tenantId: string, accountId: string): APIGatewayRequestAuthorizerEventV2 {
  const token = issuer.mint(
    MODE_CONFIG,
    issuer.claimsFor(MODE_CONFIG, { id: UMA.id, tenant: UMA.tenant, attributes: { customer: UMA.customer }, groups: UMA.groups }),
  );
  const rawPath = `/tenants/${tenantId}/accounts/${accountId}`;
  const authorization = `Bearer ${token}`;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:saas-api/$default/GET${rawPath}`,
    identitySource: [authorization],
    routeKey: `GET ${ROUTE}`,
    rawPath,
    rawQueryString: '',
    cookies: [],
    headers: { authorization },
    requestContext: {
      accountId: '123456789012',
      apiId: 'saas-api',
      domainName: 'saas-api.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'saas-api',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'tenant-portal/3.1' },
      requestId: randomUUID(),
      routeKey: `GET ${ROUTE}`,
      stage: '$default',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: { tenantId, accountId },
    stageVariables: {},
  };
}

describe('a tenant onboarded by create', () => {
  let policyStoreId: string;

  beforeAll(async () => {
    ({ policyStoreId } = await createTenant({
      tenantId: 'umbrella',
      mode: MODE_CONFIG,
      bundle: POLICY_BUNDLE,
      avp: services.avpClient,
      table: services.table,
    }));
  });

  it('is decided in its own store, and the decision names the policy by its @id, not by the id AVP gave it', async () => {
    const listed = await services.avpClient.send(new ListPoliciesCommand({ policyStoreId }));
    const readOwn = listed.policies?.find((policy) => policy.definition?.static?.description === 'tenant.read-own')?.policyId;
    const { handle } = handler();

    const result = await handle(viewAccount('umbrella', 'acct-u1'));

    // The store's own id for the policy is an opaque 22-character AVP id; the authorizer context carries the @id.
    expect(readOwn).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(result).toEqual({
      isAuthorized: true,
      context: {
        principalId: 'uma',
        principalType: 'Billing::TenantUser',
        tenantId: 'umbrella',
        roles: '["viewer"]',
        decision: 'allow',
        determiningPolicies: '["tenant.read-own"]',
      },
    });
  });

  it('is refused as an unknown tenant once deleted', async () => {
    await deleteTenant({ tenantId: 'umbrella', avp: services.avpClient, table: services.table });
    const { handle, telemetry } = handler();

    const result = await handle(viewAccount('umbrella', 'acct-u1'));

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'tenant' } });
    expect(telemetry.records).toMatchObject([{ result: 'deny', errorKind: 'tenant', reason: 'tenant "umbrella" is unknown' }]);
  });
});
