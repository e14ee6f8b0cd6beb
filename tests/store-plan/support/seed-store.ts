// Fills a policy store on the local AVP endpoint through the SDK as a deploy does: schema, templates and static policies
// with their @id as description, plus whatever a test adds (hand-made policies, template-linked policies).
import {
  CreatePolicyCommand,
  CreatePolicyStoreCommand,
  CreatePolicyTemplateCommand,
  PutSchemaCommand,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import type { PolicyBundle } from '../../../runtime/config.js';

export interface ExtraPolicy {
  readonly statement: string;
  /** An @id, any other text (a policy made by hand), or none. */
  readonly description?: string;
}

export interface TemplateLink {
  /** The @id of the bundle template to link. */
  readonly templateId: string;
  readonly principal: { readonly entityType: string; readonly entityId: string };
  readonly resource: { readonly entityType: string; readonly entityId: string };
}

export interface SeedOptions {
  readonly bundle: Pick<PolicyBundle, 'schema' | 'policies' | 'templates'>;
  /** @default true */
  readonly withSchema?: boolean;
  readonly extraPolicies?: readonly ExtraPolicy[];
  readonly links?: readonly TemplateLink[];
}

export interface SeededStore {
  readonly policyStoreId: string;
  /** AVP's id of each static policy and template, by @id. */
  readonly avpIds: ReadonlyMap<string, string>;
}

export async function seedStore(client: VerifiedPermissionsClient, options: SeedOptions): Promise<SeededStore> {
  const { policyStoreId } = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'STRICT' } }));
  if (policyStoreId === undefined) throw new Error('CreatePolicyStore returned no id');
  if (options.withSchema ?? true) {
    await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: JSON.stringify(options.bundle.schema) } }));
  }
  const avpIds = new Map<string, string>();
  for (const [id, statement] of Object.entries(options.bundle.templates)) {
    const { policyTemplateId } = await client.send(new CreatePolicyTemplateCommand({ policyStoreId, statement, description: id }));
    if (policyTemplateId !== undefined) avpIds.set(id, policyTemplateId);
  }
  for (const [id, statement] of Object.entries(options.bundle.policies)) {
    const { policyId } = await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement, description: id } } }),
    );
    if (policyId !== undefined) avpIds.set(id, policyId);
  }
  for (const extra of options.extraPolicies ?? []) {
    const { policyId } = await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: extra.statement, description: extra.description } } }),
    );
    if (policyId !== undefined && extra.description !== undefined) avpIds.set(extra.description, policyId);
  }
  for (const link of options.links ?? []) {
    const policyTemplateId = avpIds.get(link.templateId);
    if (policyTemplateId === undefined) throw new Error(`no template ${link.templateId} to link`);
    await client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: { templateLinked: { policyTemplateId, principal: link.principal, resource: link.resource } },
      }),
    );
  }
  return { policyStoreId, avpIds };
}
