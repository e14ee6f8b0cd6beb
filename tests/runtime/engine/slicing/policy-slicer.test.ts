import { preparseSchema, schemaToJson, statefulIsAuthorized, type EntityJson, type TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import type { TemplateLinkRecord } from '../../../../runtime/engine/decision.js';
import { readActionHierarchy } from '../../../../runtime/engine/slicing/action-hierarchy.js';
import { PolicySlicer } from '../../../../runtime/engine/slicing/policy-slicer.js';
import { EngineError } from '../../../../runtime/errors.js';
import { NS, SCHEMA_TEXT } from './slicing-world.js';

const schemaJson = schemaToJson(SCHEMA_TEXT);
const ACTIONS = readActionHierarchy(schemaJson.type === 'success' ? schemaJson.json : undefined);
const SCHEMA_NAME = 'policy-slicer-test-schema';
preparseSchema(SCHEMA_NAME, SCHEMA_TEXT);

const uid = (type: string, id: string): TypeAndId => ({ type: `${NS}::${type}`, id });
const action = (id: string) => `${NS}::Action::"${id}"`;

const STATIC = {
  'read-only': `permit (principal, action == ${action('read')}, resource);`,
  'readers-group': `permit (principal, action in ${action('readers')}, resource);`,
  'all-group': `forbid (principal, action in ${action('all')}, resource) when { context.n == 7 };`,
  'write-or-delete': `permit (principal, action in [${action('write')}, ${action('delete')}], resource);`,
  anything: `permit (principal, action, resource) when { principal.level > 4 };`,
  'users-only': `permit (principal is ${NS}::User, action, resource) when { false };`,
};
const TEMPLATES = {
  'member-of': `permit (principal in ?principal, action == ${action('read')}, resource == ?resource);`,
  exactly: `permit (principal == ?principal, action in ${action('readers')}, resource in ?resource);`,
  'users-in': `permit (principal is ${NS}::User in ?principal, action, resource);`,
};

// u1 is in g1, g1 is in g2; d1 is in f1.
const ENTITIES: EntityJson[] = [
  { uid: uid('User', 'u1'), attrs: { level: 1 }, parents: [uid('Group', 'g1')] },
  { uid: uid('Group', 'g1'), attrs: {}, parents: [uid('Group', 'g2')] },
  { uid: uid('Group', 'g2'), attrs: {}, parents: [] },
  { uid: uid('Doc', 'd1'), attrs: { secret: false }, parents: [uid('Folder', 'f1')] },
  { uid: uid('Folder', 'f1'), attrs: {}, parents: [] },
];

const link = (id: string, templateId: string, principal: TypeAndId, resource: TypeAndId): TemplateLinkRecord => ({
  id,
  templateId,
  principal,
  resource,
});
const LINKS: TemplateLinkRecord[] = [
  link('g2-reads-d1', 'member-of', uid('Group', 'g2'), uid('Doc', 'd1')),
  link('u1-reads-f1', 'exactly', uid('User', 'u1'), uid('Folder', 'f1')),
  link('g1-exactly', 'exactly', uid('Group', 'g1'), uid('Folder', 'f1')),
  link('users-of-g1', 'users-in', uid('Group', 'g1'), uid('Doc', 'unused')),
  link('u9-reads-d1', 'member-of', uid('User', 'u9'), uid('Doc', 'd1')),
];

let slicerNumber = 0;
const slicer = (bounds?: { entries: number; bytes: number }, actions = ACTIONS) =>
  new PolicySlicer({
    baseId: `policy-slicer-test#${slicerNumber++}`,
    staticPolicies: STATIC,
    templates: TEMPLATES,
    actions,
    ...(bounds ? { bounds } : {}),
  });

const request = (principal: TypeAndId, actionId: string, resource = uid('Doc', 'd1')) => ({
  principal,
  action: uid('Action', actionId),
  resource,
  entities: ENTITIES,
});

describe('PolicySlicer: which policies a request evaluates', () => {
  it('keeps the static policies that name the action, directly or through its groups, and those with no action scope', () => {
    const ids = slicer().policyIdsFor(request(uid('User', 'u1'), 'share'), []);

    expect(ids).toEqual(['all-group', 'anything', 'readers-group', 'users-only']);
  });

  it('keeps an `action in [list]` policy for each action of the list, and no read policy for a write', () => {
    const ids = slicer().policyIdsFor(request(uid('User', 'u1'), 'write'), []);

    expect(ids).toEqual(['all-group', 'anything', 'users-only', 'write-or-delete']);
  });

  it("keeps a link for the linked entity's descendants under `in`, and only the entity itself under `==`", () => {
    const ids = slicer().policyIdsFor(request(uid('User', 'u1'), 'read'), LINKS);

    expect(ids.filter((id) => !(id in STATIC))).toEqual(['g2-reads-d1', 'u1-reads-f1', 'users-of-g1']);
  });

  it('leaves out a link whose `is` type the principal does not have, though it is in the linked group', () => {
    const ids = slicer().policyIdsFor(request(uid('Group', 'g1'), 'read'), LINKS);

    expect(ids.filter((id) => !(id in STATIC))).toEqual(['g1-exactly', 'g2-reads-d1']);
  });

  it('counts only the entities the request carries: a parent left out of them breaks the chain, as it does for Cedar', () => {
    const withoutG1 = { ...request(uid('User', 'u1'), 'read'), entities: ENTITIES.filter((e) => e.uid !== ENTITIES[1]?.uid) };

    const ids = slicer().policyIdsFor(withoutG1, LINKS);

    expect(ids.filter((id) => !(id in STATIC))).toEqual(['u1-reads-f1', 'users-of-g1']);
  });

  it('keeps every `action in` policy in every slice when the schema could not be read, rather than guess its groups', () => {
    const blind = slicer(undefined, readActionHierarchy('not a schema'));

    const ids = blind.policyIdsFor(request(uid('User', 'u1'), 'write'), []);

    expect(ids).toEqual(['all-group', 'anything', 'readers-group', 'users-only', 'write-or-delete']);
  });
});

describe('PolicySlicer: the bounded cache of preparsed slices', () => {
  it("holds at most its entries, and a slice preparsed into an evicted slice's registry id decides by its own policies", () => {
    const small = slicer({ entries: 2, bytes: 1_000_000 });
    const readId = small.policySetId(request(uid('User', 'u1'), 'read'), LINKS);
    small.policySetId(request(uid('User', 'u1'), 'write'), LINKS);
    small.policySetId(request(uid('User', 'u1'), 'share'), LINKS);

    const groupRead = request(uid('Group', 'g1'), 'read');
    const groupReadId = small.policySetId(groupRead, LINKS);
    const answer = statefulIsAuthorized({
      ...groupRead,
      context: { n: 0 },
      preparsedPolicySetId: groupReadId,
      preparsedSchemaName: SCHEMA_NAME,
      validateRequest: true,
    });

    expect({
      size: small.size,
      reusedReadsId: groupReadId === readId,
      determining: answer.type === 'success' ? [...answer.response.diagnostics.reason].sort() : answer.errors,
    }).toEqual({ size: 2, reusedReadsId: true, determining: ['g1-exactly', 'g2-reads-d1', 'read-only', 'readers-group'] });
  });

  it('evicts by bytes too, keeping the newest slice even when it alone is over the bound', () => {
    const tiny = slicer({ entries: 100, bytes: 10 });

    tiny.policySetId(request(uid('User', 'u1'), 'read'), LINKS);
    tiny.policySetId(request(uid('User', 'u1'), 'write'), LINKS);

    expect({ size: tiny.size, overBoundOnlyByTheNewest: tiny.bytes > 10 }).toEqual({ size: 1, overBoundOnlyByTheNewest: true });
  });

  it('reports bytes as the policy text its slices hold plus their keys', () => {
    const fresh = slicer();

    fresh.policySetId(request(uid('User', 'u1'), 'write'), []);

    const ids = ['all-group', 'anything', 'users-only', 'write-or-delete'] as const;
    const text = ids.map((id) => STATIC[id].length).reduce((a, b) => a + b, 0);
    const key = ids.map((id) => JSON.stringify(['s', id])).join('\n').length;
    expect({ size: fresh.size, bytes: fresh.bytes }).toEqual({ size: 1, bytes: text + key });
  });
});

describe('PolicySlicer: link sets Cedar would refuse', () => {
  it("refuses a link whose id is a template's id with Cedar's own message, though no slice would hold both", () => {
    const taken = [link('member-of', 'exactly', uid('User', 'u1'), uid('Folder', 'f1'))];

    expect(() => slicer().policySetId(request(uid('User', 'u1'), 'read'), taken)).toThrow(
      new EngineError(
        'the template links do not parse with the bundle: unable to link template: ' +
          'template-linked policy id `member-of` conflicts with an existing policy id',
      ),
    );
  });

  it('refuses two links with one id', () => {
    const twice = [LINKS[0], LINKS[0]].filter((l): l is TemplateLinkRecord => l !== undefined);

    expect(() => slicer().policySetId(request(uid('User', 'u1'), 'read'), twice)).toThrow(
      new EngineError(
        'the template links do not parse with the bundle: unable to link template: ' +
          'template-linked policy id `g2-reads-d1` conflicts with an existing policy id',
      ),
    );
  });
});

describe('readActionHierarchy', () => {
  it('reads memberOf with and without a type, qualifying a typed one by its namespace as well', () => {
    const hierarchy = readActionHierarchy({
      App: { entityTypes: {}, actions: { view: { memberOf: [{ id: 'readers' }, { id: 'all', type: 'Action' }] } } },
    });

    expect(hierarchy.kind === 'known' ? hierarchy.parents.get('App::Action\u0000view') : hierarchy.why).toEqual([
      'App::Action\u0000readers',
      'Action\u0000all',
      'App::Action\u0000all',
    ]);
  });

  it('says why it cannot read a schema whose memberOf is not a list', () => {
    const hierarchy = readActionHierarchy({ App: { actions: { view: { memberOf: 'readers' } } } });

    expect(hierarchy).toEqual({ kind: 'unknown', why: 'the memberOf of action "view" is not a list' });
  });
});
