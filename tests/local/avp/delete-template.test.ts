// DeletePolicyTemplate on the local AVP endpoint takes the template's linked policies with it, as AVP documents.
//
// "DeletePolicyTemplate", AVP API reference:
// https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_DeletePolicyTemplate.html
// "This operation also deletes any policies that were created from the specified policy template. Those policies are
// immediately removed from all future API responses". The call is not documented as idempotent (DeletePolicyStore
// and DeletePolicy are), and lists ResourceNotFoundException among its errors.
import {
  DeletePolicyTemplateCommand,
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  IsAuthorizedCommand,
  ListPoliciesCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-verifiedpermissions';
import { describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../../support/local-avp.js';
import {
  account,
  createStaticPolicy,
  createTemplate,
  linkTemplate,
  newBillingStore,
  tenantUser,
  uid,
  VIEW_ACCOUNT,
} from './support/billing-store.js';

const localAvp = useLocalAvpEndpoint();

const DELEGATED = 'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource in ?resource);';
const OTHER = 'permit (principal in ?principal, action == Billing::Action::"ViewAccount", resource == ?resource);';
const STATIC = 'permit (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource);';

describe('DeletePolicyTemplate', () => {
  it("deletes the template and every policy linked to it, and nothing else; the links' decisions stop at once", async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED);
    const otherTemplateId = await createTemplate(localAvp.client, policyStoreId, OTHER);
    const link = await linkTemplate(localAvp.client, { policyStoreId, policyTemplateId, user: 'auditor', account: 'acct-1' });
    await linkTemplate(localAvp.client, { policyStoreId, policyTemplateId, user: 'clerk', account: 'acct-2' });
    const otherLink = await linkTemplate(localAvp.client, {
      policyStoreId,
      policyTemplateId: otherTemplateId,
      user: 'auditor',
      account: 'acct-9',
    });
    const staticId = await createStaticPolicy(localAvp.client, policyStoreId, STATIC);
    const auditorViews = new IsAuthorizedCommand({
      policyStoreId,
      principal: uid('TenantUser', 'auditor'),
      action: VIEW_ACCOUNT,
      resource: uid('Account', 'acct-1'),
      entities: { entityList: [tenantUser('auditor'), account('acct-1', false)] },
    });
    const before = await localAvp.client.send(auditorViews);

    const reply = await localAvp.client.send(new DeletePolicyTemplateCommand({ policyStoreId, policyTemplateId }));
    const after = await localAvp.client.send(auditorViews);
    const remaining = await localAvp.client.send(new ListPoliciesCommand({ policyStoreId }));
    const readLink = localAvp.client.send(new GetPolicyCommand({ policyStoreId, policyId: link }));
    const readTemplate = localAvp.client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId }));

    expect(reply.$metadata.httpStatusCode).toBe(200);
    expect(before).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: link }] });
    expect(after).toMatchObject({ decision: 'DENY', determiningPolicies: [] });
    expect(remaining.policies?.map((p) => p.policyId).sort()).toEqual([otherLink, staticId].sort());
    await expect(readLink).rejects.toThrow(ResourceNotFoundException);
    await expect(readTemplate).rejects.toThrow(ResourceNotFoundException);
  });

  it('raises ResourceNotFoundException for a template that is not there, deleted before or never created', async () => {
    const policyStoreId = await newBillingStore(localAvp.client);
    const policyTemplateId = await createTemplate(localAvp.client, policyStoreId, DELEGATED);
    await localAvp.client.send(new DeletePolicyTemplateCommand({ policyStoreId, policyTemplateId }));

    const again = localAvp.client.send(new DeletePolicyTemplateCommand({ policyStoreId, policyTemplateId }));
    const unknown = localAvp.client.send(new DeletePolicyTemplateCommand({ policyStoreId, policyTemplateId: 'NoSuchTemplate' }));

    await expect(again).rejects.toThrow(ResourceNotFoundException);
    await expect(again).rejects.toThrow(`POLICY_TEMPLATE ${policyTemplateId} not found`);
    await expect(unknown).rejects.toThrow(ResourceNotFoundException);
  });
});
