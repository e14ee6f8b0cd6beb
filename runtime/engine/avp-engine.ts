// Decides through Amazon Verified Permissions with the real SDK, within a timeout budget and bounded retries.
import {
  BatchIsAuthorizedCommand,
  IsAuthorizedCommand,
  type VerifiedPermissionsClient,
  type BatchIsAuthorizedInputItem,
  type DeterminingPolicyItem,
  type EvaluationErrorItem,
} from '@aws-sdk/client-verifiedpermissions';
import { EngineError } from '../errors.js';
import { AvpPolicyNames } from './avp-policy-names.js';
import { toAvpEntity, toAvpRecord } from './avp-values.js';
import { failClosed, type AuthorizationRequest, type Decision, type Engine } from './decision.js';

/** BatchIsAuthorized takes at most 30 requests per call. */
export const AVP_BATCH_LIMIT = 30;

export interface AvpEngineOptions {
  readonly client: VerifiedPermissionsClient;
  /** The whole budget of one decision, retries included; naming its determining policies waits only for what is left. */
  readonly timeoutMs: number;
  /**
   * Names AVP's policy ids by their @ids. Share one per process: it caches a map per policy store.
   * @default one of its own, on `client`, with no notices
   */
  readonly names?: AvpPolicyNames;
}

export function createAvpEngine(options: AvpEngineOptions): Engine {
  const names = options.names ?? new AvpPolicyNames({ client: options.client, readTimeoutMs: options.timeoutMs });
  /** The decisions as AVP gave them, their policy ids replaced by names, within what is left of the budget. */
  const named = async (policyStoreId: string, started: number, decisions: Decision[]): Promise<Decision[]> => {
    const ids = [...new Set(decisions.flatMap((d) => d.determiningPolicies))];
    const budgetMs = options.timeoutMs - (performance.now() - started);
    const byId = new Map(ids.map((id, index) => [id, index]));
    const resolved = await names.nameAll(policyStoreId, ids, budgetMs);
    const errors = decisions.flatMap((d) => d.errors);
    const namedErrors = await names.nameWithin(policyStoreId, errors, options.timeoutMs - (performance.now() - started));
    let next = 0;
    return decisions.map((decision) => ({
      ...decision,
      determiningPolicies: decision.determiningPolicies.map((id) => resolved[byId.get(id) ?? -1] ?? id).sort(),
      errors: decision.errors.map((error) => namedErrors[next++] ?? error),
    }));
  };

  return {
    kind: 'avp',
    cache: { name: 'AvpPolicyNames', size: () => names.size() },
    async isAuthorized(request: AuthorizationRequest, { policyStoreId }): Promise<Decision> {
      if (!policyStoreId) throw new EngineError('no policy store id for the avp engine');
      const started = performance.now();
      const item = convertedForAvp(() => toAvpItem(request));
      const entityList = convertedForAvp(() => request.entities.map(toAvpEntity));
      let output;
      try {
        output = await options.client.send(new IsAuthorizedCommand({ policyStoreId, ...item, entities: { entityList } }), {
          abortSignal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new EngineError(`Verified Permissions failed (${name}): ${(error as Error).message}`, { cause: error });
      }
      const [decision] = await named(policyStoreId, started, [toDecision(output.decision, output.determiningPolicies, output.errors)]);
      if (!decision) throw new EngineError('Verified Permissions answered no decision');
      return decision;
    },

    async isAuthorizedBatch(requests: readonly AuthorizationRequest[], { policyStoreId }): Promise<Decision[]> {
      if (!policyStoreId) throw new EngineError('no policy store id for the avp engine');
      if (requests.length === 0) return [];
      const started = performance.now();
      // Entities are shared by the batch; duplicates (the principal, shared parents) are sent once.
      const entities = new Map<string, AuthorizationRequest['entities'][number]>();
      for (const request of requests) for (const entity of request.entities) entities.set(JSON.stringify(entity.uid), entity);
      const entityList = convertedForAvp(() => [...entities.values()].map(toAvpEntity));
      const items = convertedForAvp(() => requests.map(toAvpItem));
      const signal = AbortSignal.timeout(options.timeoutMs);
      const decisions: Decision[] = [];
      for (let start = 0; start < requests.length; start += AVP_BATCH_LIMIT) {
        const chunk = items.slice(start, start + AVP_BATCH_LIMIT);
        let output;
        try {
          output = await options.client.send(
            new BatchIsAuthorizedCommand({
              policyStoreId,
              entities: { entityList },
              requests: chunk,
            }),
            { abortSignal: signal },
          );
        } catch (error) {
          const name = error instanceof Error ? error.name : 'Error';
          throw new EngineError(`Verified Permissions batch failed (${name}): ${(error as Error).message}`, { cause: error });
        }
        const results = output.results ?? [];
        if (results.length !== chunk.length) {
          throw new EngineError(`Verified Permissions answered ${results.length} decisions for ${chunk.length} requests`);
        }
        // Each result echoes its request: match on it rather than trust the order of the list.
        const byRequest = new Map<string, (typeof results)[number][]>();
        for (const result of results) {
          const key = requestKey(result.request?.principal, result.request?.action, result.request?.resource, result.request?.context);
          byRequest.set(key, [...(byRequest.get(key) ?? []), result]);
        }
        for (const item of chunk) {
          const key = requestKey(item.principal, item.action, item.resource, item.context);
          const result = byRequest.get(key)?.shift();
          if (!result) throw new EngineError('Verified Permissions left a request of the batch unanswered');
          decisions.push(toDecision(result.decision, result.determiningPolicies, result.errors));
        }
      }
      return named(policyStoreId, started, decisions);
    },
  };
}

/** One request in AVP's shape: IsAuthorized's members, and a BatchIsAuthorized item as is. */
function toAvpItem(
  request: AuthorizationRequest,
): BatchIsAuthorizedInputItem & Required<Pick<BatchIsAuthorizedInputItem, 'principal' | 'action' | 'resource' | 'context'>> {
  return {
    principal: { entityType: request.principal.type, entityId: request.principal.id },
    action: { actionType: request.action.type, actionId: request.action.id },
    resource: { entityType: request.resource.type, entityId: request.resource.id },
    context: { contextMap: toAvpRecord(request.context) },
  };
}

/** A value AVP has no type for (a null, an unknown extension function) is refused before any call: a Deny. */
function convertedForAvp<T>(convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof TypeError)
      throw new EngineError(`the request cannot be sent to Verified Permissions: ${error.message}`, { cause: error });
    throw error;
  }
}

function requestKey(...parts: unknown[]): string {
  return JSON.stringify(parts, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

function toDecision(
  decision: string | undefined,
  determiningPolicies: readonly DeterminingPolicyItem[] | undefined,
  errors: readonly EvaluationErrorItem[] | undefined,
): Decision {
  if (decision !== 'ALLOW' && decision !== 'DENY') {
    throw new EngineError(`Verified Permissions answered an unknown decision ${JSON.stringify(decision)}`);
  }
  return failClosed({
    decision: decision === 'ALLOW' ? 'allow' : 'deny',
    determiningPolicies: (determiningPolicies ?? []).map((p) => p.policyId ?? '').sort(),
    errors: (errors ?? []).map((e) => e.errorDescription ?? 'unknown error'),
  });
}
