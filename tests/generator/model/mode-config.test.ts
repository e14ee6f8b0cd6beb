// toModeConfig writes the new request-model fields with every default filled in, and types in their canonical spelling.
import { describe, expect, it } from 'vitest';
import type { ModeFile } from '../../../generator/load/mode-file.js';
import { MODE_DEFAULTS, toModeConfig } from '../../../generator/model/mode-config.js';

/** The smallest valid local REST mode; each test adds what it is about. */
function mode(overrides: Partial<ModeFile> = {}): ModeFile {
  return {
    name: 'lab',
    description: 'A test mode.',
    api: { type: 'rest', authorizer: 'request' },
    identitySource: { kind: 'cognito', userPoolId: 'eu-west-1_Pool1', clientIds: ['client1'], tokenUse: 'id' },
    claims: { principal: { entityType: 'App::User', idClaim: 'sub' } },
    routes: [{ method: 'GET', path: '/docs/{docId}', action: 'view', resource: { type: 'App::Doc', pathParameter: 'docId' } }],
    cache: { ttlSeconds: 0 },
    timeouts: { engineMs: 1000 },
    engine: { kind: 'local' },
    policies: ['lab'],
    lambda: { memoryMb: 512, timeoutSeconds: 5 },
    backend: { kind: 'http', url: 'https://example.com' },
    ...overrides,
  };
}

describe('toModeConfig for the Cedar request model', () => {
  it('writes claim types in their canonical spelling and carriedAs as the encoding (json by default)', () => {
    // arrange
    const file = mode({
      claims: {
        principal: { entityType: 'App::User', idClaim: 'sub' },
        attributes: [
          { claim: 'custom:clearance', attribute: 'clearance', type: 'Long', carriedAs: 'text' },
          { claim: 'address', attribute: 'address', type: '{zip?:String,city:String}' },
          { claim: 'verified', attribute: 'verified', type: 'Bool' },
        ],
      },
    });

    // act
    const config = toModeConfig(file, 'App');

    // assert
    expect(config.claims.attributes.map(({ type, encoding }) => ({ type, encoding }))).toEqual([
      { type: 'Long', encoding: 'text' },
      { type: '{ city: String, zip?: String }', encoding: 'json' },
      { type: 'Boolean', encoding: 'json' },
    ]);
  });

  it('maps request-context values to source `request`, always required, and claim context values keep carriedAs', () => {
    // arrange
    const file = mode({
      routes: [
        {
          method: 'GET',
          path: '/docs/{docId}',
          action: 'view',
          resource: { type: 'App::Doc', pathParameter: 'docId' },
          context: {
            ip: { request: 'sourceIp', type: 'ipaddr' },
            now: { request: 'requestTime', type: 'datetime' },
            level: { claim: 'custom:level', type: 'Long', carriedAs: 'text' },
          },
        },
      ],
    });

    // act
    const [route] = toModeConfig(file, 'App').routes;

    // assert
    expect(route?.context).toEqual([
      { name: 'ip', source: 'request', key: 'sourceIp', type: 'ipaddr', required: true },
      { name: 'level', source: 'claim', key: 'custom:level', type: 'Long', required: true, encoding: 'text' },
      { name: 'now', source: 'request', key: 'requestTime', type: 'datetime', required: true },
    ]);
  });

  it('completes the principal from the store with the token winning by default', () => {
    // arrange
    const withDefault = mode({ claims: { principal: { entityType: 'App::User', idClaim: 'sub', fromStore: {} } } });
    const storeWins = mode({ claims: { principal: { entityType: 'App::User', idClaim: 'sub', fromStore: { wins: 'store' } } } });

    // act / assert
    expect(toModeConfig(withDefault, 'App').claims.principal.attributeSource).toEqual({ kind: 'token-and-store', wins: 'token' });
    expect(toModeConfig(storeWins, 'App').claims.principal.attributeSource).toEqual({ kind: 'token-and-store', wins: 'store' });
    expect(toModeConfig(mode(), 'App').claims.principal.attributeSource).toEqual({ kind: 'token' });
  });

  it('fills the entity-loading bounds and the table variable from MODE_DEFAULTS unless the mode sets them', () => {
    // arrange
    const defaults = mode({ entityStore: { table: 'entities', keyAttribute: 'uid' } });
    const bounded = mode({ entityStore: { table: 'entities', keyAttribute: 'uid', maxDepth: 2, maxEntities: 50 } });

    // act / assert
    expect(toModeConfig(defaults, 'App').entityStore).toEqual({
      table: 'entities',
      tableEnv: MODE_DEFAULTS.entityTableEnv,
      keyAttribute: 'uid',
      cacheTtlSeconds: MODE_DEFAULTS.entityCacheTtlSeconds,
      maxDepth: 6,
      maxEntities: 200,
    });
    expect(toModeConfig(bounded, 'App').entityStore).toMatchObject({ maxDepth: 2, maxEntities: 50 });
  });

  it('declares a template-link table, or none', () => {
    // arrange
    const linked = mode({ templateLinks: { table: 'links', tableEnv: 'TEMPLATE_LINK_TABLE', keyAttribute: 'uid' } });

    // act / assert
    expect(toModeConfig(linked, 'App').templateLinks).toEqual({
      kind: 'table',
      table: 'links',
      tableEnv: 'TEMPLATE_LINK_TABLE',
      keyAttribute: 'uid',
      cacheTtlSeconds: 5,
    });
    expect(toModeConfig(mode({ templateLinks: { table: 'links', keyAttribute: 'uid' } }), 'App').templateLinks).toMatchObject({
      tableEnv: MODE_DEFAULTS.templateLinkTableEnv,
    });
    expect(toModeConfig(mode(), 'App').templateLinks).toEqual({ kind: 'none' });
  });
});

describe('toModeConfig for the local engine', () => {
  it('deploys no policy store unless the mode asks for one: `none` by default, `deploy` when written', () => {
    // arrange
    const asked = mode({ engine: { kind: 'local', policyStore: 'deploy' } });

    // act / assert
    expect(toModeConfig(mode(), 'App').engine).toEqual({ kind: 'local', policyStore: 'none' });
    expect(toModeConfig(asked, 'App').engine).toEqual({ kind: 'local', policyStore: 'deploy' });
    expect(MODE_DEFAULTS.localPolicyStore).toBe('none');
  });
});

describe('toModeConfig for decision records', () => {
  it('leaves decision records out of the config when the mode does not enable them, so its generated code is unchanged', () => {
    // act
    const absent = toModeConfig(mode(), 'App');
    const disabled = toModeConfig(mode({ decisionRecords: { enabled: false, redactClaims: ['email'] } }), 'App');

    // assert
    expect('decisionRecords' in absent).toBe(false);
    expect('decisionRecords' in disabled).toBe(false);
  });

  it('carries enabled records with their redacted claims, sorted, into the config', () => {
    // act
    const config = toModeConfig(mode({ decisionRecords: { enabled: true, redactClaims: ['phone', 'email'] } }), 'App');

    // assert
    expect(config.decisionRecords).toEqual({ redactClaims: ['email', 'phone'] });
  });
});
