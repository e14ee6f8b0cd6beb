// Reads what a plan compares from an AVP policy store through the SDK: the schema, every static policy and template
// with its statement and @id (its description), and how many template-linked policies hang on each template.
// API reference: GetSchema, ListPolicies, GetPolicy, ListPolicyTemplates, GetPolicyTemplate
// (https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/).
import {
  AccessDeniedException,
  GetPolicyCommand,
  GetPolicyTemplateCommand,
  GetSchemaCommand,
  paginateListPolicies,
  paginateListPolicyTemplates,
  ResourceNotFoundException,
  VerifiedPermissionsServiceException,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { isPolicyId } from '../import/policy-id.js';
import { StoreAccessDeniedError, StoreNotFoundError, StorePlanError, StoreReadError, StoreUnreachableError } from './errors.js';
import type { LiveItem, LiveStore } from './plan-types.js';

export interface ReadLiveStoreOptions {
  /** GetPolicy / GetPolicyTemplate calls in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Items per List page. @default 50, the most ListPolicies and ListPolicyTemplates return */
  readonly pageSize?: number;
}

/** The calls a plan makes: what an IAM policy must allow on the store. */
export const PLAN_READ_ACTIONS = ['GetSchema', 'ListPolicies', 'GetPolicy', 'ListPolicyTemplates', 'GetPolicyTemplate'] as const;

export async function readLiveStore(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  options: ReadLiveStoreOptions = {},
): Promise<LiveStore> {
  const pageSize = options.pageSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  const call = <T>(operation: string, run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      throw explainReadFailure(error, operation, policyStoreId);
    });

  const schema = await call('GetSchema', () =>
    client.send(new GetSchemaCommand({ policyStoreId })).then(
      (answer) => answer.schema,
      (error: unknown) => {
        // A store without a schema answers ResourceNotFoundException for the SCHEMA resource (not the store).
        if (error instanceof ResourceNotFoundException && error.resourceType === 'SCHEMA') return undefined;
        throw error;
      },
    ),
  );

  const staticIds: string[] = [];
  const linkedPolicies = new Map<string, number>();
  await call('ListPolicies', async () => {
    for await (const page of paginateListPolicies({ client, pageSize }, { policyStoreId })) {
      for (const item of page.policies ?? []) {
        const templateId = item.definition?.templateLinked?.policyTemplateId;
        if (item.policyType === 'TEMPLATE_LINKED' && templateId !== undefined) {
          linkedPolicies.set(templateId, (linkedPolicies.get(templateId) ?? 0) + 1);
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
  const policies = await withConcurrency(staticIds.sort(), concurrency, async (policyId): Promise<LiveItem> => {
    const policy = await call('GetPolicy', () => client.send(new GetPolicyCommand({ policyStoreId, policyId })));
    const definition = policy.definition?.static;
    return {
      kind: 'policy',
      avpId: policyId,
      policyId: policyIdOf(definition?.description),
      statement: required(definition?.statement, `GetPolicy ${policyId}: definition.static.statement`),
    };
  });
  const templates = await withConcurrency(templateIds.sort(), concurrency, async (policyTemplateId): Promise<LiveItem> => {
    const template = await call('GetPolicyTemplate', () => client.send(new GetPolicyTemplateCommand({ policyStoreId, policyTemplateId })));
    return {
      kind: 'template',
      avpId: policyTemplateId,
      policyId: policyIdOf(template.description),
      statement: required(template.statement, `GetPolicyTemplate ${policyTemplateId}: statement`),
    };
  });
  return { policyStoreId, schema, items: [...templates, ...policies], linkedPolicies };
}

/** A deploy writes the @id as the description; any other description was written by someone else. */
function policyIdOf(description: string | undefined): string | undefined {
  return description !== undefined && isPolicyId(description) ? description : undefined;
}

/** Runs `run` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function withConcurrency<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async (): Promise<void> => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) results[entry.index] = await run(entry.item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function required<T>(value: T | undefined, what: string): T {
  // The API reference marks these members as always present: a reply without one is not AVP's.
  if (value === undefined) throw new StoreReadError(`the reply lacks ${what}`);
  return value;
}

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

/** One StorePlanError whose message says what failed and what to do. */
export function explainReadFailure(error: unknown, operation: string, policyStoreId: string): StorePlanError {
  if (error instanceof StorePlanError) return error;
  const options = { cause: error };
  if (error instanceof ResourceNotFoundException) {
    return new StoreNotFoundError(`policy store ${policyStoreId} not found; check the store id and the region`, options);
  }
  if (error instanceof AccessDeniedException || (error instanceof Error && error.name === 'CredentialsProviderError')) {
    return new StoreAccessDeniedError(
      `access denied to policy store ${policyStoreId} (${operation}: ${oneLine(error.message)}); ` +
        `the credentials need ${PLAN_READ_ACTIONS.map((action) => `verifiedpermissions:${action}`).join(', ')} on it`,
      options,
    );
  }
  if (error instanceof VerifiedPermissionsServiceException) {
    return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${error.name}: ${oneLine(error.message)}`, options);
  }
  const network = networkCode(error);
  if (network !== undefined) {
    return new StoreUnreachableError(`cannot reach Amazon Verified Permissions for policy store ${policyStoreId} (${network})`, options);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${oneLine(message)}`, options);
}

/** The SDK reports connection failures as node errors, sometimes wrapped, and its own timeouts as TimeoutError. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = 'code' in current ? current.code : undefined;
    if (typeof code === 'string' && NETWORK_CODES.includes(code)) return code;
    if (current.name === 'TimeoutError') return 'timed out';
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
