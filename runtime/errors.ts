// Every way a request can fail. Each kind maps to a 401 or a Deny; none ever becomes an Allow.

/** What the caller gets: 401 (no valid identity) or a Deny (a valid identity that may not do this). */
export type FailureOutcome = 'unauthorized' | 'deny';

export abstract class AuthorizerError extends Error {
  abstract readonly outcome: FailureOutcome;
  /** A stable label for logs and the `errors` metric. */
  abstract readonly kind: string;
}

/** No token, a malformed one, a bad signature, an expired one, the wrong issuer or audience: 401. */
export class TokenError extends AuthorizerError {
  override readonly name = 'TokenError';
  readonly outcome = 'unauthorized';
  readonly kind = 'token';
}

/** The signing keys could not be fetched (JWKS outage or timeout): we cannot tell who this is, so 401. */
export class JwksError extends AuthorizerError {
  override readonly name = 'JwksError';
  readonly outcome = 'unauthorized';
  readonly kind = 'jwks';
}

/** A valid token whose claims do not map to the principal the mode declares (missing or wrongly typed claim). */
export class ClaimError extends AuthorizerError {
  override readonly name = 'ClaimError';
  readonly outcome = 'deny';
  readonly kind = 'claims';
}

/** The method and path match no route of the mode, or the event lacks what the route needs. */
export class RouteError extends AuthorizerError {
  override readonly name = 'RouteError';
  readonly outcome = 'deny';
  readonly kind = 'route';
}

/** The resource is not in the entity store, or the store failed. */
export class EntityStoreError extends AuthorizerError {
  override readonly name = 'EntityStoreError';
  readonly outcome = 'deny';
  readonly kind = 'entity-store';
}

/**
 * Transitive entity loading reached a bound the mode declares (entityStore.maxDepth or maxEntities). Loading less
 * could silently turn an `in` into false, so the request is denied and the reason names the bound to raise.
 */
export class EntityLimitError extends AuthorizerError {
  override readonly name = 'EntityLimitError';
  readonly outcome = 'deny';
  readonly kind = 'entity-limit';
}

/** The template-link table failed, or holds an item that is not a list of links. */
export class TemplateLinkError extends AuthorizerError {
  override readonly name = 'TemplateLinkError';
  readonly outcome = 'deny';
  readonly kind = 'template-links';
}

/** The mode's configuration cannot be used (a misspelled value type): every request is denied and says why. */
export class ConfigError extends AuthorizerError {
  override readonly name = 'ConfigError';
  readonly outcome = 'deny';
  readonly kind = 'config';
}

/** The tenant is unknown, the tenant lookup failed, or the path names another tenant. */
export class TenantError extends AuthorizerError {
  override readonly name = 'TenantError';
  readonly outcome = 'deny';
  readonly kind = 'tenant';
}

/** The engine failed, timed out or answered something unreadable. */
export class EngineError extends AuthorizerError {
  override readonly name = 'EngineError';
  readonly outcome = 'deny';
  readonly kind = 'engine';
}

/** The event is not the shape API Gateway sends for this API type. */
export class EventError extends AuthorizerError {
  override readonly name = 'EventError';
  readonly outcome = 'deny';
  readonly kind = 'event';
}

/** An error's message for a log line or a wrapping error, whatever was thrown. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Anything unexpected is a Deny too. */
export function outcomeOf(error: unknown): { outcome: FailureOutcome; kind: string; reason: string } {
  if (error instanceof AuthorizerError) return { outcome: error.outcome, kind: error.kind, reason: error.message };
  return { outcome: 'deny', kind: 'internal', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
