// One route's decision: the shared load sequence, then the route's resource and context, asked of the engine.
import type { ModeConfig } from '../config.js';
import type { Engine } from '../engine/decision.js';
import { entityKey } from '../entities/entity-store.js';
import type { RequestLoader } from '../entities/request-loader.js';
import type { DecisionDetails } from '../observability/decision-line.js';
import { responseContext, type Outcome } from '../response/outcome.js';
import type { AuthorizationInput } from '../routes/authorization-input.js';
import type { RouteMatch } from '../routes/route-table.js';
import { assertTenantMatchesPath } from '../tenancy/tenant-path.js';

export interface RouteDecision {
  readonly outcome: Outcome;
  /** What the decision line says about it. */
  readonly record: DecisionDetails;
  /** The token's `exp`, in epoch seconds: the decision is not cached beyond it. */
  readonly tokenExpiresAt: number;
}

export interface RouteDecider {
  readonly mode: ModeConfig;
  readonly engine: Engine;
  readonly load: RequestLoader;
}

export async function decideRoute(
  { mode, engine, load }: RouteDecider,
  request: { readonly input: AuthorizationInput; readonly token: string; readonly match: RouteMatch },
): Promise<RouteDecision> {
  const { input, token, match } = request;
  const loaded = await load(token, ({ verified, principal, mapping }) => {
    assertTenantMatchesPath(mode.tenancy, principal, match);
    const resource = mapping.requests.resource(match, input);
    const context = mapping.requests.context(match.route, input, verified.claims);
    return { resources: [resource], resourcesRequired: true, request: { resource, context } };
  });
  const { principal, entities, options } = loaded;
  const { resource, context } = loaded.request;
  const action = { type: mode.actionEntityType, id: match.route.action };
  const decision = await engine.isAuthorized({ principal: principal.uid, action, resource, context, entities }, options);
  return {
    outcome: { result: decision.decision, principalId: principal.uid.id, context: responseContext(principal, decision), cacheHit: false },
    record: {
      principal: entityKey(principal.uid),
      action: match.route.action,
      resource: entityKey(resource),
      determiningPolicies: decision.determiningPolicies,
      ...(decision.errors.length > 0 ? { reason: `evaluation errors: ${decision.errors.join('; ')}`, errorKind: 'evaluation' } : {}),
    },
    tokenExpiresAt: loaded.verified.expiresAt,
  };
}
