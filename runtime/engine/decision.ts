// The one request and decision shape both engines speak.
import type { SizedCache } from '../cache/ttl-lru.js';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';

export interface AuthorizationRequest {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Readonly<Record<string, CedarValueJson>>;
  readonly entities: readonly EntityJson[];
}

export interface Decision {
  readonly decision: 'allow' | 'deny';
  /** The @ids of the policies that determined the decision. */
  readonly determiningPolicies: readonly string[];
  /** Evaluation errors. Any error turns an allow into a deny (see `failClosed`). */
  readonly errors: readonly string[];
}

/** A template-linked policy, as a local mode's link table holds it; `id` is the policy id decisions name. */
export interface TemplateLinkRecord {
  readonly id: string;
  readonly templateId: string;
  readonly principal: TypeAndId;
  readonly resource: TypeAndId;
}

export interface EngineOptions {
  /** The AVP policy store (AVP engine). */
  readonly policyStoreId?: string;
  /** Links to evaluate with the bundle's templates (local engine); AVP keeps its links in the policy store. */
  readonly templateLinks?: readonly TemplateLinkRecord[];
}

export interface Engine {
  readonly kind: 'local' | 'avp';
  /** What the engine keeps between requests (preparsed slices, AVP policy names), reported as a cache size metric. */
  readonly cache: SizedCache;
  isAuthorized(request: AuthorizationRequest, options: EngineOptions): Promise<Decision>;
  /** One decision per request, in order. The requests share one principal (one token's routes). */
  isAuthorizedBatch(requests: readonly AuthorizationRequest[], options: EngineOptions): Promise<Decision[]>;
}

/**
 * Cedar skips a policy whose condition errors. If that policy was a forbid, the answer could be allow; we do not
 * accept that: an allow that came with any evaluation error is a deny.
 */
export function failClosed(decision: Decision): Decision {
  if (decision.decision === 'allow' && decision.errors.length > 0) {
    return { decision: 'deny', determiningPolicies: [], errors: decision.errors };
  }
  return decision;
}
