// Compares the runtime's answer with the suite's cedar-wasm outcome, and writes the report of a disagreement.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { Outcome } from '../evaluate.js';
import type { PolicyCase } from '../load-suites.js';
import { firstEntityDifference } from './entity-diff.js';

/** What the real authorizer answered, and what it was seen to use. */
export interface RuntimeAnswer {
  /** `unauthorized` is a 401: no access, as a deny is. */
  readonly result: 'allow' | 'deny' | 'unauthorized';
  readonly determining: readonly string[];
  /** Why the runtime refused, when it was not the policies' own answer (`entity-store: no entity ...`). */
  readonly reason: string | undefined;
  readonly route: string;
  /** The entities the runtime built from the token and read from its stores, or sent to AVP. */
  readonly entities: readonly EntityJson[];
  /**
   * `sent`: exactly the entity list of the AVP request. `read`: the token's principal and the store's items, as the
   * local engine's own call to cedar-wasm cannot be watched; a difference made after reading does not show.
   */
  readonly entitiesSeen: 'sent' | 'read';
}

export type Comparison = { readonly agree: true } | { readonly agree: false; readonly message: string };

export function compareAnswers(testCase: PolicyCase, suite: Outcome, runtime: RuntimeAnswer): Comparison {
  const runtimeDecision = runtime.result === 'allow' ? 'allow' : 'deny';
  if (runtimeDecision === suite.decision) return { agree: true };
  const { line, column } = testCase.position;
  const difference = firstEntityDifference({ suite: testCase.entities, runtime: runtime.entities });
  const lines = [
    `${testCase.suite}:${line}:${column} ${testCase.id}: the runtime of mode ${testCase.mode} disagrees with the suite`,
    `  suite (cedar-wasm): ${suite.decision}, determined by ${list(suite.determining)}` +
      (suite.cedarDecision !== suite.decision ? ` (Cedar said ${suite.cedarDecision})` : '') +
      (suite.errors.length > 0 ? `; errors: ${suite.errors.join('; ')}` : ''),
    `  runtime (${runtime.route}): ${runtime.result}, determined by ${list(runtime.determining)}${runtime.reason ? `; reason: ${runtime.reason}` : ''}`,
    `  first entity difference (${runtime.entitiesSeen === 'sent' ? 'entities sent to AVP' : 'entities from the token and the store reads'}): ` +
      (difference ?? 'none: both sides hold the same entities'),
  ];
  return { agree: false, message: lines.join('\n') };
}

function list(ids: readonly string[]): string {
  return `[${ids.join(', ')}]`;
}
