// Turns a failed store read (scripts/aws/read-policy-store.ts) into one ImportError whose message is one line a user
// can act on.
import { IncompleteReplyError, POLICY_STORE_READ_ACTIONS, PolicyStoreCallError } from '../aws/read-policy-store.js';
import { classifySdkFailure } from '../aws/sdk-failure.js';
import {
  type ImportError,
  StoreAccessDeniedError,
  StoreNotFoundError,
  StoreReadError,
  StoreUnreachableError,
  UnsupportedStoreError,
} from './errors.js';

/** The calls an import makes: what an IAM policy must allow on the store. */
export const READ_ACTIONS = POLICY_STORE_READ_ACTIONS;

export interface ReadFailure {
  /** What readPolicyStore threw. */
  readonly error: unknown;
  readonly policyStoreId: string;
  /** The endpoint URL or the region the calls went to. */
  readonly where: string;
}

export function explainReadFailure({ error, policyStoreId, where }: ReadFailure): ImportError {
  if (error instanceof IncompleteReplyError) return new StoreReadError(error.message, { cause: error });
  if (!(error instanceof PolicyStoreCallError)) throw error;
  const { operation } = error;
  const options = { cause: error.cause };
  const failure = classifySdkFailure(error.cause);
  switch (failure.kind) {
    case 'not-found':
      if (failure.resourceType === 'SCHEMA') {
        return new UnsupportedStoreError(
          `policy store ${policyStoreId} has no schema; a project validates every policy against one, so put a schema in the store first`,
          options,
        );
      }
      return new StoreNotFoundError(`policy store ${policyStoreId} not found at ${where}; check --policy-store-id and --region`, options);
    case 'access-denied':
      return new StoreAccessDeniedError(
        `access denied to policy store ${policyStoreId} (${operation}: ${failure.message}); ` +
          `the credentials need ${READ_ACTIONS.map((action) => `verifiedpermissions:${action}`).join(', ')} on it`,
        options,
      );
    case 'service':
      return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${failure.name}: ${failure.message}`, options);
    case 'no-credentials':
      return new StoreAccessDeniedError(
        `no AWS credentials to call ${where} with (${failure.message}); set AWS_PROFILE or the AWS_ACCESS_KEY_ID variables`,
        options,
      );
    case 'unreachable':
      return new StoreUnreachableError(`cannot reach Amazon Verified Permissions at ${where} (${failure.network})`, options);
    case 'other':
      return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${failure.message}`, options);
  }
}
