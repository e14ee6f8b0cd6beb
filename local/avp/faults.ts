// Faults the local endpoint injects on purpose: set and cleared at run time, limited to N requests, to named operations,
// to a request rate (a token bucket per operation, like AVP's per-operation quotas), or drawn at random from a fixed seed.
import { AVP_OPERATIONS, isAvpOperation, type AvpOperation } from './operations.js';

export const FAULT_KINDS = ['latency', 'throttle', 'server-error', 'access-denied', 'malformed', 'reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const FAULT_RULE_KINDS = [...FAULT_KINDS, 'rate-limit', 'random'] as const;
export type FaultRuleKind = (typeof FAULT_RULE_KINDS)[number];

/**
 * What one request meets:
 * - `latency`: answer normally, `ms` late.
 * - `throttle`: HTTP 429 `ThrottlingException`, as AVP replies when a quota is exceeded.
 * - `server-error`: HTTP 500 `InternalServerException`.
 * - `access-denied`: HTTP 403 `AccessDeniedException`, as AVP replies to credentials without the IAM permission.
 * - `malformed`: HTTP 200 with a body that is not JSON.
 * - `reset`: destroy the connection without a reply.
 */
export type InjectedFault =
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'throttle' }
  | { readonly kind: 'server-error' }
  | { readonly kind: 'access-denied' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'reset' };

interface FaultScope {
  /** Only requests for these operations meet the fault (and count against its limit). @default every operation */
  readonly operations?: readonly AvpOperation[];
}

interface FaultLimit {
  /** Applies to the next `times` requests only, then clears itself. @default every request until cleared */
  readonly times?: number;
}

/**
 * Answers `throttle` to a request beyond the rate: each operation in scope has its own token bucket holding `burst`
 * tokens, refilled at `requestsPerSecond`; a request takes one token, and a request that finds none is throttled
 * (and takes none). As AVP's quotas, one per operation and account.
 */
export interface RateLimitFault extends FaultScope {
  readonly kind: 'rate-limit';
  readonly requestsPerSecond: number;
  /** @default `requestsPerSecond` rounded up: one second's worth of requests at once */
  readonly burst?: number;
}

/**
 * Fails a fraction of the requests in scope: each request draws from a generator seeded with `seed`, and meets one of
 * `faults` (also drawn) with the given probability. The same sequence of requests meets the same faults on every run.
 */
export interface RandomFault extends FaultScope {
  readonly kind: 'random';
  /** From 0 to 1. */
  readonly probability: number;
  readonly faults: readonly InjectedFault[];
  readonly seed: number;
}

/** One injected fault, for every request or the next `times`, optionally for named operations only. */
export type Fault = FaultScope & FaultLimit & InjectedFault;

/** What `setFault` takes: a fault, a rate limit or a random fault. */
export type FaultRule = Fault | RateLimitFault | RandomFault;

interface ActiveFault {
  readonly fault: FaultRule;
  readonly operations: ReadonlySet<string>;
  remaining: number;
  /** rate-limit: tokens and the time they were counted, per operation. */
  readonly buckets: Map<string, { tokens: number; at: number }>;
  /** random: the seeded generator. */
  readonly draw: () => number;
}

/** The faults currently set, in order: the first that fires decides what the request meets. */
export class FaultSwitch {
  private active: ActiveFault[] = [];

  /** @param now the clock the rate limits refill by, in milliseconds */
  constructor(private readonly now: () => number = Date.now) {}

  /** Replaces every fault set before; `undefined` or `[]` clears them. */
  set(faults: FaultRule | readonly FaultRule[] | undefined): void {
    const list = faults === undefined ? [] : isFaultList(faults) ? faults : [faults];
    for (const fault of list) assertValidFault(fault);
    this.active = list.map((fault) => ({
      fault,
      operations: new Set(fault.operations ?? AVP_OPERATIONS),
      remaining: 'times' in fault && fault.times !== undefined ? fault.times : Number.POSITIVE_INFINITY,
      buckets: new Map(),
      draw: seededRandom(fault.kind === 'random' ? fault.seed : 0),
    }));
  }

  /** The fault the request that just arrived for `operation` meets, if any, counting it against the limits. */
  take(operation: string): InjectedFault | undefined {
    for (const entry of this.active) {
      if (!entry.operations.has(operation)) continue;
      const met = this.meet(entry, operation);
      if (entry.remaining <= 0) this.active = this.active.filter((other) => other !== entry);
      if (met !== undefined) return met;
    }
    return undefined;
  }

  private meet(entry: ActiveFault, operation: string): InjectedFault | undefined {
    const { fault } = entry;
    switch (fault.kind) {
      case 'rate-limit':
        return this.takeToken(entry, fault, operation) ? undefined : { kind: 'throttle' };
      case 'random': {
        const fails = entry.draw() < fault.probability;
        const pick = entry.draw();
        return fails ? fault.faults[Math.floor(pick * fault.faults.length)] : undefined;
      }
      default:
        entry.remaining -= 1;
        return fault;
    }
  }

  private takeToken(entry: ActiveFault, fault: RateLimitFault, operation: string): boolean {
    const burst = fault.burst ?? Math.ceil(fault.requestsPerSecond);
    const now = this.now();
    const bucket = entry.buckets.get(operation) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * fault.requestsPerSecond);
    bucket.at = now;
    entry.buckets.set(operation, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function isFaultList(faults: FaultRule | readonly FaultRule[]): faults is readonly FaultRule[] {
  return Array.isArray(faults);
}

/** mulberry32: a small generator whose whole state is one 32-bit number, so a seed fixes the sequence. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertValidFault(fault: FaultRule): void {
  if (!FAULT_RULE_KINDS.includes(fault.kind)) throw new TypeError(`unknown fault kind ${JSON.stringify(fault.kind)}`);
  for (const operation of fault.operations ?? []) {
    if (!isAvpOperation(operation)) throw new TypeError(`fault.operations names an unknown operation ${JSON.stringify(operation)}`);
  }
  if ('times' in fault && fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
    throw new RangeError(`fault.times must be a positive integer, got ${fault.times}`);
  }
  switch (fault.kind) {
    case 'rate-limit':
      if (!Number.isFinite(fault.requestsPerSecond) || fault.requestsPerSecond <= 0) {
        throw new RangeError(`rate-limit requestsPerSecond must be a finite number > 0, got ${fault.requestsPerSecond}`);
      }
      if (fault.burst !== undefined && (!Number.isInteger(fault.burst) || fault.burst < 1)) {
        throw new RangeError(`rate-limit burst must be a positive integer, got ${fault.burst}`);
      }
      return;
    case 'random':
      if (!(fault.probability >= 0 && fault.probability <= 1)) {
        throw new RangeError(`random probability must be from 0 to 1, got ${fault.probability}`);
      }
      if (!Number.isInteger(fault.seed)) throw new RangeError(`random seed must be an integer, got ${fault.seed}`);
      if (fault.faults.length === 0) throw new RangeError('random faults must name at least one fault to inject');
      for (const injected of fault.faults) {
        if (!FAULT_KINDS.includes(injected.kind)) {
          throw new TypeError(`random faults: ${JSON.stringify(injected.kind)} is not one of ${FAULT_KINDS.join(', ')}`);
        }
        assertValidInjected(injected);
      }
      return;
    default:
      assertValidInjected(fault);
  }
}

function assertValidInjected(fault: InjectedFault): void {
  if (fault.kind === 'latency' && (!Number.isFinite(fault.ms) || fault.ms < 0)) {
    throw new RangeError(`latency fault ms must be a finite number ≥ 0, got ${fault.ms}`);
  }
}
