// Every fixed-resource route's decision for one token, in one engine batch: the answer a token-keyed cache can hold.
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { RouteConfig } from '../config.js';
import type { RoutesOutcome } from '../response/outcome.js';
import { responseContext } from '../response/outcome.js';
import { listValue } from '../response/responses.js';
import type { RouteDecider } from './route-decision.js';

export interface AllRoutesDecision {
  readonly outcome: RoutesOutcome;
  /** The token's `exp`, in epoch seconds: the answer is not cached beyond it. */
  readonly tokenExpiresAt: number;
}

export async function decideAllRoutes({ mode, engine, load }: RouteDecider, token: string): Promise<AllRoutesDecision> {
  const fixed = mode.routes.flatMap((route): { route: RouteConfig; resource: TypeAndId }[] =>
    route.resource.id !== undefined ? [{ route, resource: { type: route.resource.type, id: route.resource.id } }] : [],
  );
  const resources = fixed.map(({ resource }) => resource);
  const loaded = await load(token, () => ({ resources, resourcesRequired: false, request: undefined }));
  const { principal, verified, mapping, entities, options } = loaded;
  const requests = fixed.map(({ route, resource }) => ({
    principal: principal.uid,
    action: { type: mode.actionEntityType, id: route.action },
    resource,
    // A TOKEN authorizer's event has no headers, query or request context: a route needing them is denied.
    context: mapping.requests.context(route, { headers: {}, query: {} }, verified.claims),
    entities,
  }));
  const answers = await engine.isAuthorizedBatch(requests, options);
  const allowedRoutes = fixed.filter((_, index) => answers[index]?.decision === 'allow').map(({ route }) => route.key);
  return {
    outcome: {
      result: 'evaluated',
      principalId: principal.uid.id,
      context: {
        ...responseContext(principal, { decision: allowedRoutes.length > 0 ? 'allow' : 'deny', determiningPolicies: [], errors: [] }),
        allowedRoutes: listValue(allowedRoutes),
      },
      allowedRoutes,
      cacheHit: false,
    },
    tokenExpiresAt: verified.expiresAt,
  };
}
