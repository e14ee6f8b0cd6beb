// Stores of the billing fixture domain on a local AVP endpoint, and the entities and identifiers its tests send.
import {
  CreatePolicyCommand,
  CreatePolicyStoreCommand,
  CreatePolicyTemplateCommand,
  PutSchemaCommand,
  type EntityItem,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { fixtureMode } from '../../../support/fixture-domain.js';

const SCHEMA_JSON = JSON.stringify(fixtureMode('billing', 'customer').POLICY_BUNDLE.schema);

export const VIEW_ACCOUNT = { actionType: 'Billing::Action', actionId: 'ViewAccount' };
export const LIST_BILLING = { actionType: 'Billing::Action', actionId: 'ListBilling' };

export const uid = (type: string, id: string) => ({ entityType: `Billing::${type}`, entityId: id });

/** A STRICT store (or one with validation OFF) holding the billing schema. */
export async function newBillingStore(client: VerifiedPermissionsClient, mode: 'STRICT' | 'OFF' = 'STRICT'): Promise<string> {
  const { policyStoreId } = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode } }));
  if (!policyStoreId) throw new Error('CreatePolicyStore returned no id');
  await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: SCHEMA_JSON } }));
  return policyStoreId;
}

export async function createStaticPolicy(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  statement: string,
  description?: string,
): Promise<string> {
  const { policyId } = await client.send(
    new CreatePolicyCommand({ policyStoreId, definition: { static: { statement, ...(description ? { description } : {}) } } }),
  );
  if (!policyId) throw new Error('CreatePolicy returned no id');
  return policyId;
}

export async function createTemplate(client: VerifiedPermissionsClient, policyStoreId: string, statement: string): Promise<string> {
  const { policyTemplateId } = await client.send(new CreatePolicyTemplateCommand({ policyStoreId, statement }));
  if (!policyTemplateId) throw new Error('CreatePolicyTemplate returned no id');
  return policyTemplateId;
}

/** A link of the template to a tenant user and an account. */
export async function linkTemplate(
  client: VerifiedPermissionsClient,
  input: { readonly policyStoreId: string; readonly policyTemplateId: string; readonly user: string; readonly account: string },
): Promise<string> {
  const { policyId } = await client.send(
    new CreatePolicyCommand({
      policyStoreId: input.policyStoreId,
      definition: {
        templateLinked: {
          policyTemplateId: input.policyTemplateId,
          principal: uid('TenantUser', input.user),
          resource: uid('Account', input.account),
        },
      },
    }),
  );
  if (!policyId) throw new Error('CreatePolicy returned no id');
  return policyId;
}

export function customerUser(id: string, customer: string): EntityItem {
  return {
    identifier: uid('CustomerUser', id),
    attributes: { userId: { string: id }, customer: { entityIdentifier: uid('Customer', customer) } },
    parents: [uid('Role', 'admin')],
  };
}

export function tenantUser(id: string): EntityItem {
  return {
    identifier: uid('TenantUser', id),
    attributes: {
      userId: { string: id },
      tenant: { entityIdentifier: uid('Tenant', 't1') },
      customer: { entityIdentifier: uid('Customer', 'c1') },
    },
    parents: [],
  };
}

export function account(id: string, frozen: boolean): EntityItem {
  return {
    identifier: uid('Account', id),
    attributes: {
      owner: { entityIdentifier: uid('Customer', 'c1') },
      tenant: { entityIdentifier: uid('Tenant', 't1') },
      currency: { string: 'EUR' },
      frozen: { boolean: frozen },
    },
    parents: [uid('Customer', 'c1')],
  };
}
