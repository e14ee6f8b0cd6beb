// Decides through Amazon Verified Permissions with the real SDK, within a timeout budget and bounded retries.
import { IsAuthorizedCommand, VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { EngineError } from '../errors.js';
import { toAvpEntity, toAvpRecord } from './avp-values.js';
import { failClosed, type AuthorizationRequest, type Decision, type Engine } from './decision.js';

export interface AvpEngineOptions {
  readonly client: VerifiedPermissionsClient;
  /** The whole budget of one decision, retries included. */
  readonly timeoutMs: number;
}

export function createAvpEngine(options: AvpEngineOptions): Engine {
  return {
    kind: 'avp',
    async isAuthorized(request: AuthorizationRequest, { policyStoreId }): Promise<Decision> {
      if (!policyStoreId) throw new EngineError('no policy store id for the avp engine');
      let output;
      try {
        output = await options.client.send(
          new IsAuthorizedCommand({
            policyStoreId,
            principal: { entityType: request.principal.type, entityId: request.principal.id },
            action: { actionType: request.action.type, actionId: request.action.id },
            resource: { entityType: request.resource.type, entityId: request.resource.id },
            context: { contextMap: toAvpRecord(request.context) },
            entities: { entityList: request.entities.map(toAvpEntity) },
          }),
          { abortSignal: AbortSignal.timeout(options.timeoutMs) },
        );
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new EngineError(`Verified Permissions failed (${name}): ${(error as Error).message}`, { cause: error });
      }
      if (output.decision !== 'ALLOW' && output.decision !== 'DENY') {
        throw new EngineError(`Verified Permissions answered an unknown decision ${JSON.stringify(output.decision)}`);
      }
      return failClosed({
        decision: output.decision === 'ALLOW' ? 'allow' : 'deny',
        determiningPolicies: (output.determiningPolicies ?? []).map((p) => p.policyId ?? '').sort(),
        errors: (output.errors ?? []).map((e) => e.errorDescription ?? 'unknown error'),
      });
    },
  };
}
