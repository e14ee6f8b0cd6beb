import { describe, expect, it } from 'vitest';
import { buildModel, pascalCase, sortKeys } from '../../../generator/model/build-model.js';
import { toTsType } from '../../../generator/model/schema-types.js';
import { validateProject } from '../../../generator/validate/project.js';
import { fixtureSources } from '../../support/fixture-domain.js';

function model() {
  const { project } = validateProject(fixtureSources('billing'));
  if (!project) throw new Error('the billing fixture domain must validate');
  return buildModel(project);
}

describe('the model step (modes + schema + policies → model)', () => {
  const built = model();
  const mode = (name: string) => {
    const found = built.modes.find((m) => m.name === name);
    if (!found) throw new Error(`no mode ${name}`);
    return found;
  };

  it('has one model per mode, sorted by name', () => {
    expect(built.modes.map((m) => [m.name, m.pascalName])).toEqual([
      ['customer', 'Customer'],
      ['internal', 'Internal'],
      ['m2m', 'M2m'],
      ['multi-tenant', 'MultiTenant'],
    ]);
  });

  it('picks the handler shape from API type and authorizer kind', () => {
    expect(mode('customer').handler).toEqual({
      factory: 'restRequestAuthorizer',
      eventType: 'APIGatewayRequestAuthorizerEvent',
      resultType: 'APIGatewayAuthorizerResult',
    });
    expect(mode('multi-tenant').handler.factory).toBe('httpAuthorizer');
    expect(mode('multi-tenant').handler.eventType).toBe('APIGatewayRequestAuthorizerEventV2');
    expect(mode('m2m').handler.factory).toBe('webSocketAuthorizer');
  });

  it('bundles exactly the policies of the folders a mode names, keyed by @id', () => {
    expect(Object.keys(mode('customer').bundle.policies)).toEqual([
      'customer.admin-add-beneficiary',
      'customer.admin-approve-payment',
      'customer.admin-delete-beneficiary',
      'customer.pay-from-own-account',
      'customer.read-own',
      'shared.forbid-billing-from-frozen-account',
      'shared.forbid-large-payment-without-approver',
      'shared.forbid-non-positive-amount',
      'shared.forbid-self-approval',
      'shared.forbid-self-approved-payment',
    ]);
    expect(mode('customer').bundle.templates).toEqual({});
    expect(Object.keys(mode('multi-tenant').bundle.templates)).toEqual(['tenant.delegated-account-read']);
    expect(mode('customer').bundle.policies['customer.read-own']).toMatch(/^@id\("customer.read-own"\)\npermit \(/);
  });

  it('fills every default into the runtime configuration', () => {
    const m2m = mode('m2m').config;
    expect(m2m.api).toEqual({
      type: 'websocket',
      authorizer: 'request',
      tokenHeader: 'Authorization',
      tokenQueryParameter: 'access_token',
    });
    expect(m2m.claims.attributes.find((a) => a.attribute === 'scopes')).toEqual({
      claim: 'scope',
      attribute: 'scopes',
      type: 'Set<String>',
      delimiter: ' ',
      required: true,
      encoding: 'json',
    });
    expect(mode('internal').config.engine).toEqual({
      kind: 'avp',
      policyStore: { id: 'PSinternalPlaceholder', env: 'POLICY_STORE_ID' },
      maxRetries: 2,
    });
    expect(mode('customer').config.tenancy).toEqual({ kind: 'single' });
    expect(mode('multi-tenant').config.tenancy).toMatchObject({
      kind: 'multi',
      pathParameter: 'tenantId',
      policyStoreLookup: { table: 'billing-tenants', negativeCacheTtlSeconds: 30 },
    });
    expect(mode('customer').config.actionEntityType).toBe('Billing::Action');
  });

  it('turns routes into keyed route configs with context sorted by name', () => {
    const create = mode('customer').config.routes.find((r) => r.action === 'CreatePayment');
    expect(create?.key).toBe('POST /accounts/{accountId}/billing');
    expect(create?.context.map((c) => [c.name, c.source, c.key, c.type, c.required])).toEqual([
      ['amount', 'header', 'X-Payment-Amount', 'Long', true],
      ['approverId', 'claim', 'custom:approver_id', 'String', false],
      ['currency', 'header', 'X-Payment-Currency', 'String', true],
    ]);
    expect(mode('m2m').config.routes[0]).toMatchObject({
      key: '$connect',
      routeKey: '$connect',
      resource: { type: 'Billing::Account', queryParameter: 'accountId' },
    });
  });

  it('records the sources of each mode and a hash that changes with them', () => {
    expect(mode('internal').provenance.sources).toEqual([
      'modes/internal.yaml',
      'policies/shared/guardrails.cedar',
      'policies/staff/support.cedar',
      'schema/billing.cedarschema',
    ]);
    expect(mode('internal').provenance.sourceHash).not.toBe(mode('customer').provenance.sourceHash);
    expect(built.schemaProvenance.sources).toEqual(['schema/billing.cedarschema']);
  });

  it('describes the schema for TypeScript: entity interfaces, actions and their context', () => {
    const account = built.schemaTypes.entityTypes.find((e) => e.cedarName === 'Billing::Account');
    expect(account?.attributes).toEqual([
      { name: 'currency', key: 'currency', type: 'string', optional: false },
      { name: 'frozen', key: 'frozen', type: 'boolean', optional: false },
      { name: 'owner', key: 'owner', type: "EntityRef<'Billing::Customer'>", optional: false },
      { name: 'tenant', key: 'tenant', type: "EntityRef<'Billing::Tenant'>", optional: false },
    ]);
    const create = built.schemaTypes.actions.find((a) => a.id === 'CreatePayment');
    expect(create?.context).toEqual([
      { name: 'amount', key: 'amount', type: 'number', optional: false },
      { name: 'approverId', key: 'approverId', type: 'string', optional: true },
      { name: 'currency', key: 'currency', type: 'string', optional: false },
    ]);
    expect(create?.principalTypes).toEqual(['Billing::CustomerUser', 'Billing::Service', 'Billing::TenantUser']);
  });
});

describe('model helpers', () => {
  it('maps every Cedar type to TypeScript', () => {
    expect(toTsType({ kind: 'Set', element: { kind: 'Long' } })).toBe('ReadonlyArray<number>');
    expect(
      toTsType({
        kind: 'Record',
        attributes: { b: { type: { kind: 'Boolean' }, required: false }, a: { type: { kind: 'String' }, required: true } },
      }),
    ).toBe('{ readonly a: string; readonly b?: boolean }');
    expect(toTsType({ kind: 'Record', attributes: {} })).toBe('Record<string, never>');
    expect(toTsType({ kind: 'Extension', name: 'decimal' })).toBe("ExtensionValue<'decimal'>");
    expect(toTsType({ kind: 'Extension', name: 'ipaddr' })).toBe("ExtensionValue<'ip'>");
    expect(toTsType({ kind: 'Entity', name: 'App::Color' }, new Map([['App::Color', 'ColorId']]))).toBe("EntityRef<'App::Color', ColorId>");
  });

  it('sorts object keys deeply but keeps array order', () => {
    expect(JSON.stringify(sortKeys({ b: 1, a: { d: [3, 1], c: 2 } }))).toBe('{"a":{"c":2,"d":[3,1]},"b":1}');
  });

  it('makes identifiers from mode names', () => {
    expect(pascalCase('multi-tenant')).toBe('MultiTenant');
    expect(pascalCase('b2b_partner-api')).toBe('B2bPartnerApi');
  });
});
