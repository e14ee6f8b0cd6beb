// How `tenant sync` retries Verified Permissions calls: throttling and transient errors, exponential backoff with full jitter.
//
// AVP's write and read quotas are per policy store and per operation: 10 requests per second by default for CreatePolicy,
// UpdatePolicy, DeletePolicy, the template operations, PutSchema, GetPolicy and ListPolicies, and AVP may also throttle
// simultaneous writes to one store. Over them AVP answers ThrottlingException, and asks callers to retry with
// exponential backoff ("Quotas for Amazon Verified Permissions", section "Quotas for operations per second":
// https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/quotas.html).
//
// The SDK's standard strategy does back off, but its retry budget (500 tokens, 5 per throttled retry) is shared by
// every call of the client: one sync over a thousand stores spends it in seconds and then fails calls that one more
// wait would have saved. This strategy keeps no shared budget; what bounds the load instead is `--concurrency` (one
// call in flight per tenant being synced) and the per-attempt limit here.
import type { VerifiedPermissionsClientConfig } from '@aws-sdk/client-verifiedpermissions';

type RetryStrategyV2 = Extract<NonNullable<VerifiedPermissionsClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export interface SyncRetryOptions {
  /** Attempts per call, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** The first retry waits up to this long; each further one up to twice as long. @default 200 */
  readonly baseDelayMs?: number;
  /** No single wait is longer. @default 10_000 */
  readonly maxDelayMs?: number;
  /** A number in [0, 1): the jitter. @default Math.random */
  readonly random?: () => number;
}

/** 8 attempts at base 200 ms wait up to 0.2 + 0.4 + … + 12.8 s, capped at 10 s each: about 35 s at worst, 17 s on average. */
export const SYNC_RETRY_DEFAULTS = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 10_000 } as const;

class Token implements RetryToken {
  constructor(
    private readonly retries: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.retries;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/** Retries a call that was throttled or met a transient error (a 5xx, a reset connection, a timeout); never a client error. */
export class SyncRetryStrategy implements RetryStrategyV2 {
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: SyncRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? SYNC_RETRY_DEFAULTS.maxAttempts;
    this.baseDelayMs = options.baseDelayMs ?? SYNC_RETRY_DEFAULTS.baseDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? SYNC_RETRY_DEFAULTS.maxDelayMs;
    this.random = options.random ?? Math.random;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0);
  }

  /** Throws to stop retrying: the SDK then throws the call's own error. */
  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    if (!retryable || retries + 1 >= this.maxAttempts) throw new Error('no retry');
    return new Token(retries + 1, this.delayBefore(retries + 1));
  }

  recordSuccess(): void {}

  /** Full jitter: a uniform wait in [0, min(cap, base × 2^(retry−1))), which spreads retries that were throttled together. */
  delayBefore(retry: number): number {
    return Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1)));
  }
}
