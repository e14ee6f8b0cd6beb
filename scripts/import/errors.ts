// Errors of `npm run import`: one base class with a code, one subclass per kind. Each message is one line for the user.

export type ImportErrorCode =
  | 'IMPORT_STORE_NOT_FOUND'
  | 'IMPORT_ACCESS_DENIED'
  | 'IMPORT_UNREACHABLE'
  | 'IMPORT_STORE_READ'
  | 'IMPORT_UNSUPPORTED_STORE'
  | 'IMPORT_CONFLICT';

export abstract class ImportError extends Error {
  abstract readonly code: ImportErrorCode;
}

/** The policy store (or, with a store id from another region, the store in this region) does not exist. */
export class StoreNotFoundError extends ImportError {
  override readonly name = 'StoreNotFoundError';
  readonly code = 'IMPORT_STORE_NOT_FOUND';
}

/** The credentials may not read the store: AVP answered AccessDeniedException. */
export class StoreAccessDeniedError extends ImportError {
  override readonly name = 'StoreAccessDeniedError';
  readonly code = 'IMPORT_ACCESS_DENIED';
}

/** No answer from the endpoint: refused, reset, unknown host, timed out, or no credentials or region to send with. */
export class StoreUnreachableError extends ImportError {
  override readonly name = 'StoreUnreachableError';
  readonly code = 'IMPORT_UNREACHABLE';
}

/** Any other failed call (throttled after the SDK's retries, a server error, a reply that is not AVP's). */
export class StoreReadError extends ImportError {
  override readonly name = 'StoreReadError';
  readonly code = 'IMPORT_STORE_READ';
}

/** The store holds what a project of this toolkit cannot: no schema, or not exactly one named namespace. */
export class UnsupportedStoreError extends ImportError {
  override readonly name = 'UnsupportedStoreError';
  readonly code = 'IMPORT_UNSUPPORTED_STORE';
}

/** A file the import would write (or a second schema beside it) was written by hand: nothing is written. */
export class ImportConflictError extends ImportError {
  override readonly name = 'ImportConflictError';
  readonly code = 'IMPORT_CONFLICT';
}
