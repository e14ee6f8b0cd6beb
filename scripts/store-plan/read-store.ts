// Reads what a plan compares from an AVP policy store (scripts/aws/read-policy-store.ts): the schema, every static
// policy and template with its statement and @id (its description), and how many template-linked policies hang on each
// template.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import {
  IncompleteReplyError,
  POLICY_STORE_READ_ACTIONS,
  PolicyStoreCallError,
  readPolicyStore,
  type StoredStatement,
} from '../aws/read-policy-store.js';
import { classifySdkFailure } from '../aws/sdk-failure.js';
import { isPolicyId } from '../import/policy-id.js';
import { StoreAccessDeniedError, StoreNotFoundError, type StorePlanError, StoreReadError, StoreUnreachableError } from './errors.js';
import type { LiveItem, LiveStore } from './plan-types.js';

export interface ReadLiveStoreOptions {
  /** GetPolicy / GetPolicyTemplate calls in flight at once. @default 8 */
  readonly concurrency?: number;
  /** Items per List page. @default 50, the most ListPolicies and ListPolicyTemplates return */
  readonly pageSize?: number;
}

/** The calls a plan makes: what an IAM policy must allow on the store. */
export const PLAN_READ_ACTIONS = POLICY_STORE_READ_ACTIONS;

export async function readLiveStore(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  options: ReadLiveStoreOptions = {},
): Promise<LiveStore> {
  const store = await readPolicyStore({ client, policyStoreId, schema: 'optional', ...options }).catch((error: unknown) => {
    throw explainReadFailure(error, policyStoreId);
  });
  const linkedPolicies = new Map<string, number>();
  for (const link of store.links) linkedPolicies.set(link.templateAvpId, (linkedPolicies.get(link.templateAvpId) ?? 0) + 1);
  const item = (kind: LiveItem['kind'], stored: StoredStatement): LiveItem => ({
    kind,
    avpId: stored.avpId,
    policyId: policyIdOf(stored.description),
    statement: stored.statement,
  });
  return {
    policyStoreId,
    schema: store.schema,
    items: [...store.templates.map((template) => item('template', template)), ...store.policies.map((policy) => item('policy', policy))],
    linkedPolicies,
  };
}

/** A deploy writes the @id as the description; any other description was written by someone else. */
function policyIdOf(description: string | undefined): string | undefined {
  return description !== undefined && isPolicyId(description) ? description : undefined;
}

/** One StorePlanError whose message says what failed and what to do. */
function explainReadFailure(error: unknown, policyStoreId: string): StorePlanError {
  if (error instanceof IncompleteReplyError) return new StoreReadError(error.message, { cause: error });
  if (!(error instanceof PolicyStoreCallError)) throw error;
  const { operation } = error;
  const options = { cause: error.cause };
  const failure = classifySdkFailure(error.cause);
  switch (failure.kind) {
    case 'not-found':
      return new StoreNotFoundError(`policy store ${policyStoreId} not found; check the store id and the region`, options);
    case 'access-denied':
    case 'no-credentials':
      return new StoreAccessDeniedError(
        `access denied to policy store ${policyStoreId} (${operation}: ${failure.message}); ` +
          `the credentials need ${PLAN_READ_ACTIONS.map((action) => `verifiedpermissions:${action}`).join(', ')} on it`,
        options,
      );
    case 'service':
      return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${failure.name}: ${failure.message}`, options);
    case 'unreachable':
      return new StoreUnreachableError(
        `cannot reach Amazon Verified Permissions for policy store ${policyStoreId} (${failure.network})`,
        options,
      );
    case 'other':
      return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${failure.message}`, options);
  }
}
