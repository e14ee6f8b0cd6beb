// EntityLoader over DynamoEntityStore and dynalite: one BatchGetItem per level, what is followed and what is not.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { schemaToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import type { Principal } from '../../../runtime/claims/principal-entity.js';
import type { PrincipalAttributeSource } from '../../../runtime/config.js';
import { EntityLoader } from '../../../runtime/entities/entity-loader.js';
import { DynamoEntityStore } from '../../../runtime/entities/entity-store.js';
import { SchemaShapes } from '../../../runtime/entities/schema-shapes.js';
import { EntityLimitError, EntityStoreError } from '../../../runtime/errors.js';

const TABLE = 'loader-entities';
const SCHEMA = `namespace T {
  entity Group in [Group];
  entity Org in [Org];
  entity Shade enum ["dark", "light"];
  entity User in [Group] { boss?: User, level?: Long };
  entity Doc in [Org] { refs?: Set<Org>, meta?: { shade: Shade, org: Org } };
  action act appliesTo { principal: User, resource: Doc };
}`;

const uid = (type: string, id: string) => ({ type: `T::${type}`, id });
const ref = (type: string, id: string) => ({ __entity: uid(type, id) });

const STORED: readonly EntityJson[] = [
  { uid: uid('Group', 'g1'), attrs: {}, parents: [uid('Group', 'g2')] },
  { uid: uid('Group', 'g2'), attrs: {}, parents: [uid('Group', 'g3')] },
  { uid: uid('Group', 'g3'), attrs: {}, parents: [] },
  {
    uid: uid('Doc', 'd1'),
    attrs: { refs: [ref('Org', 'o-set')], meta: { shade: ref('Shade', 'dark'), org: ref('Org', 'o-rec') } },
    parents: [uid('Org', 'o1')],
  },
  { uid: uid('Org', 'o1'), attrs: {}, parents: [uid('Org', 'o2')] },
  { uid: uid('Org', 'o2'), attrs: {}, parents: [] },
  { uid: uid('Org', 'o-set'), attrs: {}, parents: [] },
  { uid: uid('Org', 'o-rec'), attrs: {}, parents: [] },
  { uid: uid('User', 'u1'), attrs: { level: 9 }, parents: [uid('Group', 'g-stored')] },
  { uid: uid('Group', 'g-stored'), attrs: {}, parents: [] },
  { uid: uid('Org', 'c1'), attrs: {}, parents: [uid('Org', 'o2')] },
  { uid: uid('Org', 'c2'), attrs: {}, parents: [uid('Org', 'o2')] },
];

let dynamo: LocalDynamo;
let batchGets = 0;
let shapes: SchemaShapes;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createTables(dynamo.client, [{ name: TABLE, keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, TABLE, STORED);
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchGetItemCommand') batchGets += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countBatchGets' },
  );
  const schema = schemaToJson(SCHEMA);
  if (schema.type !== 'success') throw new Error('fixture schema');
  shapes = new SchemaShapes(schema.json as Record<string, unknown>);
});

afterAll(() => dynamo.close());

function loader(options: { maxDepth?: number; maxEntities?: number; principalSource?: PrincipalAttributeSource } = {}): EntityLoader {
  return new EntityLoader({
    store: new DynamoEntityStore({ client: dynamo.client, table: TABLE, keyAttribute: 'uid', cacheTtlMs: 0, timeoutMs: 5_000 }),
    shapes,
    actionEntityType: 'T::Action',
    maxDepth: options.maxDepth ?? 6,
    maxEntities: options.maxEntities ?? 200,
    principalSource: options.principalSource ?? { kind: 'token' },
    modeName: 'loader',
  });
}

function principal(groups: readonly string[], attrs: EntityJson['attrs'] = {}): Principal {
  const self = uid('User', 'u1');
  return {
    uid: self,
    entities: [
      { uid: self, attrs, parents: groups.map((group) => uid('Group', group)) },
      ...groups.map((group) => ({ uid: uid('Group', group), attrs: {}, parents: [] })),
    ],
    groups,
  };
}

const keys = (entities: readonly EntityJson[]) => entities.map((entity) => JSON.stringify(entity.uid)).sort();

describe('EntityLoader', () => {
  it('reads a three-level group chain and a two-level org chain in one BatchGetItem per level (3 reads)', async () => {
    batchGets = 0;

    const loaded = await loader().load({ principal: principal(['g1']), resources: [uid('Doc', 'd1')], resourcesRequired: true });

    expect(batchGets).toBe(3);
    expect(keys(loaded.entities)).toEqual(
      keys([
        { uid: uid('User', 'u1'), attrs: {}, parents: [] },
        ...['g1', 'g2', 'g3'].map((id) => ({ uid: uid('Group', id), attrs: {}, parents: [] })),
        ...['o1', 'o2', 'o-set', 'o-rec'].map((id) => ({ uid: uid('Org', id), attrs: {}, parents: [] })),
        { uid: uid('Doc', 'd1'), attrs: {}, parents: [] },
      ]),
    );
    expect(loaded.principalAncestors).toEqual([uid('Group', 'g1'), uid('Group', 'g2'), uid('Group', 'g3')]);
  });

  it('follows references inside sets and records, and never loads enum entities', async () => {
    const loaded = await loader().load({ principal: principal([]), resources: [uid('Doc', 'd1')], resourcesRequired: true });

    expect(keys(loaded.entities)).toContain(JSON.stringify(uid('Org', 'o-set')));
    expect(keys(loaded.entities)).toContain(JSON.stringify(uid('Org', 'o-rec')));
    expect(keys(loaded.entities)).not.toContain(JSON.stringify(uid('Shade', 'dark')));
  });

  it("follows entity references in the token's own principal attributes", async () => {
    const loaded = await loader().load({ principal: principal([], { boss: ref('Org', 'o2') }), resources: [], resourcesRequired: false });

    expect(keys(loaded.entities)).toContain(JSON.stringify(uid('Org', 'o2')));
  });

  it('keeps a token group the store lacks as the bare entity', async () => {
    const loaded = await loader().load({ principal: principal(['g-missing']), resources: [], resourcesRequired: false });

    expect(loaded.entities).toContainEqual({ uid: uid('Group', 'g-missing'), attrs: {}, parents: [] });
  });

  it('refuses a required resource the store lacks', async () => {
    await expect(loader().load({ principal: principal([]), resources: [uid('Doc', 'nope')], resourcesRequired: true })).rejects.toThrow(
      new EntityStoreError('no entity T::Doc::"nope": no entity means no access'),
    );
  });

  it('needs no item for an enum resource', async () => {
    batchGets = 0;

    const loaded = await loader().load({ principal: principal([]), resources: [uid('Shade', 'light')], resourcesRequired: true });

    expect(loaded.entities).toHaveLength(1);
    expect(batchGets).toBe(0);
  });

  it('denies at maxDepth 1 when the chain goes on, with EntityLimitError', async () => {
    await expect(loader({ maxDepth: 1 }).load({ principal: principal(['g1']), resources: [], resourcesRequired: false })).rejects.toThrow(
      EntityLimitError,
    );
  });

  it('loads a chain exactly maxDepth deep', async () => {
    const loaded = await loader({ maxDepth: 2 }).load({ principal: principal(['g1']), resources: [], resourcesRequired: false });

    expect(loaded.principalAncestors).toHaveLength(3);
  });

  it('denies past maxEntities with EntityLimitError, and loads exactly maxEntities', async () => {
    const request = { principal: principal(['g1']), resources: [], resourcesRequired: false };

    await expect(loader({ maxEntities: 3 }).load(request)).rejects.toThrow(EntityLimitError);
    expect((await loader({ maxEntities: 4 }).load(request)).entities).toHaveLength(4);
  });

  it('reads and counts once an entity two entities of a level reach', async () => {
    batchGets = 0;

    const loaded = await loader({ maxEntities: 4 }).load({
      principal: principal([]),
      resources: [uid('Org', 'c1'), uid('Org', 'c2')],
      resourcesRequired: true,
    });

    expect(loaded.entities).toHaveLength(4);
    expect(batchGets).toBe(2);
  });

  it('with token-and-store, completes the principal from its stored entity in the first read', async () => {
    batchGets = 0;

    const loaded = await loader({ principalSource: { kind: 'token-and-store', wins: 'token' } }).load({
      principal: principal([]),
      resources: [],
      resourcesRequired: false,
    });

    expect(loaded.entities[0]).toEqual({ uid: uid('User', 'u1'), attrs: { level: 9 }, parents: [uid('Group', 'g-stored')] });
    expect(batchGets).toBe(2);
  });
});
