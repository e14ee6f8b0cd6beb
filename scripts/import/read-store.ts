// Reads what an import needs from an AVP policy store (scripts/aws/read-policy-store.ts): the schema, every static
// policy with its statement, every template with its statement, and the template-linked policies (listed, never imported).
import type { EntityIdentifier, VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { readPolicyStore as readRawPolicyStore } from '../aws/read-policy-store.js';
import { explainReadFailure } from './read-failure.js';

export interface StoredStatement {
  /** The store's own id of the policy or template. */
  readonly storeId: string;
  readonly statement: string;
  /** Absent, or empty, when the store has none. */
  readonly description: string | undefined;
}

export interface StoredLink {
  readonly storeId: string;
  readonly templateStoreId: string;
  readonly principal: EntityIdentifier | undefined;
  readonly resource: EntityIdentifier | undefined;
}

export interface StoreSnapshot {
  readonly policyStoreId: string;
  /** The schema in Cedar JSON, exactly as GetSchema returned it. */
  readonly schemaJson: string;
  /** Sorted by store id, so nothing downstream depends on the order the store lists them in. */
  readonly policies: readonly StoredStatement[];
  readonly templates: readonly StoredStatement[];
  readonly links: readonly StoredLink[];
}

export interface ReadStoreOptions {
  readonly client: VerifiedPermissionsClient;
  readonly policyStoreId: string;
  /** Items per List page. @default 50, the most ListPolicies and ListPolicyTemplates return */
  readonly pageSize?: number;
  /** GetPolicy / GetPolicyTemplate calls in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Where the calls go, for messages: the endpoint URL or the region. */
  readonly where: string;
}

export async function readPolicyStore(options: ReadStoreOptions): Promise<StoreSnapshot> {
  const { where, ...read } = options;
  const store = await readRawPolicyStore({ ...read, schema: 'required' }).catch((error: unknown) => {
    throw explainReadFailure({ error, policyStoreId: options.policyStoreId, where });
  });
  const statement = ({ avpId, statement, description }: (typeof store.policies)[number]): StoredStatement => ({
    storeId: avpId,
    statement,
    description,
  });
  return {
    policyStoreId: options.policyStoreId,
    schemaJson: store.schema,
    policies: store.policies.map(statement),
    templates: store.templates.map(statement),
    links: store.links.map((link) => ({
      storeId: link.avpId,
      templateStoreId: link.templateAvpId,
      principal: link.principal,
      resource: link.resource,
    })),
  };
}
