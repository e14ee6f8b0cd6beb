// The local AVP endpoint refuses the updates AVP refuses and accepts the ones it accepts, through the real SDK.
//
// AWS documentation emulated here:
// - "UpdatePolicy", AVP API reference: https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicy.html
//   and "UpdateStaticPolicyDefinition",
//   https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdateStaticPolicyDefinition.html
//   (only the action and the conditions may change; not the effect, the principal, the resource, nor static ↔ linked;
//   STRICT stores validate the new statement).
// - "Editing Amazon Verified Permissions static policies":
//   https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policies-edit.html
// - "Editing Amazon Verified Permissions policy templates":
//   https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/policy-templates-edit.html
// - "UpdatePolicyTemplate": https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicyTemplate.html
//   (changes are reflected in every template-linked policy's decisions).
// - `==` to `in` is a principal change: AWS re:Post, "amazon verified permissions can't change == to in within policy template",
//   https://repost.aws/questions/QUMEBxMXboStuB8VDMrIu5FQ
import {
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  IsAuthorizedCommand,
  ListPoliciesCommand,
  UpdatePolicyCommand,
  UpdatePolicyTemplateCommand,
  ValidationException,
} from '@aws-sdk/client-verifiedpermissions';
import { describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../../support/local-avp.js';
import {
  account,
  createStaticPolicy,
  createTemplate,
  customerUser,
  LIST_BILLING,
  linkTemplate,
  newBillingStore,
  tenantUser,
  uid,
  VIEW_ACCOUNT,
} from './support/billing-store.js';

const localAvp = useLocalAvpEndpoint();

const ALICE_VIEWS = 'permit (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource);';

const REFUSED_POLICY_EDITS = [
  {
    change: 'the effect (permit to forbid)',
    statement: 'forbid (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource);',
    names: "You can't change the effect of an existing policy",
  },
  {
    change: 'the principal operator (== to in)',
    statement: 'permit (principal in Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource);',
    names: "You can't change the principal referenced in the scope of an existing policy",
  },
  {
    change: 'the principal entity',
    statement: 'permit (principal == Billing::CustomerUser::"bob", action == Billing::Action::"ViewAccount", resource);',
    names: "You can't change the principal referenced in the scope of an existing policy",
  },
  {
    change: 'the resource (unconstrained to in)',
    statement:
      'permit (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", ' +
      'resource in Billing::Customer::"c1");',
    names: "You can't change the resource referenced in the scope of an existing policy",
  },
  {
    change: 'the resource (an `is` added)',
    statement:
      'permit (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource is Billing::Account);',
    names: "You can't change the resource referenced in the scope of an existing policy",
  },
  {
    change: 'the effect and the principal together',
    statement: 'forbid (principal == Billing::CustomerUser::"bob", action == Billing::Action::"ViewAccount", resource);',
    names: "You can't change the effect or the principal referenced in the scope of an existing policy",
  },
] as const;

/** Alice viewing an account, frozen or not, against the store. */
function aliceViews(policyStoreId: string, frozen: boolean) {
  return new IsAuthorizedCommand({
    policyStoreId,
    principal: uid('CustomerUser', 'alice'),
    action: VIEW_ACCOUNT,
    resource: uid('Account', 'acct-1'),
    entities: { entityList: [customerUser('alice', 'c1'), account('acct-1', frozen)] },
  });
}

describe('UpdatePolicy refuses what AVP cannot update in a static policy', () => {
  it.each(REFUSED_POLICY_EDITS)('refuses a change of $change with ValidationException naming it', async ({ statement, names }) => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS);

    const update = localAvp.client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));

    await expect(update).rejects.toThrow(ValidationException);
    await expect(update).rejects.toThrow(names);
  });

  it('a refused update leaves the stored policy, its dates and its decisions unchanged', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS, 'customer.alice-views');
    const before = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));

    const update = localAvp.client.send(
      new UpdatePolicyCommand({
        policyStoreId,
        policyId,
        definition: { static: { statement: REFUSED_POLICY_EDITS[0].statement, description: 'changed' } },
      }),
    );
    await expect(update).rejects.toThrow(ValidationException);
    const after = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    const decision = await localAvp.client.send(aliceViews(policyStoreId, false));

    expect(after.definition).toEqual({ static: { statement: ALICE_VIEWS, description: 'customer.alice-views' } });
    expect(after.effect).toBe('Permit');
    expect(after.lastUpdatedDate).toEqual(before.lastUpdatedDate);
    expect(decision.decision).toBe('ALLOW');
  });

  it('refuses a statement that does not conform to the schema of a STRICT store, and keeps the old one', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS);
    const statement = `${ALICE_VIEWS.slice(0, -1)} when { resource.vault == 1 };`;

    const update = localAvp.client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));

    await expect(update).rejects.toThrow(ValidationException);
    await expect(update).rejects.toThrow('the policy does not conform to the schema');
    const after = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    expect(after.definition?.static?.statement).toBe(ALICE_VIEWS);
  });
});

describe('UpdatePolicy accepts action and condition changes', () => {
  it('a new condition takes effect on the next IsAuthorized, and lastUpdatedDate moves on', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS);
    const created = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    const statement = `${ALICE_VIEWS.slice(0, -1)} when { resource.frozen == false };`;
    const frozenBefore = await localAvp.client.send(aliceViews(policyStoreId, true));

    const updated = await localAvp.client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));
    const frozenAfter = await localAvp.client.send(aliceViews(policyStoreId, true));
    const openAfter = await localAvp.client.send(aliceViews(policyStoreId, false));

    expect(frozenBefore.decision).toBe('ALLOW');
    expect(frozenAfter.decision).toBe('DENY');
    expect(openAfter).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId }] });
    expect(updated).toMatchObject({
      policyStoreId,
      policyId,
      policyType: 'STATIC',
      effect: 'Permit',
      principal: uid('CustomerUser', 'alice'),
    });
    expect(updated.lastUpdatedDate?.getTime()).toBeGreaterThan(created.lastUpdatedDate?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(updated.createdDate).toEqual(created.createdDate);
  });

  it('a new action list is stored and reported, and the new description is what ListPolicies returns', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS, 'customer.alice-views#0a1b2c3d');
    const statement =
      'permit (principal == Billing::CustomerUser::"alice", ' +
      'action in [Billing::Action::"ViewAccount", Billing::Action::"ListBilling"], resource);';

    const updated = await localAvp.client.send(
      new UpdatePolicyCommand({
        policyStoreId,
        policyId,
        definition: { static: { statement, description: 'customer.alice-views#9f8e7d6c' } },
      }),
    );
    const read = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    const listed = await localAvp.client.send(new ListPoliciesCommand({ policyStoreId }));

    expect(updated.actions).toEqual([VIEW_ACCOUNT, LIST_BILLING]);
    expect(read.definition).toEqual({ static: { statement, description: 'customer.alice-views#9f8e7d6c' } });
    expect(listed.policies?.map((p) => [p.policyId, p.definition])).toEqual([
      [policyId, { static: { description: 'customer.alice-views#9f8e7d6c' } }],
    ]);
  });

  it('keeps the description when the update gives none', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS, 'customer.alice-views');
    const statement = `${ALICE_VIEWS.slice(0, -1)} unless { resource.currency == "USD" };`;

    await localAvp.client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));
    const read = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));

    expect(read.definition).toEqual({ static: { statement, description: 'customer.alice-views' } });
  });
});

describe('UpdatePolicy refuses to turn a policy static ↔ template-linked', () => {
  const DELEGATED = 'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource in ?resource);';

  it('refuses a static definition for a template-linked policy, which stays template-linked', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED);
    const policyId = await linkTemplate(localAvp.client, { policyStoreId, policyTemplateId, user: 'auditor', account: 'acct-1' });

    const update = localAvp.client.send(
      new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement: ALICE_VIEWS } } }),
    );

    await expect(update).rejects.toThrow(ValidationException);
    await expect(update).rejects.toThrow("You can't update a template-linked policy directly, nor change it into a static policy");
    const read = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId }));
    expect(read.policyType).toBe('TEMPLATE_LINKED');
  });

  it('refuses a templateLinked definition for a static policy (a member UpdatePolicyDefinition does not have)', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED);
    const policyId = await createStaticPolicy(localAvp.client, policyStoreId, ALICE_VIEWS);

    // The SDK's UpdatePolicyDefinition has only `static`: the request is sent as another client could send it.
    const reply = await fetch(localAvp.endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'VerifiedPermissions.UpdatePolicy' },
      body: JSON.stringify({
        policyStoreId,
        policyId,
        definition: { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'u1'), resource: uid('Account', 'a1') } },
      }),
    });

    expect(reply.status).toBe(400);
    expect(await reply.json()).toEqual({
      __type: 'ValidationException',
      message: "You can't change a static policy into a template-linked policy: delete it and create a template-linked policy instead.",
    });
  });
});

describe('UpdatePolicyTemplate', () => {
  const READS = 'action in [Billing::Action::"ViewAccount", Billing::Action::"ListBilling"]';
  const DELEGATED_READ = `permit (principal == ?principal, ${READS}, resource in ?resource);`;

  const REFUSED_TEMPLATE_EDITS = [
    {
      change: 'the effect',
      statement: `forbid (principal == ?principal, ${READS}, resource in ?resource);`,
      names: "You can't change the effect of an existing policy template",
    },
    {
      change: 'the principal operator (== to in)',
      statement: `permit (principal in ?principal, ${READS}, resource in ?resource);`,
      names: "You can't change the principal referenced in the scope of an existing policy template",
    },
    {
      change: 'the resource operator (in to ==)',
      statement: `permit (principal == ?principal, ${READS}, resource == ?resource);`,
      names: "You can't change the resource referenced in the scope of an existing policy template",
    },
    {
      change: 'the resource (an `is` added)',
      statement: `permit (principal == ?principal, ${READS}, resource is Billing::Account in ?resource);`,
      names: "You can't change the resource referenced in the scope of an existing policy template",
    },
  ] as const;

  function auditorDoes(policyStoreId: string, action: typeof VIEW_ACCOUNT) {
    return new IsAuthorizedCommand({
      policyStoreId,
      principal: uid('TenantUser', 'auditor'),
      action,
      resource: uid('Account', 'acct-1'),
      entities: { entityList: [tenantUser('auditor'), account('acct-1', true)] },
    });
  }

  it.each(REFUSED_TEMPLATE_EDITS)('refuses a change of $change, and the template keeps its statement', async ({ statement, names }) => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED_READ);

    const update = localAvp.client.send(new UpdatePolicyTemplateCommand({ policyStoreId, policyTemplateId, statement }));

    await expect(update).rejects.toThrow(ValidationException);
    await expect(update).rejects.toThrow(names);
    const read = await localAvp.client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId }));
    expect(read.statement).toBe(DELEGATED_READ);
  });

  it('accepts an action and condition change, and every linked policy decides by it from the next request on', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED_READ);
    const linkId = await linkTemplate(localAvp.client, { policyStoreId, policyTemplateId, user: 'auditor', account: 'acct-1' });
    const statement =
      'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource in ?resource) ' +
      'when { resource.frozen == false };';
    const viewBefore = await localAvp.client.send(auditorDoes(policyStoreId, VIEW_ACCOUNT));
    const listBefore = await localAvp.client.send(auditorDoes(policyStoreId, LIST_BILLING));

    const updated = await localAvp.client.send(
      new UpdatePolicyTemplateCommand({ policyStoreId, policyTemplateId, statement, description: 'delegated read, open accounts' }),
    );
    const viewAfter = await localAvp.client.send(auditorDoes(policyStoreId, VIEW_ACCOUNT));
    const listAfter = await localAvp.client.send(auditorDoes(policyStoreId, LIST_BILLING));
    const template = await localAvp.client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId }));
    const link = await localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId: linkId }));

    expect([viewBefore.decision, listBefore.decision]).toEqual(['ALLOW', 'ALLOW']);
    expect([viewAfter.decision, listAfter.decision]).toEqual(['DENY', 'DENY']);
    expect(updated).toMatchObject({ policyStoreId, policyTemplateId });
    expect(template).toMatchObject({ statement, description: 'delegated read, open accounts' });
    expect(link.actions).toEqual([VIEW_ACCOUNT]);
  });
});
