// A policy store made as tenant onboarding makes one, through the real SDK: AVP's own random policy ids, each static
// policy's @id in its description, each template's in its; template links created with the link id as their AVP name.
import {
  CreatePolicyCommand,
  ListPoliciesCommand,
  ListPolicyTemplatesCommand,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyBundle } from '../../../../runtime/config.js';
import type { TemplateLinkRecord } from '../../../../runtime/engine/decision.js';
import {
  createBundlePolicies,
  createBundleTemplates,
  createTenantStore,
  putBundleSchema,
} from '../../../../scripts/tenant/tenant-store.js';

export interface DeployedStore {
  readonly policyStoreId: string;
  /** @id → the id AVP gave the policy (links: link id → AVP id). */
  readonly avpIdOf: ReadonlyMap<string, string>;
}

export interface DeployedLink {
  readonly link: TemplateLinkRecord;
  /** Whether the link is created with `name/<link id>`; AVP makes the name optional. */
  readonly named: boolean;
}

export async function deployStore(
  client: VerifiedPermissionsClient,
  bundle: PolicyBundle,
  options: { readonly tenantId?: string; readonly links?: readonly DeployedLink[] } = {},
): Promise<DeployedStore> {
  const policyStoreId = await createTenantStore(client, { tenantId: options.tenantId ?? 'test', mode: bundle.mode });
  await putBundleSchema(client, policyStoreId, bundle);
  await createBundleTemplates(client, policyStoreId, bundle);
  await createBundlePolicies(client, policyStoreId, bundle);
  const avpIdOf = new Map<string, string>();
  const { policies = [] } = await client.send(new ListPoliciesCommand({ policyStoreId, maxResults: 50 }));
  for (const p of policies) if (p.policyId && p.definition?.static?.description) avpIdOf.set(p.definition.static.description, p.policyId);
  const { policyTemplates = [] } = await client.send(new ListPolicyTemplatesCommand({ policyStoreId, maxResults: 50 }));
  const templateIdOf = new Map(policyTemplates.map((t) => [t.description ?? '', t.policyTemplateId ?? '']));
  for (const { link, named } of options.links ?? []) {
    const slots = slotsOf(bundle.templates[link.templateId] ?? '');
    const created = await client.send(
      new CreatePolicyCommand({
        policyStoreId,
        ...(named ? { name: `name/${link.id}` } : {}),
        definition: {
          templateLinked: {
            policyTemplateId: templateIdOf.get(link.templateId) ?? link.templateId,
            ...(slots.principal ? { principal: { entityType: link.principal.type, entityId: link.principal.id } } : {}),
            ...(slots.resource ? { resource: { entityType: link.resource.type, entityId: link.resource.id } } : {}),
          },
        },
      }),
    );
    avpIdOf.set(link.id, created.policyId ?? '');
  }
  return { policyStoreId, avpIdOf };
}

/** A link names only the slots its template has, as AVP requires. */
function slotsOf(template: string): { readonly principal: boolean; readonly resource: boolean } {
  const json = templateToJson(template);
  if (json.type === 'failure') throw new Error(`the template does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  const hasSlot = (constraint: object): boolean => JSON.stringify(constraint).includes('"slot"');
  return { principal: hasSlot(json.json.principal), resource: hasSlot(json.json.resource) };
}
