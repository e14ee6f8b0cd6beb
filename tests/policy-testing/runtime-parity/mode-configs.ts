// Mode configs for the runtime-parity unit tests, written out here so that the tests do not move with the repository's modes.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ClaimsConfig, ModeConfig, RouteConfig } from '../../../runtime/config.js';

const CLAIMS: ClaimsConfig = {
  principal: { entityType: 'Billing::TenantUser', idClaim: 'sub', attributeSource: { kind: 'token' } },
  attributes: [
    { claim: 'sub', attribute: 'userId', type: 'String', required: true, encoding: 'json' },
    { claim: 'custom:customer_id', attribute: 'customer', type: 'Entity<Billing::Customer>', required: true, encoding: 'json' },
    { claim: 'custom:clearance', attribute: 'clearance', type: 'Long', required: false, encoding: 'text' },
  ],
  groups: { claim: 'cognito:groups', entityType: 'Billing::Role' },
  tenant: { claim: 'custom:tenant_id', entityType: 'Billing::Tenant', attribute: 'tenant', asParent: true },
};

const ROUTES: readonly RouteConfig[] = [
  {
    kind: 'http',
    key: 'GET /tenants/{tenantId}/accounts/{accountId}',
    method: 'GET',
    path: '/tenants/{tenantId}/accounts/{accountId}',
    action: 'ViewAccount',
    resource: { type: 'Billing::Account', pathParameter: 'accountId' },
    context: [],
  },
  {
    kind: 'http',
    key: 'POST /tenants/{tenantId}/accounts/{accountId}/billing',
    method: 'POST',
    path: '/tenants/{tenantId}/accounts/{accountId}/billing',
    action: 'CreatePayment',
    resource: { type: 'Billing::Account', pathParameter: 'accountId' },
    context: [
      { name: 'amount', source: 'header', key: 'X-Payment-Amount', type: 'Long', required: true },
      { name: 'currency', source: 'query', key: 'currency', type: 'String', required: true },
      { name: 'approverId', source: 'claim', key: 'custom:approver_id', type: 'String', required: false, encoding: 'json' },
      { name: 'ip', source: 'request', key: 'sourceIp', type: 'ipaddr', required: true },
    ],
  },
  {
    kind: 'http',
    key: 'GET /reports/daily',
    method: 'GET',
    path: '/reports/daily',
    action: 'ViewAccount',
    resource: { type: 'Billing::Account', id: 'daily' },
    context: [],
  },
];

/** A multi-tenant Cognito access-token mode on the local engine: every claim and context source in one mode. */
export const TENANT_MODE: ModeConfig = {
  name: 'saas',
  api: { type: 'http', authorizer: 'request', tokenHeader: 'Authorization' },
  identitySource: { kind: 'cognito', userPoolId: 'eu-west-1_Pool1', clientIds: ['portal01'], tokenUse: 'access' },
  claims: CLAIMS,
  routes: ROUTES,
  cache: { ttlSeconds: 60, decisionCacheSize: 100 },
  timeouts: { engineMs: 1500, jwksMs: 1500, entityStoreMs: 500 },
  engine: { kind: 'local', policyStore: 'none' },
  tenancy: { kind: 'single' },
  entityStore: { table: 'entities', tableEnv: 'ENTITY_TABLE', keyAttribute: 'uid', cacheTtlSeconds: 5, maxDepth: 6, maxEntities: 200 },
  templateLinks: { kind: 'none' },
  actionEntityType: 'Billing::Action',
};

/** Tenancy by path: `{tenantId}` must be the token's tenant. */
export const PATH_TENANT_MODE: ModeConfig = {
  ...TENANT_MODE,
  tenancy: {
    kind: 'multi',
    pathParameter: 'tenantId',
    policyStoreLookup: {
      table: 'tenants',
      tableEnv: 'TENANT_TABLE',
      keyAttribute: 'tenantId',
      policyStoreIdAttribute: 'policyStoreId',
      cacheTtlSeconds: 60,
      negativeCacheTtlSeconds: 10,
      maxEntries: 100,
    },
  },
};

/** The m2m shape: the client id is both the principal id and an attribute; scopes are one space-delimited claim. */
export const SERVICE_MODE: ModeConfig = {
  ...TENANT_MODE,
  name: 'services',
  api: { type: 'websocket', authorizer: 'request', tokenHeader: 'Authorization' },
  identitySource: { kind: 'clientCredentials', userPoolId: 'eu-west-1_Svc1', clientIds: ['ledger01'], scopes: ['billing/read'] },
  claims: {
    principal: { entityType: 'Billing::Service', idClaim: 'client_id', attributeSource: { kind: 'token' } },
    attributes: [
      { claim: 'client_id', attribute: 'clientId', type: 'String', required: true, encoding: 'json' },
      { claim: 'scope', attribute: 'scopes', type: 'Set<String>', delimiter: ' ', required: true, encoding: 'json' },
    ],
  },
  routes: [
    {
      kind: 'connect',
      key: '$connect',
      routeKey: '$connect',
      action: 'SubscribePaymentEvents',
      resource: { type: 'Billing::Account', queryParameter: 'accountId' },
      context: [],
    },
  ],
};

export const ref = (type: string, id: string) => ({ __entity: { type: `Billing::${type}`, id } });
export const uid = (type: string, id: string) => ({ type: `Billing::${type}`, id });

/** Tina: a payer of Acme in tenant t-north, as the multi-tenant fixtures hold her. */
export const TINA: EntityJson = {
  uid: uid('TenantUser', 'tina'),
  attrs: { userId: 'tina', tenant: ref('Tenant', 't-north'), customer: ref('Customer', 'cust-acme') },
  parents: [uid('Role', 'payer'), uid('Tenant', 't-north')],
};
