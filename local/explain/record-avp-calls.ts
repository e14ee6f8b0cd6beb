// Records each authorization request the runtime sends Verified Permissions, and its answer, from the real SDK client.
import type { IsAuthorizedCommandInput, IsAuthorizedCommandOutput, VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { fromAvpEntity, fromAvpRecord } from '../../runtime/engine/avp-values.js';

/** One IsAuthorized call as the engine made it, translated back from AVP's typed values into Cedar JSON. */
export interface AvpCall {
  readonly policyStoreId: string;
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Record<string, CedarValueJson>;
  readonly entities: readonly EntityJson[];
  /** AVP's own evaluation errors; absent when the call itself failed. */
  readonly errors?: readonly string[];
}

/** Adds a middleware that copies each IsAuthorized request and answer; the runtime sees the same output. */
export function recordAvpCalls(client: VerifiedPermissionsClient): AvpCall[] {
  const calls: AvpCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'IsAuthorizedCommand') return next(args);
      const input = args.input as IsAuthorizedCommandInput;
      const call = avpCall(input);
      try {
        const result = await next(args);
        const output = result.output as IsAuthorizedCommandOutput;
        calls.push({ ...call, errors: (output.errors ?? []).map((error) => error.errorDescription ?? 'unknown error') });
        return result;
      } catch (error) {
        calls.push(call);
        throw error;
      }
    },
    { step: 'initialize', name: 'explainRecordAvpCalls' },
  );
  return calls;
}

function avpCall(input: IsAuthorizedCommandInput): AvpCall {
  return {
    policyStoreId: input.policyStoreId ?? '',
    principal: { type: input.principal?.entityType ?? '', id: input.principal?.entityId ?? '' },
    action: { type: input.action?.actionType ?? '', id: input.action?.actionId ?? '' },
    resource: { type: input.resource?.entityType ?? '', id: input.resource?.entityId ?? '' },
    context: input.context && 'contextMap' in input.context && input.context.contextMap ? fromAvpRecord(input.context.contextMap) : {},
    entities: input.entities && 'entityList' in input.entities && input.entities.entityList ? input.entities.entityList.map(fromAvpEntity) : [],
  };
}
