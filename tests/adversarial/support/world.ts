// The world the adversarial suites attack: an issuer whose private keys the suites hold, dynalite with a single-tenant bank and three SaaS
// tenants, and the local AVP endpoint with the internal store and one store per tenant.
import { setFlagsFromString } from 'node:v8';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { generateSigningKey, type SigningKey } from '../../../local/issuer/signing-keys.js';
import { startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import type { RuntimeDependencies, Telemetry } from '../../../runtime/index.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
const { POLICY_BUNDLE: MULTI_TENANT_BUNDLE } = fixtureMode('billing', 'multi-tenant');

// Node 20's V8 (11.3) aborted the test process now and then ("Fatal error ... unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) while lazily deoptimizing a hot caller of cedar-wasm's
// statefulIsAuthorized: the local AVP endpoint's `decide`, thousands of decisions into a run. Not letting TurboFan
// inline JS-to-Wasm calls made it go away. It changes how code is optimized, never what it computes.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export const ENTITY_TABLE = 'billing-entities';
export const TENANT_TABLE = 'billing-tenants';
export const INTERNAL_STORE = 'ps-internal';

export const TENANTS = ['acme-bank', 'globex', 'initech'] as const;
export type Tenant = (typeof TENANTS)[number];

/** Each tenant's own policy store, all seeded from the multi-tenant bundle. */
export const storeOf = (tenant: Tenant): string => `ps-${tenant}`;

/** The one-letter prefix of a tenant's entity ids: acme-bank owns cust-a1, acct-a1, pay-a1... */
const CODE: Readonly<Record<Tenant, string>> = { 'acme-bank': 'a', globex: 'g', initech: 'i' };

const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });

function customer(id: string, tenant: string): EntityJson {
  return {
    uid: { type: 'Billing::Customer', id },
    attrs: { tenant: ref('Tenant', tenant), country: 'FR' },
    parents: [{ type: 'Billing::Tenant', id: tenant }],
  };
}

function account(id: string, owner: string, tenant: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Customer', owner), tenant: ref('Tenant', tenant), currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

function payment(id: string, accountId: string, owner: string, tenant: string, createdBy: string, status = 'settled'): EntityJson {
  return {
    uid: { type: 'Billing::Payment', id },
    attrs: {
      account: ref('Account', accountId),
      owner: ref('Customer', owner),
      tenant: ref('Tenant', tenant),
      amount: 25_000,
      currency: 'EUR',
      status,
      createdBy,
    },
    parents: [{ type: 'Billing::Account', id: accountId }],
  };
}

/** A resource of a SaaS tenant, as the tenant-isolation property draws them. */
export interface TenantResource {
  readonly type: 'Billing::Account' | 'Billing::Payment';
  readonly id: string;
  readonly tenant: Tenant;
}

/**
 * Per tenant: customers cust-x1 and cust-x2, their accounts acct-x1 and acct-x2, a payment in each (created by
 * `clerk-x`, so nobody's own), and acct-x9: an account of tenant x whose owner id is the NEXT tenant's cust-y1.
 * Tenants choose their own customer ids, so ids collide across tenants; only the tenant checks keep such an
 * account away from the other tenant's cust-y1 users.
 */
export const TENANT_RESOURCES: readonly TenantResource[] = TENANTS.flatMap((tenant) => {
  const x = CODE[tenant];
  return [
    { type: 'Billing::Account' as const, id: `acct-${x}1`, tenant },
    { type: 'Billing::Account' as const, id: `acct-${x}2`, tenant },
    { type: 'Billing::Account' as const, id: `acct-${x}9`, tenant },
    { type: 'Billing::Payment' as const, id: `pay-${x}1`, tenant },
    { type: 'Billing::Payment' as const, id: `pay-${x}2`, tenant },
  ];
});

/** Every customer id a tenant user's token may name, across all tenants. */
export const TENANT_CUSTOMERS: readonly string[] = TENANTS.flatMap((tenant) => [`cust-${CODE[tenant]}1`, `cust-${CODE[tenant]}2`]);

function tenantEntities(tenant: Tenant, index: number): EntityJson[] {
  const x = CODE[tenant];
  const next = TENANTS[(index + 1) % TENANTS.length] ?? tenant;
  return [
    customer(`cust-${x}1`, tenant),
    customer(`cust-${x}2`, tenant),
    account(`acct-${x}1`, `cust-${x}1`, tenant),
    account(`acct-${x}2`, `cust-${x}2`, tenant),
    account(`acct-${x}9`, `cust-${CODE[next]}1`, tenant),
    payment(`pay-${x}1`, `acct-${x}1`, `cust-${x}1`, tenant, `clerk-${x}`),
    payment(`pay-${x}2`, `acct-${x}2`, `cust-${x}2`, tenant, `clerk-${x}`),
  ];
}

/**
 * The single-tenant bank (customer, internal and m2m modes): cust-1 owns acct-1, pay-1 (settled, created by
 * user-2) and ben-1; cust-2 owns acct-2 and pay-2 (pending, created by user-1).
 */
const BANK_ENTITIES: readonly EntityJson[] = [
  customer('cust-1', 'bank-a'),
  customer('cust-2', 'bank-a'),
  account('acct-1', 'cust-1', 'bank-a'),
  account('acct-2', 'cust-2', 'bank-a'),
  payment('pay-1', 'acct-1', 'cust-1', 'bank-a', 'user-2'),
  payment('pay-2', 'acct-2', 'cust-2', 'bank-a', 'user-1', 'pending'),
  {
    uid: { type: 'Billing::Beneficiary', id: 'ben-1' },
    attrs: { owner: ref('Customer', 'cust-1'), tenant: ref('Tenant', 'bank-a'), country: 'ES' },
    parents: [{ type: 'Billing::Customer', id: 'cust-1' }],
  },
];

/** Every entity the world stores, for suites whose oracle evaluates Cedar on its own (tests/runtime/support/fuzz-oracle.ts). */
export const WORLD_ENTITIES: readonly EntityJson[] = [...BANK_ENTITIES, ...TENANTS.flatMap(tenantEntities)];

export interface World {
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  readonly avp: LocalAvpEndpoint;
  /** The issuer's current keys: the suites sign raw payload text with them. */
  readonly keys: { readonly rsa: SigningKey; readonly ec: SigningKey };
  /** What the generated handler gets in production, pointed at the loopback services. */
  dependencies(telemetry: Telemetry): RuntimeDependencies;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const keys = { rsa: generateSigningKey('rsa'), ec: generateSigningKey('ec') };
  const [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {}, keys }), startLocalDynamo(), startLocalAvpEndpoint()]);
  avp.seedPolicyStore({ policyStoreId: INTERNAL_STORE, bundle: INTERNAL_BUNDLE });
  for (const tenant of TENANTS) avp.seedPolicyStore({ policyStoreId: storeOf(tenant), bundle: MULTI_TENANT_BUNDLE });
  await createTables(dynamo.client, [
    { name: ENTITY_TABLE, keyAttribute: 'uid' },
    { name: TENANT_TABLE, keyAttribute: 'tenantId' },
  ]);
  await putEntities(dynamo.client, ENTITY_TABLE, WORLD_ENTITIES);
  for (const tenant of TENANTS) {
    await dynamo.client.send(
      new PutItemCommand({ TableName: TENANT_TABLE, Item: { tenantId: { S: tenant }, policyStoreId: { S: storeOf(tenant) } } }),
    );
  }
  // One SDK client for every handler: production retries (maxRetries 2 → 3 attempts) are kept.
  const verifiedPermissions: VerifiedPermissionsClient = createLocalAvpClient(avp.url, { maxAttempts: 3 });
  return {
    issuer,
    dynamo,
    avp,
    keys,
    dependencies: (telemetry) => ({
      jwksFetcher: issuer.fetcher,
      dynamoDb: dynamo.client,
      verifiedPermissions,
      telemetry,
      env: { POLICY_STORE_ID: INTERNAL_STORE, ENTITY_TABLE, TENANT_TABLE },
    }),
    async close() {
      verifiedPermissions.destroy();
      await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
    },
  };
}
