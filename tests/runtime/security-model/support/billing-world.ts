// The billing fixture domain for the security-model suites: a local issuer, entities in dynalite, and handlers that
// record their decision lines in memory. Events are built by the local gateway's own builders (API Gateway's shapes).
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../../local/dynamodb/local-dynamodb.js';
import type { ApiIdentity } from '../../../../local/gateway/authorizer-events.js';
import { startLocalIssuer, type LocalIssuer } from '../../../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../../../runtime/config.js';
import type { MemoryTelemetry, RuntimeDependencies } from '../../../../runtime/index.js';
import { fixtureMode } from '../../../support/fixture-domain.js';

export const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
export const { MODE_CONFIG: M2M, POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');
export const ENTITY_TABLE = 'billing-entities';
export const API: ApiIdentity = { apiId: 'api-id', stage: 'prod' };

const ref = (type: string, id: string) => ({ __entity: { type, id } });
const TENANT = ref('Billing::Tenant', 'bank-a');

export function account(id: string, owner: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Billing::Customer', owner), tenant: TENANT, currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

/** cust-1 owns acct-1 and an account whose id is `*` (an IAM wildcard once it is in a methodArn). */
const ENTITIES: readonly EntityJson[] = [
  { uid: { type: 'Billing::Customer', id: 'cust-1' }, attrs: { tenant: TENANT, country: 'FR' }, parents: [] },
  account('acct-1', 'cust-1'),
  account('*', 'cust-1'),
];

export interface BillingWorld {
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  /** An id token of the customer pool: user-1, a payer of cust-1, unless `groups` says otherwise. */
  customerToken(options?: { readonly groups?: readonly string[] }): string;
  /** A client-credentials token of the m2m mode with these scopes. */
  serviceToken(scopes: readonly string[]): string;
  dependencies(telemetry: MemoryTelemetry): RuntimeDependencies;
  close(): Promise<void>;
}

export async function startBillingWorld(): Promise<BillingWorld> {
  const [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  await createTables(dynamo.client, [{ name: ENTITY_TABLE, keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, ENTITY_TABLE, ENTITIES);
  return {
    issuer,
    dynamo,
    customerToken: (options = {}) =>
      issuer.mint(
        CUSTOMER,
        issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: [...(options.groups ?? ['payer'])], attributes: { customer: 'cust-1' } }),
      ),
    serviceToken: (scopes) => issuer.mint(M2M, issuer.claimsFor(M2M, { id: 'ledgerservice01', attributes: { scopes } })),
    dependencies: (telemetry) => ({ jwksFetcher: issuer.fetcher, telemetry, dynamoDb: dynamo.client, env: {} }),
    close: async () => {
      await Promise.all([issuer.close(), dynamo.close()]);
    },
  };
}

/** The customer mode as a cached TOKEN authorizer whose routes name fixed accounts (what validation requires of it). */
export const PARTNER: ModeConfig = {
  ...CUSTOMER,
  name: 'partner',
  api: { ...CUSTOMER.api, authorizer: 'token' },
  cache: { ttlSeconds: 300, decisionCacheSize: 100 },
  routes: [
    {
      kind: 'http',
      key: 'GET /house-account',
      method: 'GET',
      path: '/house-account',
      action: 'ViewAccount',
      resource: { type: 'Billing::Account', id: 'acct-1' },
      context: [],
    },
  ],
};
