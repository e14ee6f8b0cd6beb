// Records each request the runtime hands its engine, and the engine's answer, through the runtime's wrapEngine hook.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { AuthorizationRequest, Decision, Engine } from '../../runtime/index.js';

/** One request exactly as the engine got it, in Cedar JSON, with the engine's evaluation errors. */
export interface EngineCall {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Readonly<Record<string, CedarValueJson>>;
  readonly entities: readonly EntityJson[];
  /** Absent when the engine call itself failed (a refused request, an AVP outage). */
  readonly errors?: readonly string[];
}

export interface EngineRecorder {
  readonly calls: readonly EngineCall[];
  /** Passed as `RuntimeDependencies.wrapEngine`: requests and decisions go through unchanged. */
  wrap(engine: Engine): Engine;
}

export function recordEngineCalls(): EngineRecorder {
  const calls: EngineCall[] = [];
  const record = (request: AuthorizationRequest, decision: Decision | undefined): void => {
    calls.push({
      principal: request.principal,
      action: request.action,
      resource: request.resource,
      context: request.context,
      entities: request.entities,
      ...(decision ? { errors: decision.errors } : {}),
    });
  };
  return {
    calls,
    wrap: (engine) => ({
      kind: engine.kind,
      cache: engine.cache,
      async isAuthorized(request, options) {
        try {
          const decision = await engine.isAuthorized(request, options);
          record(request, decision);
          return decision;
        } catch (error) {
          record(request, undefined);
          throw error;
        }
      },
      async isAuthorizedBatch(requests, options) {
        try {
          const decisions = await engine.isAuthorizedBatch(requests, options);
          requests.forEach((request, index) => {
            record(request, decisions[index]);
          });
          return decisions;
        } catch (error) {
          for (const request of requests) record(request, undefined);
          throw error;
        }
      },
    }),
  };
}
