// Vitest matchers for typed requests (typed by the generated schema or another schema's types): `expect(request).toBeAllowed()`
// and `expect(request).toBeDeniedBy('policy-id')`.
import { expect } from 'vitest';
import { formatEntityUid } from './entity-uid.js';
import type { Outcome } from './evaluate.js';
import { decide } from './request-decider.js';
import type { DecidableRequest } from './typed-request.js';

// The matchers exist only on expectations of a typed request; on anything else they are `never`, so
// `expect(42).toBeAllowed()` does not compile. `T = any` repeats vitest's own declaration, as merging requires.
declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: declaration merging requires vitest's exact type parameter.
  interface Assertion<T = any> {
    /** The request's mode allows it, with no evaluation error. */
    toBeAllowed: T extends DecidableRequest ? () => void : never;
    /** The request is denied, and `policyId` is among the policies that determined the deny. */
    toBeDeniedBy: T extends DecidableRequest ? (policyId: string) => void : never;
  }
}

interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}

expect.extend({
  toBeAllowed(received: DecidableRequest): MatcherResult {
    const { outcome } = decide(received);
    const pass = outcome.decision === 'allow';
    return {
      pass,
      message: () => `expected ${describe(received)} ${this.isNot ? 'not ' : ''}to be allowed, but it was ${explain(outcome)}`,
      actual: summary(outcome),
      expected: { decision: this.isNot ? 'deny' : 'allow' },
    };
  },
  toBeDeniedBy(received: DecidableRequest, policyId: string): MatcherResult {
    const { outcome, policyIds } = decide(received);
    if (!policyIds.includes(policyId)) {
      return { pass: false, message: () => `mode ${received.mode} has no policy "${policyId}"; its policies: ${policyIds.join(', ')}` };
    }
    const pass = outcome.decision === 'deny' && outcome.determining.includes(policyId);
    return {
      pass,
      message: () =>
        `expected ${describe(received)} ${this.isNot ? 'not ' : ''}to be denied by ${policyId}, but it was ${explain(outcome)}`,
      actual: summary(outcome),
      expected: { decision: 'deny', determining: [policyId] },
    };
  },
});

function describe(request: DecidableRequest): string {
  return `${formatEntityUid(request.principal)} ${request.action} ${formatEntityUid(request.resource)} (mode ${request.mode})`;
}

function explain(outcome: Outcome): string {
  const policies = outcome.determining.length === 0 ? 'no policy' : outcome.determining.join(', ');
  const errors = outcome.errors.length === 0 ? '' : `, with errors: ${outcome.errors.join('; ')}`;
  return `${outcome.decision === 'allow' ? 'allowed' : 'denied'} by ${policies}${errors}`;
}

function summary(outcome: Outcome): { decision: string; determining: readonly string[]; errors: readonly string[] } {
  return { decision: outcome.decision, determining: outcome.determining, errors: outcome.errors };
}
