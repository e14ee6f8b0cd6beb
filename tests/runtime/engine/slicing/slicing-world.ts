// Random worlds for the slicing differential: policies, templates, links, an entity graph and requests, in one schema.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import type { TemplateLinkRecord } from '../../../../runtime/engine/decision.js';

export const NS = 'Slice';
const USERS = 4;
const GROUPS = 3;
const DOCS = 4;
const FOLDERS = 3;
const ACTIONS = ['read', 'write', 'delete', 'share'] as const;
const ACTION_GROUPS = ['readers', 'all'] as const;

/** `read` and `share` are readers; readers, `write` and `delete` are all: a nested action group. `delete` refuses a Group. */
export const SCHEMA_TEXT = `namespace ${NS} {
  entity Group in [Group];
  entity User in [Group] { level: Long, nick?: String };
  entity Folder in [Folder];
  entity Doc in [Folder] { secret: Bool };
  action all;
  action readers in [all];
  action read, share in [readers] appliesTo { principal: [User, Group], resource: [Doc, Folder], context: { n: Long } };
  action write in [all] appliesTo { principal: [User, Group], resource: [Doc, Folder], context: { n: Long } };
  action delete in [all] appliesTo { principal: [User], resource: [Doc], context: { n: Long } };
}`;

const uid = (type: string, id: string): TypeAndId => ({ type: `${NS}::${type}`, id });
const text = (type: string, id: string) => `${NS}::${type}::"${id}"`;
const user = (i: number) => uid('User', `u${i}`);
const group = (i: number) => uid('Group', `g${i}`);
const doc = (i: number) => uid('Doc', `d${i}`);
const folder = (i: number) => uid('Folder', `f${i}`);

const index = (n: number) => fc.integer({ min: 0, max: n - 1 });
const principalEntity = fc.oneof(
  index(USERS).map((i) => text('User', `u${i}`)),
  index(GROUPS).map((i) => text('Group', `g${i}`)),
);
const resourceEntity = fc.oneof(
  index(DOCS).map((i) => text('Doc', `d${i}`)),
  index(FOLDERS).map((i) => text('Folder', `f${i}`)),
);
const action = fc.constantFrom(...ACTIONS, ...ACTION_GROUPS).map((id) => text('Action', id));

/** `slot` fills `?principal`/`?resource` in a template; a static policy names an entity there instead. */
const entityScope = (name: 'principal' | 'resource', target: fc.Arbitrary<string>, type: string, otherType: string) =>
  fc.oneof(
    fc.constant(name),
    target.map((t) => `${name} == ${t}`),
    target.map((t) => `${name} in ${t}`),
    fc.constantFrom(`${name} is ${NS}::${type}`, `${name} is ${NS}::${otherType}`),
    target.map((t) => `${name} is ${NS}::${type} in ${t}`),
  );

const actionScope = fc.oneof(
  fc.constant('action'),
  action.map((a) => `action == ${a}`),
  action.map((a) => `action in ${a}`),
  fc.uniqueArray(action, { minLength: 1, maxLength: 3 }).map((list) => `action in [${list.join(', ')}]`),
);

/** Conditions that hold, fail, or error: a missing optional attribute and a Long overflow are evaluation errors. */
const condition = fc.constantFrom(
  '',
  ' when { principal has level && principal.level > 2 }',
  ' when { principal.nick == "boss" }',
  ' unless { resource has secret && resource.secret }',
  ' when { context.n + 9223372036854775807 > 0 }',
  ' when { principal in resource }',
  ' unless { context.n == 0 }',
);

const effect = fc.constantFrom('permit', 'forbid');

export const staticPolicy = fc
  .tuple(
    effect,
    entityScope('principal', principalEntity, 'User', 'Group'),
    actionScope,
    entityScope('resource', resourceEntity, 'Doc', 'Folder'),
    condition,
  )
  .map(([e, p, a, r, c]) => `${e} (${p}, ${a}, ${r})${c};`);

const slotScope = (name: 'principal' | 'resource', type: string) =>
  fc.constantFrom(`${name} == ?${name}`, `${name} in ?${name}`, `${name} is ${NS}::${type} in ?${name}`);

export const templatePolicy = fc
  .tuple(
    effect,
    fc.oneof(slotScope('principal', 'User'), entityScope('principal', principalEntity, 'User', 'Group')),
    actionScope,
    fc.oneof(slotScope('resource', 'Doc'), entityScope('resource', resourceEntity, 'Doc', 'Folder')),
    condition,
  )
  .filter(([, p, , r]) => p.includes('?') || r.includes('?'))
  .map(([e, p, a, r, c]) => `${e} (${p}, ${a}, ${r})${c};`);

const principalValue = fc.oneof(index(USERS).map(user), index(GROUPS).map(group));
const resourceValue = fc.oneof(index(DOCS).map(doc), index(FOLDERS).map(folder));

/** Parents point only to higher-numbered groups and folders: an acyclic graph, as Cedar's hierarchy is. */
const parentsFrom = (from: number, count: number, to: (i: number) => TypeAndId): fc.Arbitrary<TypeAndId[]> =>
  from >= count ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: from, max: count - 1 }), { maxLength: 2 }).map((list) => list.map(to));

const entities = fc
  .record({
    users: fc.array(fc.tuple(parentsFrom(0, GROUPS, group), fc.integer({ min: 0, max: 5 }), fc.boolean()), {
      minLength: USERS,
      maxLength: USERS,
    }),
    groups: fc.tuple(...Array.from({ length: GROUPS }, (_, i) => parentsFrom(i + 1, GROUPS, group))),
    docs: fc.array(fc.tuple(parentsFrom(0, FOLDERS, folder), fc.boolean()), { minLength: DOCS, maxLength: DOCS }),
    folders: fc.tuple(...Array.from({ length: FOLDERS }, (_, i) => parentsFrom(i + 1, FOLDERS, folder))),
  })
  .map(({ users, groups, docs, folders }): EntityJson[] => [
    ...users.map(([parents, level, boss], i) => ({
      uid: user(i),
      attrs: { level, ...(boss ? { nick: 'boss' } : level % 2 === 0 ? { nick: 'x' } : {}) },
      parents,
    })),
    ...groups.map((parents, i) => ({ uid: group(i), attrs: {}, parents })),
    ...docs.map(([parents, secret], i) => ({ uid: doc(i), attrs: { secret }, parents })),
    ...folders.map((parents, i) => ({ uid: folder(i), attrs: {}, parents })),
  ]);

export interface SliceRequestCase {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: { readonly n: number };
  /** Indexes of entities left out of this request: a missing entity has no parents, so `in` through it is false. */
  readonly dropped: readonly number[];
  readonly withSchema: boolean;
}

const request = fc.record({
  principal: fc.oneof({ weight: 4, arbitrary: index(USERS).map(user) }, { weight: 1, arbitrary: index(GROUPS).map(group) }),
  action: fc.constantFrom(...ACTIONS).map((id) => uid('Action', id)),
  resource: fc.oneof({ weight: 4, arbitrary: index(DOCS).map(doc) }, { weight: 1, arbitrary: index(FOLDERS).map(folder) }),
  context: fc.record({ n: fc.integer({ min: 0, max: 1 }) }),
  dropped: fc.uniqueArray(index(USERS + GROUPS + DOCS + FOLDERS), { maxLength: 3 }),
  withSchema: fc.boolean(),
});

export interface SliceWorld {
  readonly staticPolicies: Record<string, string>;
  readonly templates: Record<string, string>;
  readonly links: TemplateLinkRecord[];
  readonly entities: EntityJson[];
  readonly requests: SliceRequestCase[];
}

export const worldArb = (requests: number): fc.Arbitrary<SliceWorld> =>
  fc
    .record({
      statics: fc.array(staticPolicy, { minLength: 0, maxLength: 50 }),
      templates: fc.array(templatePolicy, { minLength: 1, maxLength: 4 }),
      links: fc.array(fc.tuple(fc.nat(), principalValue, resourceValue), { maxLength: 40 }),
      entities,
      requests: fc.array(request, { minLength: requests, maxLength: requests }),
    })
    .map(({ statics, templates, links, entities: all, requests: list }) => ({
      staticPolicies: Object.fromEntries(statics.map((policy, i) => [`p${i}`, policy])),
      templates: Object.fromEntries(templates.map((policy, i) => [`t${i}`, policy])),
      links: links.map(([pick, principal, resource], i) => ({
        id: `l${i}`,
        templateId: `t${pick % templates.length}`,
        principal,
        resource,
      })),
      entities: all,
      requests: list,
    }));
