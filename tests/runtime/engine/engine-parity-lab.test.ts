// The local engine and the AVP engine (real SDK → local AVP endpoint) agree on the Cedar features the billing corpus
// does not reach: action groups, group → group hierarchies, tags, the four extension types, records, enum entities,
// template links, evaluation errors and requests outside the schema.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { createAvpEngine } from '../../../runtime/engine/avp-engine.js';
import type { AuthorizationRequest, Decision, Engine, TemplateLinkRecord } from '../../../runtime/engine/decision.js';
import { createLocalEngine } from '../../../runtime/engine/local-engine.js';
import { EngineError } from '../../../runtime/errors.js';
import { LAB_BUNDLE } from '../../differential/lab-domain.js';
import { dataset, lab, labRequest, team, user, type ContextFacts, type LabAction } from '../../differential/lab-world.js';
import { deployStore } from './support/deployed-store.js';

const LINKS: readonly TemplateLinkRecord[] = [
  { id: 'link-bob-archive', templateId: 'lab.delegate-read', principal: lab('User', 'bob'), resource: lab('Team', 'archive') },
  { id: 'link-audit-archive', templateId: 'lab.audit-read', principal: lab('User', 'unused'), resource: lab('Team', 'archive') },
  { id: 'link-ops-write-archive', templateId: 'lab.grant-write', principal: lab('Team', 'ops'), resource: lab('Dataset', 'd-archive') },
];

// ------------------------------------------------------------------ the world
const TEAMS = [
  team('ml', ['research']),
  team('research', ['lab']),
  team('lab'),
  team('archive'),
  team('audit'),
  team('ops'),
  team('other'),
];
const PEOPLE: Record<string, EntityJson> = {
  alice: user('alice', { teams: ['ml'], clearance: 1 }),
  bob: user('bob', { tags: { project: 'atlas' } }),
  carol: user('carol', { clearance: 2 }),
  dan: user('dan', { office: { building: 'north' } }),
  dana: user('dana', { office: { building: 'south', floor: 3 } }),
  dora: user('dora', { teams: ['audit'] }),
  eve: user('eve', { teams: ['ops', 'other'] }),
  fay: user('fay', { trusted: ['10.1.2.3', '192.168.7.7'] }),
  gus: user('gus', { level: 'internal' }),
  hugo: user('hugo', { clearance: 2 ** 62 }),
  mia: user('mia'),
  owen: user('owen', { manager: 'mia' }),
  rex: user('rex', { clearance: 3 }),
};
const DATASETS: Record<string, EntityJson> = {
  dResearch: dataset('d-research', { teams: ['research'], level: 'internal', owner: 'carol' }),
  dSecretResearch: dataset('d-secret-research', { teams: ['research'], level: 'secret', owner: 'carol' }),
  dAtlas: dataset('d-atlas', { tags: { project: 'atlas' }, owner: 'carol' }),
  dHermes: dataset('d-hermes', { tags: { project: 'hermes' }, owner: 'carol' }),
  dOwned: dataset('d-owned', { owner: 'alice', budget: '250.5' }),
  dHugoOwned: dataset('d-hugo', { owner: 'hugo' }),
  dSecret: dataset('d-secret', { owner: 'alice', level: 'secret', subnet: '10.0.0.0/8' }),
  dFresh: dataset('d-fresh', { created: '2026-01-10T00:00:00Z', retention: '10d', owner: 'carol' }),
  dStale: dataset('d-stale', { created: '2025-01-10T00:00:00Z', retention: '10d', owner: 'carol' }),
  dOpen: dataset('d-open', { labels: ['open', 'survey'], owner: 'carol' }),
  dMeta: dataset('d-meta', { level: 'internal', meta: { source: 'census', version: 7 }, owner: 'carol' }),
  dManaged: dataset('d-managed', { owner: 'owen' }),
  dArchive: dataset('d-archive', { teams: ['archive'], owner: 'carol' }),
};

function who(name: string): EntityJson {
  const entity = PEOPLE[name];
  if (!entity) throw new Error(`no person ${name} in the lab world`);
  return entity;
}

function what(name: string): EntityJson {
  const entity = DATASETS[name];
  if (!entity) throw new Error(`no dataset ${name} in the lab world`);
  return entity;
}

/** Everything the request could need: the principal, the dataset, its owner and every team (hierarchies in full). */
function ask(principal: string, action: LabAction, resource: string, facts: ContextFacts = {}): AuthorizationRequest {
  const target = what(resource);
  const uid = target.uid as TypeAndId;
  const owner = Object.values(PEOPLE).find(
    (p) => JSON.stringify(p.uid) === JSON.stringify((target.attrs['owner'] as { __entity: TypeAndId }).__entity),
  );
  const entities = [who(principal), target, ...TEAMS, ...(owner && owner !== who(principal) ? [owner] : [])];
  return labRequest(principal, action, uid, entities, facts);
}

function classify(principal: string, level: string): AuthorizationRequest {
  return labRequest(principal, 'classify', lab('Level', level), [who(principal)]);
}

interface Case {
  /** `<principal>_<action>_<resource>` */
  readonly name: string;
  /** The Cedar feature the case exercises. */
  readonly feature: string;
  readonly request: AuthorizationRequest;
  readonly expected: Decision;
}

const allow = (name: string, feature: string, request: AuthorizationRequest, ...determiningPolicies: string[]): Case => ({
  name,
  feature,
  request,
  expected: { decision: 'allow', determiningPolicies, errors: [] },
});
const deny = (name: string, feature: string, request: AuthorizationRequest, ...determiningPolicies: string[]): Case => ({
  name,
  feature,
  request,
  expected: { decision: 'deny', determiningPolicies, errors: [] },
});

const CASES: readonly Case[] = [
  allow('alice_read_dResearch', 'action group, two-hop team hierarchy', ask('alice', 'read', 'dResearch'), 'lab.team-read'),
  allow('alice_list_dResearch', 'action group', ask('alice', 'list', 'dResearch'), 'lab.team-read'),
  deny('alice_write_dResearch', 'action group: write is not a reader', ask('alice', 'write', 'dResearch')),
  deny('eve_read_dResearch', 'hierarchy: other is not in research', ask('eve', 'read', 'dResearch')),
  deny('alice_read_dSecretResearch', 'enum attribute', ask('alice', 'read', 'dSecretResearch')),
  allow('bob_read_dAtlas', 'tags', ask('bob', 'read', 'dAtlas'), 'lab.tag-share'),
  deny('bob_read_dHermes', 'tags', ask('bob', 'read', 'dHermes')),
  deny('alice_read_dAtlas', 'tags: the principal has none', ask('alice', 'read', 'dAtlas')),
  allow('alice_write_dOwned_mfa', 'entity reference', ask('alice', 'write', 'dOwned', { mfa: true }), 'lab.owner-write'),
  deny('alice_write_dOwned_noMfa', 'context boolean', ask('alice', 'write', 'dOwned', { mfa: false })),
  allow('alice_write_dOwned_atBudget', 'decimal', ask('alice', 'write', 'dOwned', { mfa: true, amount: '250.5' }), 'lab.owner-write'),
  deny(
    'alice_write_dOwned_overBudget',
    'decimal',
    ask('alice', 'write', 'dOwned', { mfa: true, amount: '250.5001' }),
    'lab.forbid-over-budget',
  ),
  deny(
    'alice_write_dSecret_offsite',
    'ipaddr',
    ask('alice', 'write', 'dSecret', { mfa: true, ip: '192.168.0.1' }),
    'lab.forbid-secret-offsite',
  ),
  allow('alice_write_dSecret_onsite', 'ipaddr', ask('alice', 'write', 'dSecret', { mfa: true, ip: '10.200.0.1' }), 'lab.owner-write'),
  deny(
    'alice_delete_dOwned_longWindow',
    'duration',
    ask('alice', 'delete', 'dOwned', { mfa: true, window: '1h1s' }),
    'lab.forbid-long-window',
  ),
  allow('alice_delete_dOwned_hourWindow', 'duration', ask('alice', 'delete', 'dOwned', { mfa: true, window: '1h' }), 'lab.owner-write'),
  allow(
    'carol_read_dFresh',
    'datetime offset by duration',
    ask('carol', 'read', 'dFresh', { now: '2026-01-19T23:59:59Z' }),
    'lab.retention-read',
  ),
  deny('carol_read_dStale', 'datetime offset by duration', ask('carol', 'read', 'dStale', { now: '2026-01-19T23:59:59Z' })),
  allow('dan_list_dOpen', 'record attribute, set', ask('dan', 'list', 'dOpen'), 'lab.open-label'),
  deny('dana_list_dOpen', 'record attribute with an optional member', ask('dana', 'list', 'dOpen')),
  allow(
    'fay_list_dOpen_trustedIp',
    'set of ipaddr, context record',
    ask('fay', 'list', 'dOpen', { ip: '192.168.7.7' }),
    'lab.trusted-list',
  ),
  deny('fay_list_dOpen_otherApp', 'context record', ask('fay', 'list', 'dOpen', { ip: '192.168.7.7', client: { app: 'cli', version: 1 } })),
  allow(
    'gus_read_dMeta',
    'enum equality, record attribute',
    ask('gus', 'read', 'dMeta', { client: { app: 'cli', version: 7 } }),
    'lab.meta-read',
  ),
  deny('gus_read_dMeta_newerClient', 'record attribute', ask('gus', 'read', 'dMeta', { client: { app: 'cli', version: 8 } })),
  allow('mia_read_dManaged', 'optional entity attribute', ask('mia', 'read', 'dManaged'), 'lab.manager-read'),
  deny('dan_read_dManaged', 'optional entity attribute', ask('dan', 'read', 'dManaged')),
  allow('rex_classify_internal', 'enum entity as the resource, in no entity list', classify('rex', 'internal'), 'lab.classify'),
  deny('rex_classify_secret', 'enum entity as the resource', classify('rex', 'secret')),
  deny('alice_classify_internal', 'enum entity as the resource', classify('alice', 'internal')),
  allow('bob_list_dArchive', 'template link, both slots', ask('bob', 'list', 'dArchive'), 'link-bob-archive'),
  deny('bob_write_dArchive', 'template link: readers only', ask('bob', 'write', 'dArchive', { mfa: true })),
  allow('dora_read_dArchive', 'template link, ?resource only', ask('dora', 'read', 'dArchive'), 'link-audit-archive'),
  allow(
    'eve_write_dArchive_mfa',
    'template link on a team principal',
    ask('eve', 'write', 'dArchive', { mfa: true }),
    'link-ops-write-archive',
  ),
  deny('eve_write_dArchive_noMfa', 'template link with a condition', ask('eve', 'write', 'dArchive', { mfa: false })),
];

let endpoint: LocalAvpEndpoint;
let client: VerifiedPermissionsClient;
let policyStoreId: string;
let avp: Engine;
const local = createLocalEngine(LAB_BUNDLE);

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  // AVP's own policy ids; the links created with their link ids as AVP names, so both engines name them alike.
  ({ policyStoreId } = await deployStore(client, LAB_BUNDLE, { tenantId: 'lab', links: LINKS.map((link) => ({ link, named: true })) }));
  avp = createAvpEngine({ client, timeoutMs: 10_000 });
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

describe('the lab corpus', () => {
  it('has uniquely named cases, both allows and denies, and lets every policy and link but the erroring forbid decide one', () => {
    const deciding = new Set(CASES.flatMap((c) => c.expected.determiningPolicies));
    const decidable = [...Object.keys(LAB_BUNDLE.policies), ...LINKS.map((l) => l.id)].filter((id) => id !== 'lab.forbid-owner-outranked');

    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.expected.decision))).toEqual(new Set(['allow', 'deny']));
    expect(decidable.filter((id) => !deciding.has(id))).toEqual([]);
  });
});

describe('the local engine and the AVP engine give the same decision and determining policies', () => {
  it.each(CASES)('$name ($feature): $expected.decision', async ({ request, expected }) => {
    const viaLocal = await local.isAuthorized(request, { templateLinks: LINKS });
    const viaAvp = await avp.isAuthorized(request, { policyStoreId });

    expect(viaLocal).toEqual({ ...expected, determiningPolicies: [...expected.determiningPolicies].sort() });
    expect(viaAvp).toEqual(viaLocal);
  });

  it("answers a batch of one principal's requests as the single calls do, through BatchIsAuthorized", async () => {
    const batch = CASES.filter((c) => c.request.principal.id === 'alice');

    const viaLocal = await local.isAuthorizedBatch(
      batch.map((c) => c.request),
      { templateLinks: LINKS },
    );
    const viaAvp = await avp.isAuthorizedBatch(
      batch.map((c) => c.request),
      { policyStoreId },
    );

    expect(viaLocal.map((d) => d.decision)).toEqual(batch.map((c) => c.expected.decision));
    expect(viaAvp).toEqual(viaLocal);
  });

  it('both turn an allow that came with an overflow in a forbid into a deny with one error naming that forbid', async () => {
    const request = ask('hugo', 'write', 'dHugoOwned', { mfa: true });

    const viaLocal = await local.isAuthorized(request, { templateLinks: LINKS });
    const viaAvp = await avp.isAuthorized(request, { policyStoreId });

    for (const decision of [viaLocal, viaAvp]) {
      expect(decision.decision).toBe('deny');
      expect(decision.determiningPolicies).toEqual([]);
      expect(decision.errors).toEqual([
        expect.stringMatching(/lab\.forbid-owner-outranked: integer overflow while attempting to multiply/),
      ]);
    }
  });

  it('both turn an allow into a deny when the forbid reads an owner the request does not carry', async () => {
    const orphan = dataset('d-orphan', { owner: 'ghost' });
    const request = labRequest('alice', 'write', lab('Dataset', 'd-orphan'), [who('alice'), orphan], { mfa: true });
    const withAliceAsOwner = {
      ...request,
      entities: [who('alice'), { ...orphan, attrs: { ...orphan.attrs, owner: { __entity: lab('User', 'alice') } } }],
    };

    const viaLocal = await local.isAuthorized(request, { templateLinks: LINKS });
    const viaAvp = await avp.isAuthorized(request, { policyStoreId });
    const ownedLocally = await local.isAuthorized(withAliceAsOwner, { templateLinks: LINKS });

    expect(viaLocal).toEqual({
      decision: 'deny',
      determiningPolicies: [],
      errors: ['lab.forbid-owner-outranked: entity `Lab::User::"ghost"` does not exist'],
    });
    expect(viaAvp).toEqual({
      decision: 'deny',
      determiningPolicies: [],
      // AVP's error names the failing policy by its AVP id; the engine names it by its @id, as in determining policies.
      errors: ['policy lab.forbid-owner-outranked: entity `Lab::User::"ghost"` does not exist'],
    });
    expect(ownedLocally).toEqual({ decision: 'allow', determiningPolicies: ['lab.owner-write'], errors: [] });
  });

  it.each([
    {
      name: 'rex_classify_purple',
      request: classify('rex', 'purple'),
      reason: 'entity `Lab::Level::"purple"` is of an enumerated entity type',
    },
    {
      name: 'alice_read_dResearch_noContext',
      request: { ...ask('alice', 'read', 'dResearch'), context: {} },
      reason: 'while parsing context, expected the record to have an attribute',
    },
  ])('$name: refused by both engines with the same reason', async ({ request, reason }) => {
    const viaLocal = local.isAuthorized(request, { templateLinks: LINKS });
    const viaAvp = avp.isAuthorized(request, { policyStoreId });

    await expect(viaLocal).rejects.toThrow(EngineError);
    await expect(viaLocal).rejects.toThrow(reason);
    await expect(viaAvp).rejects.toThrow(EngineError);
    await expect(viaAvp).rejects.toThrow(`Verified Permissions failed (ValidationException): `);
    await expect(viaAvp).rejects.toThrow(reason);
  });
});
