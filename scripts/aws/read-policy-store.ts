// Reads an AVP policy store through the SDK as the store holds it: the schema text, every static policy and template
// with its statement and description, and every template-linked policy. Import and plan each make sense of it.
// API reference: GetSchema, ListPolicies, GetPolicy, ListPolicyTemplates, GetPolicyTemplate
// (https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/).
import {
  type EntityIdentifier,
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  GetSchemaCommand,
  paginateListPolicies,
  paginateListPolicyTemplates,
  ResourceNotFoundException,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { withConcurrency } from '../../common/with-concurrency.js';

/** The calls a read makes: what an IAM policy must allow on the store. */
export const POLICY_STORE_READ_ACTIONS = ['GetSchema', 'ListPolicies', 'GetPolicy', 'ListPolicyTemplates', 'GetPolicyTemplate'] as const;

export interface StoredStatement {
  /** The store's own id of the policy or template. */
  readonly avpId: string;
  /** Absent, or empty, when the store has none. */
  readonly description: string | undefined;
  readonly statement: string;
}

export interface StoredLink {
  readonly avpId: string;
  readonly templateAvpId: string;
  readonly principal: EntityIdentifier | undefined;
  readonly resource: EntityIdentifier | undefined;
}

export interface RawPolicyStore<Schema> {
  /** The schema in Cedar JSON, exactly as GetSchema returned it. */
  readonly schema: Schema;
  /** Each list sorted by store id, so nothing downstream depends on the order the store lists them in. */
  readonly policies: readonly StoredStatement[];
  readonly templates: readonly StoredStatement[];
  readonly links: readonly StoredLink[];
}

export interface ReadPolicyStoreOptions {
  readonly client: VerifiedPermissionsClient;
  readonly policyStoreId: string;
  /**
   * 'required': a store without a schema fails GetSchema (ResourceNotFoundException for SCHEMA) like any other call.
   * 'optional': such a store reads with `schema` undefined.
   */
  readonly schema: 'required' | 'optional';
  /** Items per List page. @default 50, the most ListPolicies and ListPolicyTemplates return */
  readonly pageSize?: number;
  /** GetPolicy / GetPolicyTemplate calls in flight at once. @default 8 */
  readonly concurrency?: number;
}

/** An SDK call failed; `cause` is the SDK's error, for the caller to classify (scripts/aws/sdk-failure.ts). */
export class PolicyStoreCallError extends Error {
  override readonly name = 'PolicyStoreCallError';
  constructor(
    readonly operation: (typeof POLICY_STORE_READ_ACTIONS)[number],
    cause: unknown,
  ) {
    super(`${operation} failed`, { cause });
  }
}

/** A reply lacks a member the API reference marks as always present: the reply is not AVP's. */
export class IncompleteReplyError extends Error {
  override readonly name = 'IncompleteReplyError';
}

export async function readPolicyStore(options: ReadPolicyStoreOptions & { schema: 'required' }): Promise<RawPolicyStore<string>>;
export async function readPolicyStore(options: ReadPolicyStoreOptions): Promise<RawPolicyStore<string | undefined>>;
export async function readPolicyStore(options: ReadPolicyStoreOptions): Promise<RawPolicyStore<string | undefined>> {
  const { client, policyStoreId } = options;
  const pageSize = options.pageSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const call = <T>(operation: PolicyStoreCallError['operation'], run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      throw error instanceof IncompleteReplyError ? error : new PolicyStoreCallError(operation, error);
    });

  const schemaReply = await call('GetSchema', () =>
    client.send(new GetSchemaCommand({ policyStoreId })).catch((error: unknown) => {
      // A store without a schema answers ResourceNotFoundException for the SCHEMA resource (not the store).
      if (options.schema === 'optional' && error instanceof ResourceNotFoundException && error.resourceType === 'SCHEMA') {
        return { schema: undefined };
      }
      throw error;
    }),
  );

  const staticIds: string[] = [];
  const links: StoredLink[] = [];
  await call('ListPolicies', async () => {
    for await (const page of paginateListPolicies({ client, pageSize }, { policyStoreId })) {
      for (const item of page.policies ?? []) {
        const linked = item.definition?.templateLinked;
        if (item.policyType === 'TEMPLATE_LINKED' && linked?.policyTemplateId !== undefined) {
          links.push({
            avpId: required(item.policyId, 'ListPolicies: policyId'),
            templateAvpId: linked.policyTemplateId,
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
  const policies = await withConcurrency(staticIds.sort(), concurrency, async (policyId): Promise<StoredStatement> => {
    const policy = await call('GetPolicy', () => client.send(new GetPolicyCommand({ policyStoreId, policyId })));
    const definition = policy.definition?.static;
    return {
      avpId: policyId,
      description: definition?.description,
      statement: required(definition?.statement, `GetPolicy ${policyId}: definition.static.statement`),
    };
  });
  const templates = await withConcurrency(templateIds.sort(), concurrency, async (policyTemplateId): Promise<StoredStatement> => {
    const template = await call('GetPolicyTemplate', () => client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId })));
    return {
      avpId: policyTemplateId,
      description: template.description,
      statement: required(template.statement, `GetPolicyTemplate ${policyTemplateId}: statement`),
    };
  });
  return {
    schema: options.schema === 'required' ? required(schemaReply.schema, 'GetSchema: schema') : schemaReply.schema,
    policies,
    templates,
    links: links.sort((a, b) => (a.avpId < b.avpId ? -1 : a.avpId > b.avpId ? 1 : 0)),
  };
}

function required<T>(value: T | undefined, what: string): T {
  // The API reference marks these members as always present: a reply without one is not AVP's.
  if (value === undefined) throw new IncompleteReplyError(`the reply lacks ${what}`);
  return value;
}
