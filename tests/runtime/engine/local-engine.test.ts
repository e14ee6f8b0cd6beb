import { describe, expect, it } from 'vitest';
import type { TemplateLinkRecord } from '../../../runtime/engine/decision.js';
import { createLocalEngine, withoutSchemaForBench } from '../../../runtime/engine/local-engine.js';
import { EngineError } from '../../../runtime/errors.js';
import { LAB_BUNDLE } from '../../differential/lab-domain.js';
import { dataset, ext, lab, labRequest, ref, team, user } from '../../differential/lab-world.js';

const engine = createLocalEngine(LAB_BUNDLE);

// alice is in ml, ml is in research; d-research sits in research.
const ALICE = user('alice', { teams: ['ml'] });
const TEAMS = [team('ml', ['research']), team('research')];
const D_RESEARCH = dataset('d-research', { teams: ['research'], level: 'internal', owner: 'carol' });

describe('the local engine evaluates with the bundle schema', () => {
  it('allows read through its action group: read is in readers, and alice is in research through ml (lab.team-read)', async () => {
    const request = labRequest('alice', 'read', lab('Dataset', 'd-research'), [ALICE, D_RESEARCH, ...TEAMS]);

    const decision = await engine.isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['lab.team-read'], errors: [] });
  });

  it('denies the same request without the schema (the benchmark-only option): the action hierarchy lives in the schema', async () => {
    const withoutSchema = createLocalEngine(LAB_BUNDLE, { withSchema: false });
    const request = labRequest('alice', 'read', lab('Dataset', 'd-research'), [ALICE, D_RESEARCH, ...TEAMS]);

    const decision = await withoutSchema.isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
  });

  it('withoutSchemaForBench leaves out the schema only for engines created inside it', async () => {
    const request = labRequest('alice', 'read', lab('Dataset', 'd-research'), [ALICE, D_RESEARCH, ...TEAMS]);

    const inside = withoutSchemaForBench(() => createLocalEngine(LAB_BUNDLE));
    const after = createLocalEngine(LAB_BUNDLE);

    expect(await inside.isAuthorized(request, {})).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
    expect(await after.isAuthorized(request, {})).toEqual({ decision: 'allow', determiningPolicies: ['lab.team-read'], errors: [] });
  });

  it('reads an ipaddr stored as a plain string by its declared type: a secret dataset is refused off its subnet', async () => {
    const secret = dataset('d-secret', { owner: 'alice', level: 'secret' });
    const plain = { ...secret, attrs: { ...secret.attrs, subnet: '10.0.0.0/8' } };
    const offsite = labRequest('alice', 'write', lab('Dataset', 'd-secret'), [ALICE, plain], { mfa: true, ip: '192.168.0.1' });
    const onsite = labRequest('alice', 'write', lab('Dataset', 'd-secret'), [ALICE, plain], { mfa: true, ip: '10.9.9.9' });

    const [refused, allowed] = [await engine.isAuthorized(offsite, {}), await engine.isAuthorized(onsite, {})];

    expect(refused).toEqual({ decision: 'deny', determiningPolicies: ['lab.forbid-secret-offsite'], errors: [] });
    expect(allowed).toEqual({ decision: 'allow', determiningPolicies: ['lab.owner-write'], errors: [] });
  });

  it('reads a decimal stored as a plain string: a write above the budget is refused by lab.forbid-over-budget', async () => {
    const owned = dataset('d-owned', { owner: 'alice' });
    const plain = { ...owned, attrs: { ...owned.attrs, budget: '5.25' } };
    const request = labRequest('alice', 'write', lab('Dataset', 'd-owned'), [ALICE, plain], { mfa: true, amount: '5.2501' });

    const decision = await engine.isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: ['lab.forbid-over-budget'], errors: [] });
  });

  it('allows classifying an enum entity that no entity list holds (lab.classify)', async () => {
    const request = labRequest('alice', 'classify', lab('Level', 'internal'), [user('alice', { clearance: 3 })]);

    const decision = await engine.isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['lab.classify'], errors: [] });
  });

  it('allows read when the principal and the dataset share a tag value (lab.tag-share)', async () => {
    const tagged = user('bob', { tags: { project: 'atlas' } });
    const shared = dataset('d-atlas', { tags: { project: 'atlas' } });
    const request = labRequest('bob', 'read', lab('Dataset', 'd-atlas'), [tagged, shared]);

    const decision = await engine.isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['lab.tag-share'], errors: [] });
  });

  it('turns an allow that came with an overflow in a forbid into a deny naming the error', async () => {
    const huge = user('alice', { clearance: 2 ** 62 });
    const request = labRequest('alice', 'write', lab('Dataset', 'd-owned'), [huge, dataset('d-owned', { owner: 'alice' })], { mfa: true });

    const decision = await engine.isAuthorized(request, {});

    expect(decision).toEqual({
      decision: 'deny',
      determiningPolicies: [],
      errors: [expect.stringMatching(/^lab\.forbid-owner-outranked: integer overflow while attempting to multiply/)],
    });
  });
});

describe("a request that does not conform to the schema is an EngineError carrying cedar-wasm's reason", () => {
  const refusals = [
    {
      name: 'an enum attribute outside the enum',
      request: labRequest('alice', 'read', lab('Dataset', 'd1'), [
        ALICE,
        { ...dataset('d1'), attrs: { ...dataset('d1').attrs, level: ref(lab('Level', 'purple')) } },
      ]),
      message: 'entity `Lab::Level::"purple"` is of an enumerated entity type, but `"purple"` is not declared as a valid eid',
    },
    {
      name: 'a Long attribute sent as a string',
      request: labRequest('alice', 'read', lab('Dataset', 'd1'), [{ ...ALICE, attrs: { ...ALICE.attrs, clearance: '3' } }, dataset('d1')]),
      message: 'in attribute `clearance` on `Lab::User::"alice"`, type mismatch',
    },
    {
      name: 'an attribute the schema does not declare',
      request: labRequest('alice', 'read', lab('Dataset', 'd1'), [
        { ...ALICE, attrs: { ...ALICE.attrs, email: 'alice@lab.example' } },
        dataset('d1'),
      ]),
      message: 'attribute `email` on `Lab::User::"alice"` should not exist according to the schema',
    },
    {
      name: 'a principal type the action does not apply to',
      request: { ...labRequest('alice', 'read', lab('Dataset', 'd1'), [dataset('d1')]), principal: lab('Team', 'ml') },
      message: 'principal type `Lab::Team` is not valid for `Lab::Action::"read"`',
    },
    {
      name: 'a context without a required attribute',
      request: { ...labRequest('alice', 'read', lab('Dataset', 'd1'), [ALICE, dataset('d1')]), context: { mfa: true } },
      message: 'while parsing context, expected the record to have an attribute',
    },
    {
      name: 'a context attribute the action does not declare',
      request: {
        ...labRequest('alice', 'read', lab('Dataset', 'd1'), [ALICE, dataset('d1')], {}),
        context: { ...labRequest('alice', 'read', lab('Dataset', 'd1'), []).context, amount: ext('decimal', '1.0') },
      },
      message: 'record attribute `amount` should not exist according to the schema',
    },
  ];

  it.each(refusals)('$name', async ({ request, message }) => {
    const decision = engine.isAuthorized(request, {});

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow(`cedar-wasm refused the request: `);
    await expect(decision).rejects.toThrow(message);
  });
});

describe('template links (EngineOptions.templateLinks)', () => {
  const BOB = user('bob');
  const D_ARCHIVE = dataset('d-archive', { teams: ['archive'], owner: 'bob' });
  const ARCHIVE = team('archive');
  const delegation: TemplateLinkRecord = {
    id: 'link-bob-archive',
    templateId: 'lab.delegate-read',
    principal: lab('User', 'bob'),
    resource: lab('Team', 'archive'),
  };

  it("allows the linked principal on a resource in the linked team, decided by the link's id", async () => {
    const request = labRequest('bob', 'list', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]);

    const decision = await engine.isAuthorized(request, { templateLinks: [delegation] });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['link-bob-archive'], errors: [] });
  });

  it('denies the same request without the link', async () => {
    const request = labRequest('bob', 'list', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]);

    const decision = await engine.isAuthorized(request, { templateLinks: [] });

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
  });

  it('denies another principal the linked resource', async () => {
    const request = labRequest('alice', 'list', lab('Dataset', 'd-archive'), [ALICE, D_ARCHIVE, ARCHIVE]);

    const decision = await engine.isAuthorized(request, { templateLinks: [delegation] });

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
  });

  it('fills only the slots the template has: lab.audit-read takes ?resource, its principal is the audit team', async () => {
    const auditor = user('dora', { teams: ['audit'] });
    const link: TemplateLinkRecord = {
      id: 'link-audit-archive',
      templateId: 'lab.audit-read',
      principal: lab('User', 'ignored'),
      resource: lab('Team', 'archive'),
    };
    const request = labRequest('dora', 'read', lab('Dataset', 'd-archive'), [auditor, team('audit'), D_ARCHIVE, ARCHIVE]);

    const decision = await engine.isAuthorized(request, { templateLinks: [link] });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['link-audit-archive'], errors: [] });
  });

  it('decides every request of a batch with the links', async () => {
    const requests = [
      labRequest('bob', 'read', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]),
      labRequest('bob', 'write', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]),
    ];

    const decisions = await engine.isAuthorizedBatch(requests, { templateLinks: [delegation] });

    expect(decisions).toEqual([
      { decision: 'allow', determiningPolicies: ['link-bob-archive'], errors: [] },
      { decision: 'deny', determiningPolicies: [], errors: [] },
    ]);
  });

  it('refuses a link to a template the bundle does not have, with EngineError', async () => {
    const request = labRequest('bob', 'read', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]);
    const link: TemplateLinkRecord = { ...delegation, id: 'link-x', templateId: 'lab.no-such-template' };

    const decision = engine.isAuthorized(request, { templateLinks: [link] });

    await expect(decision).rejects.toThrow(
      new EngineError('template link link-x names template lab.no-such-template, which the bundle does not have'),
    );
  });

  it("refuses a link whose id is a static policy's id, with EngineError", async () => {
    const request = labRequest('bob', 'read', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]);

    const decision = engine.isAuthorized(request, { templateLinks: [{ ...delegation, id: 'lab.classify' }] });

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow(
      'the template links do not parse with the bundle: unable to link template: ' +
        'template-linked policy id `lab.classify` conflicts with an existing policy id',
    );
  });
});

describe('the local engine decides on slices, bounded and reported as metrics', () => {
  it('holds one slice per distinct set of policies that may apply, and reports their count and bytes', async () => {
    const fresh = createLocalEngine(LAB_BUNDLE);
    const request = labRequest('alice', 'read', lab('Dataset', 'd-research'), [ALICE, D_RESEARCH, ...TEAMS]);

    await fresh.isAuthorized(request, {});
    await fresh.isAuthorized(request, {});
    const afterOne = { size: fresh.slices.size, bytes: fresh.slices.bytes };

    expect({ size: afterOne.size, hasBytes: afterOne.bytes > 0 }).toEqual({ size: 1, hasBytes: true });
  });

  it('treats the same links in another order as one slice', async () => {
    const BOB = user('bob');
    const D_ARCHIVE = dataset('d-archive', { teams: ['archive'], owner: 'bob' });
    const ARCHIVE = team('archive');
    const delegation: TemplateLinkRecord = {
      id: 'link-bob-archive',
      templateId: 'lab.delegate-read',
      principal: lab('User', 'bob'),
      resource: lab('Team', 'archive'),
    };
    const fresh = createLocalEngine(LAB_BUNDLE);
    const request = labRequest('bob', 'read', lab('Dataset', 'd-archive'), [BOB, D_ARCHIVE, ARCHIVE]);
    const other: TemplateLinkRecord = { ...delegation, id: 'link-other', principal: lab('User', 'carol') };

    await fresh.isAuthorized(request, { templateLinks: [delegation, other] });
    await fresh.isAuthorized(request, { templateLinks: [other, delegation] });

    expect(fresh.slices.size).toBe(1);
  });
});
