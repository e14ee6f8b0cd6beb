// Faults the local endpoint injects on purpose, set and cleared at run time, optionally for the next N requests only.

export const FAULT_KINDS = ['latency', 'throttle', 'server-error', 'access-denied', 'malformed', 'reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

interface FaultLimit {
  /** Applies to the next `times` requests only, then clears itself. @default every request until cleared */
  readonly times?: number;
}

/**
 * - `latency`: answer normally, `ms` late.
 * - `throttle`: HTTP 429 `ThrottlingException`, as AVP replies when a quota is exceeded.
 * - `server-error`: HTTP 500 `InternalServerException`.
 * - `access-denied`: HTTP 403 `AccessDeniedException`, as AVP replies to credentials without the IAM permission.
 * - `malformed`: HTTP 200 with a body that is not JSON.
 * - `reset`: destroy the connection without a reply.
 */
export type Fault = FaultLimit &
  (
    | { readonly kind: 'latency'; readonly ms: number }
    | { readonly kind: 'throttle' }
    | { readonly kind: 'server-error' }
    | { readonly kind: 'access-denied' }
    | { readonly kind: 'malformed' }
    | { readonly kind: 'reset' }
  );

/** The fault currently set, and how many more requests it applies to. */
export class FaultSwitch {
  private fault: Fault | undefined;
  private remaining = Number.POSITIVE_INFINITY;

  set(fault: Fault | undefined): void {
    if (fault !== undefined) assertValidFault(fault);
    this.fault = fault;
    this.remaining = fault?.times ?? Number.POSITIVE_INFINITY;
  }

  /** The fault for the request that just arrived, counting it against the limit. */
  take(): Fault | undefined {
    const fault = this.fault;
    if (fault === undefined) return undefined;
    this.remaining -= 1;
    if (this.remaining <= 0) this.fault = undefined;
    return fault;
  }
}

function assertValidFault(fault: Fault): void {
  if (!FAULT_KINDS.includes(fault.kind)) throw new TypeError(`unknown fault kind ${JSON.stringify(fault.kind)}`);
  if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
    throw new RangeError(`fault.times must be a positive integer, got ${fault.times}`);
  }
  if (fault.kind === 'latency' && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
    throw new RangeError(`latency fault ms must be a finite number ≥ 0, got ${fault.ms}`);
  }
}
