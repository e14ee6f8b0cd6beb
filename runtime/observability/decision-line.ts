// Writes the one decision line of a request. Telemetry must never change an answer, so its failures are swallowed.
import type { DecisionRecord, Telemetry } from './telemetry.js';

/** What a decision line says beyond the mode, the result, the latency and the cache hit. */
export type DecisionDetails = Partial<DecisionRecord>;

export interface DecisionLine {
  readonly telemetry: Telemetry;
  readonly modeName: string;
}

export function recordDecision(
  { telemetry, modeName }: DecisionLine,
  line: {
    readonly started: number;
    readonly result: DecisionRecord['result'];
    readonly cacheHit: boolean;
    readonly details: DecisionDetails;
  },
): void {
  try {
    telemetry.record({
      mode: modeName,
      result: line.result,
      determiningPolicies: [],
      ...line.details,
      latencyMs: performance.now() - line.started,
      cacheHit: line.cacheHit,
    });
  } catch {
    // Nothing to do: the answer stands.
  }
}
