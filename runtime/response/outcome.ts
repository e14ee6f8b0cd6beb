// The authorizer's answer before any API type shapes it: allow, deny or unauthorized, and the context it carries.
import type { Principal } from '../claims/principal-entity.js';
import type { Decision } from '../engine/decision.js';
import { outcomeOf } from '../errors.js';
import type { DecisionDetails } from '../observability/decision-line.js';
import { listValue, type AuthorizerContext } from './responses.js';

export interface Outcome {
  readonly result: 'allow' | 'deny' | 'unauthorized';
  readonly principalId: string;
  readonly context: AuthorizerContext;
  readonly cacheHit: boolean;
}

/** The answer for every route of the mode at once, for a token authorizer whose cache key is the token alone. */
export interface RoutesOutcome {
  readonly result: 'evaluated' | 'unauthorized' | 'deny';
  readonly principalId: string;
  readonly context: AuthorizerContext;
  /** The keys (`GET /reports/daily`) of the routes this token may call. */
  readonly allowedRoutes: readonly string[];
  readonly cacheHit: boolean;
}

const ANONYMOUS = 'anonymous';

/** Any error as the answer it gets (401 or Deny) and the reason the decision line logs. */
export function failureOf(error: unknown): {
  outcome: Outcome & { readonly result: 'unauthorized' | 'deny' };
  details: DecisionDetails;
} {
  const failure = outcomeOf(error);
  return {
    outcome: {
      result: failure.outcome,
      principalId: ANONYMOUS,
      context: { decision: failure.outcome, reason: failure.kind },
      cacheHit: false,
    },
    details: { reason: failure.reason, errorKind: failure.kind },
  };
}

/** The context API Gateway passes to the backend: who the principal is and what was decided; lists JSON-encoded. */
export function responseContext(principal: Principal, decision: Decision): AuthorizerContext {
  return {
    principalId: principal.uid.id,
    principalType: principal.uid.type,
    ...(principal.tenantId !== undefined ? { tenantId: principal.tenantId } : {}),
    roles: listValue(principal.groups),
    decision: decision.decision,
    determiningPolicies: listValue(decision.determiningPolicies),
  };
}
