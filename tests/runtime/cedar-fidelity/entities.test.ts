// Entities as Cedar needs them, through the real REST REQUEST handler: hierarchies loaded transitively, entities that
// attributes reference, tags, enum entities, action groups, and the loading bounds denying with their own reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, libraryMode, restClient, startLibraryWorld, type LibraryWorld } from './support/library-world.js';

let world: LibraryWorld;

beforeAll(async () => {
  world = await startLibraryWorld();
});

afterAll(async () => {
  await world.close();
});

describe.each(ENGINES)('with the %s engine', (engine) => {
  describe('hierarchies are loaded transitively, one level per read', () => {
    it('allows a member of g-eng-backend (in g-eng, in g-all) a route for g-all: three levels of groups from the token', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/team/d-plain', world.token('alice', { 'cognito:groups': ['g-eng-backend'] }));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['team.all'] });
    });

    it('denies the same route to a token whose group is outside g-all', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/team/d-plain', world.token('bob', { 'cognito:groups': ['g-unknown'] }));

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it("allows a document in acme-research (in acme-rd, in acme) a route for resources in acme: the resource's org hierarchy", async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/org/d-research', world.token('bob'));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['org.acme-docs'] });
    });

    it('denies that route for a document outside acme', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/org/d-plain', world.token('bob'))).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it("allows a principal in acme through its tenant t1 (in acme): the tenant's ancestors", async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/member/d-plain', world.token('carol'));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['org.acme-members'] });
    });
  });

  describe('entities referenced by attributes are loaded', () => {
    it('allows a document whose sponsor (an Org read through the attribute) has a decimal budget over 1000.0', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/sponsored/d-rich', world.token('bob'))).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['sponsor.funded'],
      });
    });

    it("denies a document whose sponsor's budget is 10.5", async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/sponsored/d-poor', world.token('bob'))).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });
  });

  describe('entity tags round-trip from the store to hasTag/getTag', () => {
    it('allows a document tagged classification=public', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/tagged/d-public', world.token('bob'))).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['tags.public'],
      });
    });

    it('denies a document tagged classification=secret', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/tagged/d-secret', world.token('bob'))).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });
  });

  describe('enum entities need no stored item', () => {
    it('allows Color::"red", which the store does not hold', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/colors/red', world.token('bob'))).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['color.red'],
      });
    });

    it('denies Color::"purple", which is not one of the enum\'s values, saying so', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/colors/purple', world.token('bob'))).toEqual({
        effect: 'Deny',
        reason: 'no entity Lib::Color::"purple": Lib::Color is an enum and "purple" is not one of its values',
        determiningPolicies: [],
      });
    });
  });

  describe('action groups come from the schema', () => {
    it('allows the owner to read through `action in Action::"readers"`', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/read/d-alice', world.token('alice'))).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['readers.own-docs'],
      });
    });

    it('denies another user the same document', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/read/d-alice', world.token('bob'))).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });
  });

  describe('loading bounds deny with their own reason, never a silent cut', () => {
    it('denies when the group chain is deeper than entityStore.maxDepth, naming the bound and where to raise it', async () => {
      const client = restClient(world, libraryMode({ engine, maxDepth: 1 }));

      const answer = await client.call('/team/d-plain', world.token('alice', { 'cognito:groups': ['g-eng-backend'] }));

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          'entity loading needs more than entityStore.maxDepth (1) levels: Lib::Team::"g-all" is 2 levels from the request\'s own ' +
          'entities; raise entityStore.maxDepth in modes/library.yaml',
        determiningPolicies: [],
      });
    });

    it('allows the same request with maxDepth 2, exactly deep enough', async () => {
      const client = restClient(world, libraryMode({ engine, maxDepth: 2 }));

      const answer = await client.call('/team/d-plain', world.token('alice', { 'cognito:groups': ['g-eng-backend'] }));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['team.all'] });
    });

    it('denies when the request reaches more entities than entityStore.maxEntities', async () => {
      const client = restClient(world, libraryMode({ engine, maxEntities: 5 }));

      const answer = await client.call('/team/d-plain', world.token('alice', { 'cognito:groups': ['g-eng-backend'] }));

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          "entity loading reached entityStore.maxEntities (5): the request's entities reach at least 7; raise entityStore.maxEntities in " +
          'modes/library.yaml',
        determiningPolicies: [],
      });
    });

    it('logs the bound as its own error kind', async () => {
      const client = restClient(world, libraryMode({ engine, maxEntities: 2 }));

      await client.call('/team/d-plain', world.token('alice'));

      expect(client.telemetry.records[0]).toMatchObject({ result: 'deny', errorKind: 'entity-limit' });
    });
  });
});
