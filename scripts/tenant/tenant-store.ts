// A tenant's Verified Permissions policy store: created STRICT and deletion-protected, filled from the mode's bundle, deleted
// protection-off-first.
import { randomUUID } from 'node:crypto';
import {
  CreatePolicyCommand,
  CreatePolicyStoreCommand,
  CreatePolicyTemplateCommand,
  DeletePolicyStoreCommand,
  GetPolicyStoreCommand,
  PutSchemaCommand,
  ResourceNotFoundException,
  UpdatePolicyStoreCommand,
  type GetPolicyStoreOutput,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import type { PolicyBundle } from '../../runtime/config.js';

/** How a tenant's store describes itself, so a store found in the console or ListPolicyStores names its tenant. */
export function tenantStoreDescription(tenantId: string, mode: string): string {
  return `Tenant ${tenantId} of authorizer mode ${mode}`;
}

/** Creates an empty store, validation STRICT and deletion protection on, as the stack's blueprint store is. */
export async function createTenantStore(
  client: VerifiedPermissionsClient,
  options: { readonly tenantId: string; readonly mode: string },
): Promise<string> {
  const { policyStoreId } = await client.send(
    new CreatePolicyStoreCommand({
      // One token for every retry of this call: a retry after a lost reply returns the store the first try made.
      clientToken: randomUUID(),
      validationSettings: { mode: 'STRICT' },
      deletionProtection: 'ENABLED',
      description: tenantStoreDescription(options.tenantId, options.mode),
    }),
  );
  if (policyStoreId === undefined || policyStoreId === '') throw new Error('CreatePolicyStore returned no policy store id');
  return policyStoreId;
}

export async function putBundleSchema(client: VerifiedPermissionsClient, policyStoreId: string, bundle: PolicyBundle): Promise<void> {
  await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: JSON.stringify(bundle.schema) } }));
}

/**
 * One static policy per @id, in @id order. AVP gives each its own id; the description carries the @id, as the
 * stack's policies do, so a determining policy can be traced back to its source.
 */
export async function createBundlePolicies(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  bundle: PolicyBundle,
): Promise<number> {
  const ids = Object.keys(bundle.policies).sort();
  for (const id of ids) {
    await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: bundle.policies[id] ?? '', description: id } } }),
    );
  }
  return ids.length;
}

/** One template per @id, its description the @id: a template-linked policy can only link a template of its own store. */
export async function createBundleTemplates(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  bundle: PolicyBundle,
): Promise<number> {
  const ids = Object.keys(bundle.templates).sort();
  for (const id of ids) {
    await client.send(new CreatePolicyTemplateCommand({ policyStoreId, statement: bundle.templates[id] ?? '', description: id }));
  }
  return ids.length;
}

/** The store, or undefined when AVP does not know the id. */
export async function findPolicyStore(client: VerifiedPermissionsClient, policyStoreId: string): Promise<GetPolicyStoreOutput | undefined> {
  try {
    return await client.send(new GetPolicyStoreCommand({ policyStoreId }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Turns deletion protection off, then deletes the store; 'absent' when it was already gone. UpdatePolicyStore
 * requires the validation mode, so the store's own is passed back, and its description with it so it is kept.
 */
export async function deleteTenantStore(client: VerifiedPermissionsClient, policyStoreId: string): Promise<'deleted' | 'absent'> {
  const store = await findPolicyStore(client, policyStoreId);
  if (store === undefined) return 'absent';
  if (store.deletionProtection !== 'DISABLED') {
    await client.send(
      new UpdatePolicyStoreCommand({
        policyStoreId,
        validationSettings: { mode: store.validationSettings?.mode ?? 'STRICT' },
        deletionProtection: 'DISABLED',
        ...(store.description !== undefined ? { description: store.description } : {}),
      }),
    );
  }
  await client.send(new DeletePolicyStoreCommand({ policyStoreId }));
  return 'deleted';
}
