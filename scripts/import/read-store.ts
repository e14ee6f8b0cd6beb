// Reads what an import needs from an AVP policy store through the SDK: the schema, every static policy with its
// statement, every template with its statement, and the template-linked policies (listed, never imported).
// API reference: GetSchema, ListPolicies, GetPolicy, ListPolicyTemplates and GetPolicyTemplate
// (https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/).
import {
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  GetSchemaCommand,
  paginateListPolicies,
  paginateListPolicyTemplates,
  type EntityIdentifier,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { StoreReadError } from './errors.js';
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
  const { client, policyStoreId } = options;
  const pageSize = options.pageSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const call = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      throw explainReadFailure({ error, operation, policyStoreId, where: options.where });
    });

  const schema = await call('GetSchema', () => client.send(new GetSchemaCommand({ policyStoreId })));

  const staticIds: string[] = [];
  const links: StoredLink[] = [];
  await call('ListPolicies', async () => {
    for await (const page of paginateListPolicies({ client, pageSize }, { policyStoreId })) {
      for (const item of page.policies ?? []) {
        const linked = item.definition?.templateLinked;
        if (item.policyType === 'TEMPLATE_LINKED' && linked?.policyTemplateId !== undefined) {
          links.push({
            storeId: required(item.policyId, 'ListPolicies: policyId'),
            templateStoreId: linked.policyTemplateId,
            principal: linked.principal,
            resource: linked.resource,
          });
        } else {
          staticIds.push(required(item.policyId, 'ListPolicies: policyId'));
        }
      }
    }
  });
  const templateIds: string[] = [];
  await call('ListPolicyTemplates', async () => {
    for await (const page of paginateListPolicyTemplates({ client, pageSize }, { policyStoreId })) {
      for (const item of page.policyTemplates ?? [])
        templateIds.push(required(item.policyTemplateId, 'ListPolicyTemplates: policyTemplateId'));
    }
  });

  // ListPolicies gives a static policy's description but not its statement (PolicyItem); GetPolicy gives both.
  const policies = await inBatches(staticIds.sort(), concurrency, async (policyId) => {
    const policy = await call('GetPolicy', () => client.send(new GetPolicyCommand({ policyStoreId, policyId })));
    const definition = policy.definition?.static;
    return {
      storeId: policyId,
      statement: required(definition?.statement, `GetPolicy ${policyId}: definition.static.statement`),
      description: definition?.description,
    };
  });
  const templates = await inBatches(templateIds.sort(), concurrency, async (policyTemplateId) => {
    const template = await call('GetPolicyTemplate', () => client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId })));
    return {
      storeId: policyTemplateId,
      statement: required(template.statement, `GetPolicyTemplate ${policyTemplateId}: statement`),
      description: template.description,
    };
  });
  return {
    policyStoreId,
    schemaJson: required(schema.schema, 'GetSchema: schema'),
    policies,
    templates,
    links: links.sort((a, b) => (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0)),
  };
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  }
  return results;
}

function required<T>(value: T | undefined, what: string): T {
  // The API reference marks these members as always present: a reply without one is not AVP's.
  if (value === undefined) throw new StoreReadError(`the reply lacks ${what}`);
  return value;
}
