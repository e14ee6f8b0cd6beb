// A JWKS cache whose key sets expire, so a key the issuer removed (say, a compromised one) stops verifying.
import type { Fetcher } from 'aws-jwt-verify/https';
import { SYSTEM_CLOCK, type Clock } from '../../common/clock.js';
import { SimpleJwksCache, type JwkWithKid, type Jwks, type PenaltyBox } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';

export interface ExpiringJwksCacheOptions {
  readonly fetcher: Fetcher;
  readonly penaltyBox: PenaltyBox;
  /** A cached key set older than this is fetched again before use. */
  readonly maxAgeMs: number;
  /** After a failed refresh the old set is kept this long before trying again, so an outage costs one timeout. */
  readonly retryAfterFailureMs: number;
  /** @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** Told the kids of every key set fetched, so a cache of verified tokens can drop those of a removed key. */
  readonly onKeys?: (jwksUri: string, kids: ReadonlySet<string>) => void;
}

/**
 * aws-jwt-verify's SimpleJwksCache keeps a key set forever once fetched and refetches only for an unknown `kid`.
 * This subclass refreshes a set once it is older than `maxAgeMs`. When the refresh fails (the issuer is down), it
 * goes on with the set it has, and tries again after `retryAfterFailureMs`: an outage must not turn every request
 * into a slow JWKS timeout.
 */
export class ExpiringJwksCache extends SimpleJwksCache {
  private readonly fetchedAt = new Map<string, number>();
  private readonly refreshFailedAt = new Map<string, number>();
  private readonly clock: Clock;

  constructor(private readonly expiring: ExpiringJwksCacheOptions) {
    super({ fetcher: expiring.fetcher, penaltyBox: expiring.penaltyBox });
    this.clock = expiring.clock ?? SYSTEM_CLOCK;
  }

  override async getJwks(jwksUri: string): Promise<Jwks> {
    const jwks = await super.getJwks(jwksUri);
    this.fetchedAt.set(jwksUri, this.clock.now());
    this.refreshFailedAt.delete(jwksUri);
    const kids = new Set<string>();
    for (const key of jwks.keys) if (typeof key.kid === 'string') kids.add(key.kid);
    this.expiring.onKeys?.(jwksUri, kids);
    return jwks;
  }

  /**
   * Epoch ms at which the oldest key set held is due for a refresh; -Infinity before any fetch. A verifier reads one
   * JWKS, so this is the refresh time of the set that verified its tokens.
   */
  keysFreshUntil(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const fetchedAt of this.fetchedAt.values()) oldest = Math.min(oldest, fetchedAt);
    return this.fetchedAt.size === 0 ? Number.NEGATIVE_INFINITY : oldest + this.expiring.maxAgeMs;
  }

  override async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    const fetchedAt = this.fetchedAt.get(jwksUri);
    const failedAt = this.refreshFailedAt.get(jwksUri);
    const stale = fetchedAt !== undefined && this.clock.now() - fetchedAt >= this.expiring.maxAgeMs;
    const waiting = failedAt !== undefined && this.clock.now() - failedAt < this.expiring.retryAfterFailureMs;
    if (stale && !waiting) {
      try {
        await this.getJwks(jwksUri);
      } catch {
        this.refreshFailedAt.set(jwksUri, this.clock.now());
      }
    }
    return super.getJwk(jwksUri, decomposedJwt);
  }
}
