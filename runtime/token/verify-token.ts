// Verifies tokens with aws-jwt-verify: Cognito (id or access), Cognito client credentials (scopes), or generic OIDC (Okta).
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, WaitPeriodNotYetEndedJwkError } from 'aws-jwt-verify/error';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import { SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import { SYSTEM_CLOCK, type Clock } from '../../common/clock.js';
import type { SizedCache } from '../cache/ttl-lru.js';
import type { IdentitySourceConfig } from '../config.js';
import { JwksError, TokenError } from '../errors.js';
import { ExpiringJwksCache } from './expiring-jwks-cache.js';
import { tokenTime, VerifiedTokenCache } from './verified-token-cache.js';

export type Claims = Readonly<Record<string, unknown>>;

export interface VerifiedToken {
  readonly claims: Claims;
  /** Seconds since the epoch; decisions are never cached beyond it. */
  readonly expiresAt: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

/** The verifier the runtime builds: it also keeps the tokens it verified, and says how full that cache is. */
export interface CachingTokenVerifier extends TokenVerifier {
  readonly cache: SizedCache;
}

export interface TokenVerifierOptions {
  /**
   * Fetches the JWKS. Production keeps the library's HTTPS fetcher; local development and tests inject one that
   * reaches a JWKS served on 127.0.0.1.
   */
  readonly fetcher?: Fetcher;
  readonly jwksTimeoutMs: number;
  /** Seconds between refetches of a JWKS when a token names an unknown `kid`. @default 10 */
  readonly unknownKidWaitSeconds?: number;
  /** A cached JWKS older than this is refreshed before use, so removed keys stop verifying. @default 600 */
  readonly jwksMaxAgeSeconds?: number;
  /** Expires cached key sets and verified tokens, and is what `exp` and `nbf` are checked against. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** `off` verifies every token in full (the differential test compares both). @default 'on' */
  readonly tokenCache?: 'on' | 'off';
  /** Where `userPoolIdEnv` and `issuerEnv` are looked up. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Only these algorithms are accepted, whatever the JWKS offers. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;

export function createTokenVerifier(source: IdentitySourceConfig, options: TokenVerifierOptions): CachingTokenVerifier {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const tokens = new VerifiedTokenCache({ clock, ...(options.tokenCache === 'off' ? { maxEntries: 0 } : {}) });
  // One JWKS cache per verifier, created once at module scope by the handler: keys are fetched once per issuer.
  const jwksCache = new ExpiringJwksCache({
    fetcher: options.fetcher
      ? withResponseTimeout(options.fetcher, options.jwksTimeoutMs)
      : new SimpleFetcher({ defaultRequestOptions: { responseTimeout: options.jwksTimeoutMs } }),
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.unknownKidWaitSeconds ?? 10 }),
    maxAgeMs: (options.jwksMaxAgeSeconds ?? 600) * 1000,
    retryAfterFailureMs: 30_000,
    clock,
    // A key the issuer removed takes the tokens it verified with it, at the refresh that notices.
    onKeys: (_jwksUri, kids) => tokens.keepOnlyKeys(kids),
  });
  const verify = buildVerifier(withEnvironmentOverrides(source, options.env ?? process.env), jwksCache);
  return {
    cache: tokens,
    async verify(token) {
      const key = tokens.key(token);
      const known = tokens.get(key);
      if (known.kind === 'hit') return known.verified;
      if (known.kind === 'refused') throw new TokenError(known.why);
      const kid = assertAllowedHeader(token);
      let payload: Record<string, unknown>;
      try {
        payload = (await verify(token)) as Record<string, unknown>;
      } catch (error) {
        throw translate(error);
      }
      const exp = payload['exp'];
      if (typeof exp !== 'number') throw new TokenError('the token has no numeric `exp` claim');
      const nbf = payload['nbf'];
      // aws-jwt-verify read the system clock; the runtime's one clock must agree, or a cached token would outlive
      // a token verified afresh at the same instant.
      const time = tokenTime(exp, typeof nbf === 'number' ? nbf : undefined, clock.now());
      if (time.kind === 'refused') throw new TokenError(time.why);
      const verified: VerifiedToken = Object.freeze({ claims: Object.freeze(payload), expiresAt: exp });
      tokens.set(key, { verified, kid, keysFreshUntil: jwksCache.keysFreshUntil() });
      return verified;
    },
  };
}

function buildVerifier(source: IdentitySourceConfig, jwksCache: ExpiringJwksCache): (token: string) => Promise<unknown> {
  switch (source.kind) {
    case 'cognito': {
      const verifier = CognitoJwtVerifier.create(
        { userPoolId: source.userPoolId, tokenUse: source.tokenUse, clientId: [...source.clientIds] },
        { jwksCache },
      );
      return (token) => verifier.verify(token);
    }
    case 'clientCredentials': {
      const verifier = CognitoJwtVerifier.create(
        { userPoolId: source.userPoolId, tokenUse: 'access', clientId: [...source.clientIds], scope: [...source.scopes] },
        { jwksCache },
      );
      return (token) => verifier.verify(token);
    }
    case 'oidc': {
      const verifier = JwtVerifier.create({ issuer: source.issuer, audience: source.audience, jwksUri: source.jwksUri }, { jwksCache });
      return (token) => verifier.verify(token);
    }
  }
}

/**
 * aws-jwt-verify's JWKS cache calls `fetch(uri)` with no request options, so an injected fetcher would otherwise use
 * its own time-out and ignore the mode's `timeouts.jwksMs`.
 */
function withResponseTimeout(fetcher: Fetcher, responseTimeout: number): Fetcher {
  return { fetch: (uri, requestOptions, data) => fetcher.fetch(uri, { responseTimeout, ...requestOptions }, data) };
}

/** Applies `userPoolIdEnv` / `issuerEnv`, so one mode file serves a pool or an Okta org per stage. */
export function withEnvironmentOverrides(
  source: IdentitySourceConfig,
  env: Readonly<Record<string, string | undefined>>,
): IdentitySourceConfig {
  if (source.kind === 'oidc') {
    const issuer = source.issuerEnv ? env[source.issuerEnv] : undefined;
    if (!issuer) return source;
    const jwksUri = source.jwksUri.startsWith(source.issuer) ? issuer + source.jwksUri.slice(source.issuer.length) : source.jwksUri;
    return { ...source, issuer, jwksUri };
  }
  const userPoolId = source.userPoolIdEnv ? env[source.userPoolIdEnv] : undefined;
  return userPoolId ? { ...source, userPoolId } : source;
}

/** Refuses an algorithm outside ALLOWED_ALGORITHMS before any key is looked up; returns the header's `kid`. */
function assertAllowedHeader(token: string): string {
  const [encodedHeader] = token.split('.');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('the token header is not JSON');
  }
  const alg = (header as { alg?: unknown } | null)?.alg;
  if (typeof alg !== 'string' || !(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new TokenError(`the token's algorithm ${JSON.stringify(alg)} is not one of ${ALLOWED_ALGORITHMS.join(', ')}`);
  }
  // aws-jwt-verify refuses a token without a string kid before this value is used: "" never reaches the cache.
  const kid = (header as { kid?: unknown }).kid;
  return typeof kid === 'string' ? kid : '';
}

function translate(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  // A JWKS we cannot reach is an outage, not a forgery: still a 401, but counted apart.
  if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) {
    return new JwksError(`the signing keys could not be fetched: ${message}`, { cause: error });
  }
  if (error instanceof WaitPeriodNotYetEndedJwkError) {
    return new TokenError(`the token names an unknown key id: ${message}`, { cause: error });
  }
  return new TokenError(message, { cause: error });
}
