// The local AVP endpoint evaluates with its store's schema, as AVP does, and reads tags and extension values from the wire.
import {
  BatchIsAuthorizedCommand,
  CreatePolicyCommand,
  CreatePolicyStoreCommand,
  GetPolicyCommand,
  IsAuthorizedCommand,
  PutSchemaCommand,
  ValidationException,
  type EntityItem,
  type IsAuthorizedCommandInput,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { toAvpEntity, toAvpRecord } from '../../../runtime/engine/avp-values.js';
import { LAB_BUNDLE, LAB_SCHEMA } from '../../differential/lab-domain.js';
import { context, dataset, lab, team, user, type ContextFacts, type LabAction } from '../../differential/lab-world.js';

// Where AVP documents the errors asserted here:
// - IsAuthorized, "Errors": ValidationException (HTTP 400) for input that does not satisfy its constraints,
//   https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_IsAuthorized.html
// - AttributeValue, the length and pattern of the decimal, ipaddr, datetime and duration members,
//   https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_AttributeValue.html

const id = (uid: TypeAndId) => ({ entityType: uid.type, entityId: uid.id });

let endpoint: LocalAvpEndpoint;
let client: VerifiedPermissionsClient;
let policyStoreId: string;

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  policyStoreId = endpoint.seedPolicyStore({
    bundle: LAB_BUNDLE,
    templateLinks: [
      { id: 'link-bob-archive', templateId: 'lab.delegate-read', principal: lab('User', 'bob'), resource: lab('Team', 'archive') },
      { id: 'link-audit-archive', templateId: 'lab.audit-read', principal: lab('User', 'unused'), resource: lab('Team', 'archive') },
    ],
  });
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

function ask(
  principal: string,
  action: LabAction,
  resource: TypeAndId,
  entities: readonly EntityJson[],
  facts: ContextFacts = {},
): IsAuthorizedCommandInput {
  return {
    policyStoreId,
    principal: id(lab('User', principal)),
    action: { actionType: 'Lab::Action', actionId: action },
    resource: id(resource),
    context: { contextMap: toAvpRecord(context(action, facts)) },
    entities: { entityList: entities.map(toAvpEntity) },
  };
}

describe("evaluation with the store's schema", () => {
  it('allows read through the readers action group, and alice is in research through ml (lab.team-read)', async () => {
    const entities = [
      user('alice', { teams: ['ml'] }),
      team('ml', ['research']),
      team('research'),
      dataset('d1', { teams: ['research'], level: 'internal' }),
    ];

    const answer = await client.send(new IsAuthorizedCommand(ask('alice', 'read', lab('Dataset', 'd1'), entities)));

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'lab.team-read' }], errors: [] });
  });

  it('allows classifying an enum entity that no entity list holds (lab.classify)', async () => {
    const answer = await client.send(
      new IsAuthorizedCommand(ask('alice', 'classify', lab('Level', 'internal'), [user('alice', { clearance: 3 })])),
    );

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'lab.classify' }], errors: [] });
  });

  it('uses the schema PutSchema put last: a store gains, then loses, the action group an existing policy names', async () => {
    const { policyStoreId: store } = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'OFF' } }));
    await client.send(
      new CreatePolicyCommand({
        policyStoreId: store,
        definition: { static: { statement: 'permit (principal, action in Lab::Action::"readers", resource);' } },
      }),
    );
    const withoutGroup = structuredClone(LAB_SCHEMA);
    withoutGroup.Lab.actions.read.memberOf = [];
    const query = { ...ask('alice', 'read', lab('Dataset', 'd1'), [user('alice'), dataset('d1')]), policyStoreId: store };

    const before = await client.send(new IsAuthorizedCommand(query));
    await client.send(new PutSchemaCommand({ policyStoreId: store, definition: { cedarJson: JSON.stringify(LAB_SCHEMA) } }));
    const withSchema = await client.send(new IsAuthorizedCommand(query));
    await client.send(new PutSchemaCommand({ policyStoreId: store, definition: { cedarJson: JSON.stringify(withoutGroup) } }));
    const afterReplacement = await client.send(new IsAuthorizedCommand(query));

    expect([before.decision, withSchema.decision, afterReplacement.decision]).toEqual(['DENY', 'ALLOW', 'DENY']);
  });
});

describe('tags and extension values on the wire', () => {
  it('reads EntityItem.tags: a shared project tag allows read (lab.tag-share)', async () => {
    const bob: EntityItem = { ...toAvpEntity(user('bob')), tags: { project: { string: 'atlas' } } };
    const atlas: EntityItem = { ...toAvpEntity(dataset('d-atlas')), tags: { project: { string: 'atlas' } } };

    const answer = await client.send(
      new IsAuthorizedCommand({ ...ask('bob', 'read', lab('Dataset', 'd-atlas'), []), entities: { entityList: [bob, atlas] } }),
    );

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'lab.tag-share' }], errors: [] });
  });

  it('reads the decimal member: an amount above the budget is refused by lab.forbid-over-budget', async () => {
    const entities = [user('alice'), dataset('d-owned', { owner: 'alice', budget: '5.25' })];
    const query = ask('alice', 'write', lab('Dataset', 'd-owned'), entities, { mfa: true, amount: '5.2501' });

    const answer = await client.send(new IsAuthorizedCommand(query));

    expect(query.context).toMatchObject({ contextMap: { amount: { decimal: '5.2501' } } });
    expect(answer).toMatchObject({ decision: 'DENY', determiningPolicies: [{ policyId: 'lab.forbid-over-budget' }], errors: [] });
  });

  it('reads the ipaddr, datetime and duration members: an off-subnet request for a secret dataset is refused', async () => {
    const entities = [
      user('alice'),
      dataset('d-secret', { owner: 'alice', level: 'secret', subnet: '10.0.0.0/8', retention: '1h30m', created: '2026-01-01T00:00:00Z' }),
    ];
    const query = ask('alice', 'write', lab('Dataset', 'd-secret'), entities, { mfa: true, ip: '192.168.0.1' });

    const answer = await client.send(new IsAuthorizedCommand(query));

    expect(query.entities).toMatchObject({
      entityList: [
        {},
        {
          attributes: { subnet: { ipaddr: '10.0.0.0/8' }, created: { datetime: '2026-01-01T00:00:00Z' }, retention: { duration: '1h30m' } },
        },
      ],
    });
    expect(answer).toMatchObject({ decision: 'DENY', determiningPolicies: [{ policyId: 'lab.forbid-secret-offsite' }], errors: [] });
  });

  it.each([
    { member: 'decimal', value: '12', format: '3 to 23 characters matching ^-?\\d{1,15}\\.\\d{1,4}$' },
    { member: 'ipaddr', value: '10.0.0.1 ', format: '1 to 44 characters matching ^[0-9a-fA-F.:/]*$' },
    { member: 'datetime', value: '2026-01-01 00:00', format: '10 to 28 characters matching' },
    { member: 'duration', value: '1w', format: '2 to 100 characters matching' },
  ] as const)("refuses a $member member outside AVP's documented pattern with ValidationException", async ({ member, value, format }) => {
    const query = ask('alice', 'read', lab('Dataset', 'd1'), [user('alice'), dataset('d1')]);
    const contextMap = { ...toAvpRecord(context('read')), probe: { [member]: value } as never };

    const answer = client.send(new IsAuthorizedCommand({ ...query, context: { contextMap } }));

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow(`context.contextMap.probe.${member} must be a string of ${format}`);
  });
});

describe('input that does not conform to the schema is refused with ValidationException, as AVP does', () => {
  it('an entity with an attribute of the wrong type', async () => {
    const alice = { ...toAvpEntity(user('alice')), attributes: { ...toAvpEntity(user('alice')).attributes, clearance: { string: '3' } } };

    const answer = client.send(
      new IsAuthorizedCommand({
        ...ask('alice', 'read', lab('Dataset', 'd1'), [dataset('d1')]),
        entities: { entityList: [alice, toAvpEntity(dataset('d1'))] },
      }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow(
      'entity does not conform to the schema: in attribute `clearance` on `Lab::User::"alice"`, type mismatch',
    );
  });

  it('an enum attribute outside the enum', async () => {
    const d1 = toAvpEntity(dataset('d1'));
    const purple = { ...d1, attributes: { ...d1.attributes, level: { entityIdentifier: id(lab('Level', 'purple')) } } };

    const answer = client.send(
      new IsAuthorizedCommand({
        ...ask('alice', 'read', lab('Dataset', 'd1'), []),
        entities: { entityList: [toAvpEntity(user('alice')), purple] },
      }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow(
      'entity `Lab::Level::"purple"` is of an enumerated entity type, but `"purple"` is not declared as a valid eid',
    );
  });

  it('a context without a required attribute', async () => {
    const answer = client.send(
      new IsAuthorizedCommand({
        ...ask('alice', 'read', lab('Dataset', 'd1'), [user('alice'), dataset('d1')]),
        context: { contextMap: { mfa: { boolean: true } } },
      }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow('while parsing context, expected the record to have an attribute');
  });

  it('a principal type the action does not apply to', async () => {
    const answer = client.send(
      new IsAuthorizedCommand({ ...ask('alice', 'read', lab('Dataset', 'd1'), [dataset('d1')]), principal: id(lab('Team', 'ml')) }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow('principal type `Lab::Team` is not valid for `Lab::Action::"read"`');
  });

  it('a batch whose shared entities do not conform, as a whole', async () => {
    const alice = { ...toAvpEntity(user('alice')), attributes: {} };
    const item = (action: LabAction) => {
      const { principal, resource, context: ctx } = ask('alice', action, lab('Dataset', 'd1'), []);
      return { principal, action: { actionType: 'Lab::Action', actionId: action }, resource, context: ctx };
    };

    const answer = client.send(
      new BatchIsAuthorizedCommand({ policyStoreId, entities: { entityList: [alice] }, requests: [item('read'), item('list')] }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow('expected entity `Lab::User::"alice"` to have attribute `clearance`, but it does not');
  });
});

describe('seedPolicyStore with template links', () => {
  it('creates each link under its own id, which then decides', async () => {
    const entities = [user('bob'), dataset('d-archive', { teams: ['archive'], owner: 'bob' }), team('archive')];

    const answer = await client.send(new IsAuthorizedCommand(ask('bob', 'list', lab('Dataset', 'd-archive'), entities)));

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'link-bob-archive' }], errors: [] });
  });

  it('fills only the slots the template has: the link of lab.audit-read names a resource and no principal', async () => {
    const link = await client.send(new GetPolicyCommand({ policyStoreId, policyId: 'link-audit-archive' }));

    expect(link.definition).toEqual({ templateLinked: { policyTemplateId: 'lab.audit-read', resource: id(lab('Team', 'archive')) } });
  });
});
