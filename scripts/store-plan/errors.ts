// Errors of reading and planning a policy store: one base class with a code, one subclass per kind. Each message is one
// line a user can act on.

export type StorePlanErrorCode = 'STORE_NOT_FOUND' | 'STORE_ACCESS_DENIED' | 'STORE_UNREACHABLE' | 'STORE_READ_FAILED';

export abstract class StorePlanError extends Error {
  abstract readonly code: StorePlanErrorCode;
}

/** AVP answered ResourceNotFoundException for the store itself. */
export class StoreNotFoundError extends StorePlanError {
  override readonly name = 'StoreNotFoundError';
  readonly code = 'STORE_NOT_FOUND';
}

/** AVP answered AccessDeniedException, or there were no credentials to sign with. */
export class StoreAccessDeniedError extends StorePlanError {
  override readonly name = 'StoreAccessDeniedError';
  readonly code = 'STORE_ACCESS_DENIED';
}

/** No answer from the endpoint: refused, reset, unknown host or timed out. */
export class StoreUnreachableError extends StorePlanError {
  override readonly name = 'StoreUnreachableError';
  readonly code = 'STORE_UNREACHABLE';
}

/** Any other failed call (throttled after the SDK's retries, a server error, a reply that is not AVP's). */
export class StoreReadError extends StorePlanError {
  override readonly name = 'StoreReadError';
  readonly code = 'STORE_READ_FAILED';
}
