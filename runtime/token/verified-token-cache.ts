// Remembers tokens whose signature and claims were verified, so a decision-cache miss with a known token skips the
// signature check. Keyed by a SHA-256 digest of the token (the raw token is never kept); bounded by the token's `exp`,
// by the age of the key set that verified it, by the removal of its key from the JWKS, and in entries and bytes.
import { createHash } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { TOKEN_CACHE_BYTES, TOKEN_CACHE_ENTRIES } from '../cache/memory-budgets.js';
import { estimateBytes, stringBytes } from '../cache/size-estimate.js';
import { type CacheSize, type SizedCache, TtlLruCache } from '../cache/ttl-lru.js';
import type { VerifiedToken } from './verify-token.js';

export interface VerifiedTokenCacheOptions {
  readonly clock: Clock;
  /** @default TOKEN_CACHE_ENTRIES */
  readonly maxEntries?: number;
  /** @default TOKEN_CACHE_BYTES */
  readonly maxBytes?: number;
}

interface CachedToken {
  readonly verified: VerifiedToken;
  /** The key that verified the token: removed from the JWKS, it takes its tokens with it. */
  readonly kid: string;
  /** `nbf` in epoch seconds, when the token has one. */
  readonly notBefore: number | undefined;
}

/** Where a token stands against the clock: usable, or why not (the message aws-jwt-verify gives for the same case). */
export type TokenTime = { readonly kind: 'current' } | { readonly kind: 'refused'; readonly why: string };

/**
 * The checks aws-jwt-verify makes on `exp` and `nbf` (RFC 7519 §4.1.4-5, no grace), made against the injected clock:
 * expired once now is past `exp`, not yet valid while now is before `nbf`.
 */
export function tokenTime(expiresAt: number, notBefore: number | undefined, nowMs: number): TokenTime {
  if (expiresAt * 1000 < nowMs) return { kind: 'refused', why: `Token expired at ${new Date(expiresAt * 1000).toISOString()}` };
  if (notBefore !== undefined && notBefore * 1000 > nowMs)
    return { kind: 'refused', why: `Token can't be used before ${new Date(notBefore * 1000).toISOString()}` };
  return { kind: 'current' };
}

/** What the cache knows of a token: nothing, that it was verified, or that it was verified but is no longer valid. */
export type TokenLookup =
  | { readonly kind: 'miss' }
  | { readonly kind: 'hit'; readonly verified: VerifiedToken }
  | { readonly kind: 'refused'; readonly why: string };

export class VerifiedTokenCache implements SizedCache {
  readonly name = 'Tokens';
  private readonly entries: TtlLruCache<string, CachedToken>;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.entries = new TtlLruCache(options.maxEntries ?? TOKEN_CACHE_ENTRIES, options.clock, {
      maxBytes: options.maxBytes ?? TOKEN_CACHE_BYTES,
      sizeOf: (key, cached) => stringBytes(key) + estimateBytes(cached),
    });
  }

  /** The digest a token is kept under: 44 characters whatever the token's size, and no way back to the token. */
  key(token: string): string {
    return createHash('sha256').update(token).digest('base64');
  }

  /**
   * A cached token past `exp` (or before `nbf`) by the clock is refused here, on every use, and forgotten. The caller
   * must not then verify it again and accept it: aws-jwt-verify checks expiry against the system clock, not this one.
   */
  get(key: string): TokenLookup {
    const cached = this.entries.get(key);
    if (!cached) return { kind: 'miss' };
    const time = tokenTime(cached.verified.expiresAt, cached.notBefore, this.options.clock.now());
    if (time.kind === 'current') return { kind: 'hit', verified: cached.verified };
    this.entries.deleteKey(key);
    return time;
  }

  /**
   * Keeps a token that was just verified, until its `exp` or until the key set that verified it is due for a refresh
   * (`keysFreshUntil`, epoch ms), whichever comes first: a refresh is how a removed key is noticed, and a cached
   * token would otherwise never trigger one.
   */
  set(key: string, entry: { readonly verified: VerifiedToken; readonly kid: string; readonly keysFreshUntil: number }): void {
    const { verified, kid, keysFreshUntil } = entry;
    const nbf = verified.claims['nbf'];
    const now = this.options.clock.now();
    const ttlMs = Math.min(verified.expiresAt * 1000 - now, keysFreshUntil - now);
    this.entries.set(key, { verified, kid, notBefore: typeof nbf === 'number' ? nbf : undefined }, ttlMs);
  }

  /** Drops every token verified by a key the JWKS no longer lists. */
  keepOnlyKeys(kids: ReadonlySet<string>): void {
    this.entries.deleteWhere((cached) => !kids.has(cached.kid));
  }

  size(): CacheSize {
    return this.entries.stats();
  }
}
