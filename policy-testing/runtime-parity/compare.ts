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
  /** Exactly the entities the runtime handed its engine; undefined when it refused before asking the engine. */
  readonly entities: readonly EntityJson[] | undefined;
}

export type Comparison = { readonly agree: true } | { readonly agree: false; readonly message: string };

export function compareAnswers(testCase: PolicyCase, suite: Outcome, runtime: RuntimeAnswer): Comparison {
  const runtimeDecision = runtime.result === 'allow' ? 'allow' : 'deny';
  if (runtimeDecision === suite.decision) return { agree: true };
  const { line, column } = testCase.position;
  const difference = runtime.entities
    ? (firstEntityDifference({ suite: testCase.entities, runtime: runtime.entities }) ?? 'none: both sides hold the same entities')
    : 'none to compare: the runtime answered before asking its engine (see its reason)';
  const lines = [
    `${testCase.suite}:${line}:${column} ${testCase.id}: the runtime of mode ${testCase.mode} disagrees with the suite`,
    `  suite (cedar-wasm): ${suite.decision}, determined by ${list(suite.determining)}` +
      (suite.cedarDecision !== suite.decision ? ` (Cedar said ${suite.cedarDecision})` : '') +
      (suite.errors.length > 0 ? `; errors: ${suite.errors.join('; ')}` : ''),
    `  runtime (${runtime.route}): ${runtime.result}, determined by ${list(runtime.determining)}` +
      `${runtime.reason ? `; reason: ${runtime.reason}` : ''}`,
    `  first entity difference: ${difference}`,
  ];
  return { agree: false, message: lines.join('\n') };
}

function list(ids: readonly string[]): string {
  return `[${ids.join(', ')}]`;
}
