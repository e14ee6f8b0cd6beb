// Turns a failed SDK call into one ImportError whose message is one line a user can act on.
import { AccessDeniedException, ResourceNotFoundException, VerifiedPermissionsServiceException } from '@aws-sdk/client-verifiedpermissions';
import {
  ImportError,
  StoreAccessDeniedError,
  StoreNotFoundError,
  StoreReadError,
  StoreUnreachableError,
  UnsupportedStoreError,
} from './errors.js';

/** The calls an import makes: what an IAM policy must allow on the store. */
export const READ_ACTIONS = ['GetSchema', 'ListPolicies', 'GetPolicy', 'ListPolicyTemplates', 'GetPolicyTemplate'] as const;

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

export interface ReadFailure {
  readonly error: unknown;
  readonly operation: string;
  readonly policyStoreId: string;
  /** The endpoint URL or the region the calls went to. */
  readonly where: string;
}

export function explainReadFailure({ error, operation, policyStoreId, where }: ReadFailure): ImportError {
  if (error instanceof ImportError) return error;
  const options = { cause: error };
  if (error instanceof ResourceNotFoundException) {
    if (error.resourceType === 'SCHEMA') {
      return new UnsupportedStoreError(
        `policy store ${policyStoreId} has no schema; a project validates every policy against one, so put a schema in the store first`,
        options,
      );
    }
    return new StoreNotFoundError(`policy store ${policyStoreId} not found at ${where}; check --policy-store-id and --region`, options);
  }
  if (error instanceof AccessDeniedException) {
    return new StoreAccessDeniedError(
      `access denied to policy store ${policyStoreId} (${operation}: ${oneLine(error.message)}); ` +
        `the credentials need ${READ_ACTIONS.map((action) => `verifiedpermissions:${action}`).join(', ')} on it`,
      options,
    );
  }
  if (error instanceof VerifiedPermissionsServiceException) {
    return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${error.name}: ${oneLine(error.message)}`, options);
  }
  if (isCredentialsFailure(error)) {
    return new StoreAccessDeniedError(
      `no AWS credentials to call ${where} with (${oneLine(messageOf(error))}); set AWS_PROFILE or the AWS_ACCESS_KEY_ID variables`,
      options,
    );
  }
  const network = networkCode(error);
  if (network !== undefined) return new StoreUnreachableError(`cannot reach Amazon Verified Permissions at ${where} (${network})`, options);
  return new StoreReadError(`${operation} on policy store ${policyStoreId} failed: ${oneLine(messageOf(error))}`, options);
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

function isCredentialsFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'CredentialsProviderError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
