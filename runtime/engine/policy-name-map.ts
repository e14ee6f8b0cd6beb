// Reads one policy store's policies through ListPolicies, every page, into AVP policy id → the name decisions report.
import { ListPoliciesCommand, type PolicyItem, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';

/** A policy's name, or why it has none that reviewers know. */
export type PolicyName = { readonly kind: 'named'; readonly name: string } | { readonly kind: 'unnamed'; readonly why: string };

/** AVP's prefix on a policy's `name` (CreatePolicy: "The name must be prefixed with name/"). */
const AVP_NAME_PREFIX = 'name/';

/** ListPolicies answers at most 50 items per page. */
const PAGE_SIZE = 50;

/**
 * Every policy of the store, named as the local engine names the same policy:
 * - a static policy by its `@id`, which the deploy (infra/policy-store.ts) and tenant onboarding
 *   (scripts/tenant/tenant-store.ts) write into its description;
 * - a template-linked policy by its link's own id, as the local engine names it from its link table: the policy's
 *   AVP `name` without `name/` when the link was created with one, else its AVP id, the only id such a link has.
 */
export async function readPolicyNames(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  signal: AbortSignal,
): Promise<Map<string, PolicyName>> {
  const names = new Map<string, PolicyName>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListPoliciesCommand({ policyStoreId, maxResults: PAGE_SIZE, nextToken }), { abortSignal: signal });
    for (const item of page.policies ?? []) if (item.policyId) names.set(item.policyId, nameOf(item, item.policyId));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

function nameOf(item: PolicyItem, policyId: string): PolicyName {
  if (item.policyType === 'TEMPLATE_LINKED') {
    const name = item.name?.startsWith(AVP_NAME_PREFIX) ? item.name.slice(AVP_NAME_PREFIX.length) : item.name;
    return { kind: 'named', name: name || policyId };
  }
  const description = item.definition?.static?.description;
  if (description) return { kind: 'named', name: description };
  return {
    kind: 'unnamed',
    why: `policy ${policyId} has no description: it was not deployed from this repository, which writes the @id there`,
  };
}
