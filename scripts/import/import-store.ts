// The import: read the store → render the schema and policies → plan against the disk → write. Only the last step writes.
import type { EntityIdentifier, VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { applyImport } from './write-files.js';
import { planImport, type FileChange } from './plan-files.js';
import { readPolicyStore } from './read-store.js';
import { renderPolicies, type RenderedPolicy } from './render-policies.js';
import { renderSchema } from './render-schema.js';

export interface ImportOptions {
  readonly client: VerifiedPermissionsClient;
  readonly policyStoreId: string;
  /** The project root: schema/ and policies/ are under it. */
  readonly root: string;
  /** Where the calls go, for messages: the endpoint URL or the region. */
  readonly where: string;
  /** Items per List page. @default 50 */
  readonly pageSize?: number;
}

export interface ImportedLink {
  readonly storeId: string;
  /** The @id the link's template was imported under; the store's template id if the template was not imported. */
  readonly template: string;
  readonly principal: EntityIdentifier | undefined;
  readonly resource: EntityIdentifier | undefined;
}

export interface ImportResult {
  readonly policyStoreId: string;
  readonly namespace: string;
  readonly schemaPath: string;
  readonly policies: readonly RenderedPolicy[];
  readonly links: readonly ImportedLink[];
  readonly changes: readonly FileChange[];
}

export async function importPolicyStore(options: ImportOptions): Promise<ImportResult> {
  const { policyStoreId } = options;
  const snapshot = await readPolicyStore({
    client: options.client,
    policyStoreId,
    where: options.where,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  const schema = renderSchema(policyStoreId, snapshot.schemaJson);
  const policies = renderPolicies({ policyStoreId, policies: snapshot.policies, templates: snapshot.templates });
  const changes = planImport(options.root, [schema, ...policies]);
  applyImport(options.root, changes);
  const templateIds = new Map(policies.filter((p) => p.kind === 'template').map((p) => [p.storeId, p.id]));
  return {
    policyStoreId,
    namespace: schema.namespace,
    schemaPath: schema.path,
    policies,
    links: snapshot.links.map((link) => ({
      storeId: link.storeId,
      template: templateIds.get(link.templateStoreId) ?? link.templateStoreId,
      principal: link.principal,
      resource: link.resource,
    })),
    changes,
  };
}
