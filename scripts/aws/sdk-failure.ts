// Sorts a failed Amazon Verified Permissions SDK call into the kinds a CLI explains differently; each caller words
// the message and picks its own error class.
import { AccessDeniedException, ResourceNotFoundException, VerifiedPermissionsServiceException } from '@aws-sdk/client-verifiedpermissions';

/** What went wrong, with the SDK's message already on one line. */
export type SdkFailure =
  /** ResourceNotFoundException; `resourceType` says what is missing (the store, or its SCHEMA, ...). */
  | { readonly kind: 'not-found'; readonly resourceType: string | undefined }
  | { readonly kind: 'access-denied'; readonly message: string }
  /** Any other exception AVP answered with (throttled after the SDK's retries, a server error, ...). */
  | { readonly kind: 'service'; readonly name: string; readonly message: string }
  /** The SDK found no credentials to sign the call with. */
  | { readonly kind: 'no-credentials'; readonly message: string }
  /** No answer from the endpoint: `network` is the node error code, or "timed out". */
  | { readonly kind: 'unreachable'; readonly network: string }
  | { readonly kind: 'other'; readonly message: string };

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

export function classifySdkFailure(error: unknown): SdkFailure {
  if (error instanceof ResourceNotFoundException) return { kind: 'not-found', resourceType: error.resourceType };
  if (error instanceof AccessDeniedException) return { kind: 'access-denied', message: oneLine(error.message) };
  if (error instanceof VerifiedPermissionsServiceException) return { kind: 'service', name: error.name, message: oneLine(error.message) };
  if (error instanceof Error && error.name === 'CredentialsProviderError')
    return { kind: 'no-credentials', message: oneLine(error.message) };
  const network = networkCode(error);
  if (network !== undefined) return { kind: 'unreachable', network };
  return { kind: 'other', message: oneLine(error instanceof Error ? error.message : String(error)) };
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
