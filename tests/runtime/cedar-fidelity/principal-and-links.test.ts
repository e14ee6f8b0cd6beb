// Principal enrichment from the store (which source wins) and template links granted at run time, through the real
// REST REQUEST handler with dynalite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putEntities } from '../../../local/dynamodb/local-dynamodb.js';
import { ENGINES, ENTITY_TABLE, libraryMode, restClient, startLibraryWorld, type LibraryWorld } from './support/library-world.js';

let world: LibraryWorld;

beforeAll(async () => {
  world = await startLibraryWorld();
  await putEntities(world.dynamo.client, ENTITY_TABLE, [
    // dana's store entity says clearance 5 and puts her in g-eng; erin's says clearance 1.
    { uid: { type: 'Lib::User', id: 'dana' }, attrs: { clearance: 5, dept: 'archives' }, parents: [{ type: 'Lib::Team', id: 'g-eng' }] },
    { uid: { type: 'Lib::User', id: 'erin' }, attrs: { clearance: 1 }, parents: [] },
  ]);
});

afterAll(async () => {
  await world.close();
});

describe.each(ENGINES)('with the %s engine', (engine) => {
  describe('principal enrichment (claims.principal.fromStore)', () => {
    it("takes an attribute the token lacks from the principal's stored entity", async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'token' } }));

      const answer = await client.call('/cleared/d-plain', world.token('dana'));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['clearance.three'] });
    });

    it("with wins: token, the token's clearance 1 stands over the store's 5", async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'token' } }));

      const answer = await client.call('/cleared/d-plain', world.token('dana', { 'custom:clearance': '1' }));

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it("with wins: store, the store's clearance 5 stands over the token's 1", async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'store' } }));

      const answer = await client.call('/cleared/d-plain', world.token('dana', { 'custom:clearance': '1' }));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['clearance.three'] });
    });

    it("with wins: store, the store's clearance 1 stands over the token's 4", async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'store' } }));

      const answer = await client.call('/cleared/d-plain', world.token('erin', { 'custom:clearance': '4' }));

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it("adds the stored parents to the token's: dana is in g-eng (so in g-all) with no groups claim", async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'token' } }));

      expect(await client.call('/team/d-plain', world.token('dana'))).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['team.all'],
      });
    });

    it('treats a principal with no stored entity as token-only', async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token-and-store', wins: 'store' } }));

      const answer = await client.call('/cleared/d-plain', world.token('nobody-stored', { 'custom:clearance': '3' }));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['clearance.three'] });
    });

    it('leaves the store out when the mode reads the token only', async () => {
      const client = restClient(world, libraryMode({ engine, attributeSource: { kind: 'token' } }));

      expect(await client.call('/cleared/d-plain', world.token('dana'))).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });
  });
});

describe('template links granted at run time (templateLinks: { table })', () => {
  it('a link written for the principal takes effect once the link cache TTL has passed, with no deploy', async () => {
    let now = Date.now();
    const client = restClient(world, libraryMode({ linkTtlSeconds: 60 }), { clock: { now: () => now } });
    const token = world.token('frank');
    const before = await client.call('/delegated/d-plain', token);

    await world.putLinks({ type: 'Lib::User', id: 'frank' }, [
      { id: 'frank-views-d-plain', templateId: 'delegated-view', resource: { type: 'Lib::Doc', id: 'd-plain' } },
    ]);
    const withinTtl = await client.call('/delegated/d-plain', token);
    now += 60_000;
    const afterTtl = await client.call('/delegated/d-plain', token);

    expect(before).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    expect(withinTtl).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    expect(afterTtl).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['frank-views-d-plain'] });
  });

  it('a link on an ancestor team (g-all) applies to its members through the hierarchy', async () => {
    const client = restClient(world, libraryMode());
    await world.putLinks({ type: 'Lib::Team', id: 'g-all' }, [
      { id: 'g-all-views-d-research', templateId: 'delegated-view', resource: { type: 'Lib::Doc', id: 'd-research' } },
    ]);

    const member = await client.call('/delegated/d-research', world.token('gina', { 'cognito:groups': ['g-eng-backend'] }));
    const outsider = await client.call('/delegated/d-research', world.token('hank'));

    expect(member).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['g-all-views-d-research'] });
    expect(outsider).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
  });

  it('a link grants only its own resource', async () => {
    const client = restClient(world, libraryMode());
    await world.putLinks({ type: 'Lib::User', id: 'ivan' }, [
      { id: 'ivan-views-d-plain', templateId: 'delegated-view', resource: { type: 'Lib::Doc', id: 'd-plain' } },
    ]);

    expect(await client.call('/delegated/d-public', world.token('ivan'))).toEqual({
      effect: 'Deny',
      reason: undefined,
      determiningPolicies: [],
    });
  });

  it('denies, saying why, when the links item is not a list of links', async () => {
    const client = restClient(world, libraryMode());
    await world.putLinksText({ type: 'Lib::User', id: 'judy' }, '[{"id":"judy-link"}]');

    const answer = await client.call('/delegated/d-plain', world.token('judy'));

    expect(answer).toEqual({
      effect: 'Deny',
      reason:
        'template links of Lib::User::"judy" in library-links hold at 0 something other than { id, templateId, resource: { type, id } }',
      determiningPolicies: [],
    });
  });
});
