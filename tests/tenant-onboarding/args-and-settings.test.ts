// The command line of `npm run tenant` and where it connects: flags first, then the environment, then the mode.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../common/cli/command-line.js';
import { TENANT_COMMAND, tenantRequestOf, type TenantRequest } from '../../scripts/tenant/args.js';
import { InvalidTenantIdError, TenantUsageError } from '../../scripts/tenant/errors.js';
import { isLoopback, resolveSettings } from '../../scripts/tenant/settings.js';
import { fixtureMode, multiTenancyOf } from '../support/fixture-domain.js';

const { MODE_CONFIG } = fixtureMode('billing', 'multi-tenant');

const LOOKUP = multiTenancyOf(MODE_CONFIG).policyStoreLookup;
const NO_FLAGS = { json: false };

/** The command line as `npm run tenant` reads it: runCli's parse, then the tenant request. */
function parseTenantArgs(argv: readonly string[]): TenantRequest | { readonly kind: 'help' } {
  const line = parseCommandLine(TENANT_COMMAND, argv);
  return line.kind === 'help' ? line : tenantRequestOf(line);
}

describe('the tenant command line', () => {
  it('takes create and delete with one tenant id, and list with none', () => {
    expect(parseTenantArgs(['create', 'acme-bank'])).toEqual({ command: 'create', tenantId: 'acme-bank', flags: NO_FLAGS });
    expect(parseTenantArgs(['delete', 'acme-bank'])).toEqual({ command: 'delete', tenantId: 'acme-bank', flags: NO_FLAGS });
    expect(parseTenantArgs(['list'])).toEqual({ command: 'list', flags: NO_FLAGS });
  });

  it('takes every option, before or after the command', () => {
    const request = parseTenantArgs([
      '--table',
      't1',
      'create',
      'acme-bank',
      '--region',
      'eu-central-1',
      '--endpoint-avp',
      'http://127.0.0.1:1',
      '--endpoint-dynamodb=http://127.0.0.1:2',
      '--json',
    ]);

    expect(request).toEqual({
      command: 'create',
      tenantId: 'acme-bank',
      flags: { table: 't1', region: 'eu-central-1', endpointAvp: 'http://127.0.0.1:1', endpointDynamoDb: 'http://127.0.0.1:2', json: true },
    });
  });

  it('answers --help with the usage', () => {
    expect(parseTenantArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseTenantArgs(['create', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'name a command: create, delete, list, sync'],
    [['creat', 'acme'], 'unknown command "creat" (did you mean "create"?): expected one of create, delete, list, sync'],
    [['destroy'], 'unknown command "destroy": expected one of create, delete, list, sync'],
    [['create'], 'create needs a tenant id: npm run tenant -- create <tenantId>'],
    [['delete', 'a1', 'b2'], 'delete takes one tenant id; unexpected "b2"'],
    [['list', 'acme'], 'list takes no argument; unexpected "acme"'],
  ])('refuses %j: %s', (argv, message) => {
    const attempt = () => parseTenantArgs(argv);

    expect(attempt).toThrow(TenantUsageError);
    expect(attempt).toThrow(message);
  });

  it.each([
    [['list', '--force'], 'unknown option --force'],
    [['list', '--tabel', 't1'], 'unknown option --tabel; did you mean --table?'],
    [['list', '--table', ''], '--table needs a value'],
  ])('refuses the options %j as runCli does: %s', (argv, message) => {
    expect(() => parseTenantArgs(argv)).toThrow(new UsageError(message));
  });

  it('refuses a bad tenant id with InvalidTenantIdError, a usage error', () => {
    const attempt = () => parseTenantArgs(['create', 'Acme_Bank']);

    expect(attempt).toThrow(InvalidTenantIdError);
    expect(attempt).toThrow(TenantUsageError);
    expect(attempt).toThrow('invalid tenant id "Acme_Bank": use 2 to 63 characters');
  });
});

describe('resolveSettings', () => {
  it('with nothing set: the mode’s table, and region, endpoints and credentials from the AWS SDK’s own chain', () => {
    expect(resolveSettings({ flags: NO_FLAGS, env: {}, lookup: LOOKUP })).toEqual({ table: 'billing-tenants' });
  });

  it('takes the table from the variable the mode names (TENANT_TABLE), as the runtime does', () => {
    expect(resolveSettings({ flags: NO_FLAGS, env: { TENANT_TABLE: 'tenants-staging' }, lookup: LOOKUP }).table).toBe('tenants-staging');
    expect(resolveSettings({ flags: NO_FLAGS, env: { TENANT_TABLE: '' }, lookup: LOOKUP }).table).toBe('billing-tenants');
  });

  it('prefers --table to TENANT_TABLE', () => {
    expect(resolveSettings({ flags: { ...NO_FLAGS, table: 'mine' }, env: { TENANT_TABLE: 'tenants-staging' }, lookup: LOOKUP }).table).toBe(
      'mine',
    );
  });

  it('takes endpoints from AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS and AWS_ENDPOINT_URL_DYNAMODB, flags first', () => {
    const env = { AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS: 'http://127.0.0.1:7001', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:7002' };

    expect(resolveSettings({ flags: NO_FLAGS, env, lookup: LOOKUP })).toEqual({
      table: 'billing-tenants',
      region: 'eu-west-1',
      avpEndpoint: 'http://127.0.0.1:7001',
      dynamoDbEndpoint: 'http://127.0.0.1:7002',
    });
    expect(resolveSettings({ flags: { ...NO_FLAGS, endpointAvp: 'http://localhost:9' }, env, lookup: LOOKUP }).avpEndpoint).toBe(
      'http://localhost:9',
    );
  });

  it('gives local endpoints a region only when none is set', () => {
    const flags = { ...NO_FLAGS, endpointAvp: 'http://127.0.0.1:1', endpointDynamoDb: 'http://localhost:2' };

    expect(resolveSettings({ flags, env: {}, lookup: LOOKUP }).region).toBe('eu-west-1');
    expect(resolveSettings({ flags, env: { AWS_REGION: 'us-east-1' }, lookup: LOOKUP }).region).toBe('us-east-1');
    expect(resolveSettings({ flags: { ...flags, region: 'ap-south-1' }, env: { AWS_REGION: 'us-east-1' }, lookup: LOOKUP }).region).toBe(
      'ap-south-1',
    );
  });

  it('leaves the region to the SDK when an endpoint is remote', () => {
    const flags = {
      ...NO_FLAGS,
      endpointAvp: 'https://vpce-1.verifiedpermissions.eu-west-1.vpce.amazonaws.com',
      endpointDynamoDb: 'http://127.0.0.1:2',
    };

    expect(resolveSettings({ flags, env: {}, lookup: LOOKUP }).region).toBeUndefined();
  });

  it.each([['not a url'], ['ftp://127.0.0.1:1']])('refuses the endpoint %j', (url) => {
    const attempt = () => resolveSettings({ flags: { ...NO_FLAGS, endpointAvp: url }, env: {}, lookup: LOOKUP });

    expect(attempt).toThrow(TenantUsageError);
    expect(attempt).toThrow(`--endpoint-avp must be an http(s) URL, got ${JSON.stringify(url)}`);
  });

  it.each([
    ['http://127.0.0.1:4022', true],
    ['http://127.1.2.3', true],
    ['http://localhost:8000', true],
    ['http://[::1]:8000', true],
    ['https://dynamodb.eu-west-1.amazonaws.com', false],
    ['http://127.0.0.1.example.com', false],
  ])('isLoopback(%j) is %s', (url, expected) => {
    expect(isLoopback(url)).toBe(expected);
  });
});
