// What explain reports, assembled from the runtime's own decision record and the calls it made: nothing is re-decided.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { ModeConfig } from '../../runtime/config.js';
import type { DecisionRecord } from '../../runtime/index.js';
import { entityKey } from '../../runtime/entities/entity-store.js';
import type { GatewayVerdict } from './authorizer-call.js';
import type { EngineCall } from './record-engine-calls.js';
import { parseEntityKey, type StoreReads } from './record-store-reads.js';

/** The `--format json` object. */
export interface Explanation {
  readonly decision: GatewayVerdict;
  readonly reason: string;
  /** The @ids of the policies that determined the decision. */
  readonly determiningPolicies: readonly string[];
  /** Evaluation errors, as the engine reported them. */
  readonly errors: readonly string[];
  readonly request: ExplainedRequest;
  /** The entities the engine was given, else (the runtime stopped before the engine) the ones it read from its store. */
  readonly entities: readonly EntityJson[];
}

/** `null` where the runtime did not get this far (a refused token has no principal; a missing entity, no context). */
export interface ExplainedRequest {
  readonly principal: TypeAndId | null;
  readonly action: TypeAndId | null;
  readonly resource: TypeAndId | null;
  readonly context: Readonly<Record<string, CedarValueJson>> | null;
}

export interface ExplanationSources {
  readonly mode: ModeConfig;
  readonly verdict: GatewayVerdict;
  /** The one decision line the runtime wrote for this request. */
  readonly record: DecisionRecord;
  /** What the engine was asked; empty when the runtime stopped before it (a refused token, a missing entity). */
  readonly engineCalls: readonly EngineCall[];
  readonly storeReads: StoreReads | undefined;
}

export function explanationOf({ mode, verdict, record, engineCalls, storeReads }: ExplanationSources): Explanation {
  // An HTTP API's simple response says only yes or no; the runtime's record tells a refused token from a deny.
  const decision: GatewayVerdict = verdict === 'deny' && record.result === 'unauthorized' ? 'unauthorized' : verdict;
  const call = engineCalls.at(-1);
  const evaluationErrors = call?.errors ?? (record.errorKind === 'evaluation' && record.reason !== undefined ? [record.reason] : []);
  return {
    decision,
    reason: reasonOf(decision, record),
    determiningPolicies: [...record.determiningPolicies],
    errors: [...evaluationErrors],
    request: call
      ? { principal: call.principal, action: call.action, resource: call.resource, context: call.context }
      : {
          principal: uidOrNull(record.principal),
          action: record.action !== undefined ? { type: mode.actionEntityType, id: record.action } : null,
          resource: uidOrNull(record.resource),
          context: null,
        },
    entities: call ? call.entities : uniqueEntities(storeReads?.entities ?? []),
  };
}

function reasonOf(decision: GatewayVerdict, record: DecisionRecord): string {
  if (record.reason !== undefined) return `${record.errorKind !== undefined ? `${record.errorKind}: ` : ''}${record.reason}`;
  const policies = record.determiningPolicies.join(', ');
  if (decision !== record.result) return `the runtime answered ${record.result}, but API Gateway reads its answer as ${decision}`;
  if (decision === 'allow') return `permitted by ${policies}`;
  if (policies !== '') return `forbidden by ${policies}`;
  return 'no permit policy applies, so Cedar denies by default';
}

/** The decision record spells uids as Cedar does (`Ns::User::"alice"`). */
function uidOrNull(spelling: string | undefined): TypeAndId | null {
  return spelling !== undefined ? (parseEntityKey(spelling) ?? null) : null;
}

function uniqueEntities(entities: readonly EntityJson[]): EntityJson[] {
  const byKey = new Map<string, EntityJson>();
  for (const entity of entities) byKey.set(entityKey('__entity' in entity.uid ? entity.uid.__entity : entity.uid), entity);
  return [...byKey.values()];
}
