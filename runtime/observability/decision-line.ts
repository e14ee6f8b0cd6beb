// Writes the one decision line of a request. Telemetry must never change an answer, so its failures are swallowed.
import type { DecisionRecord, Telemetry } from './telemetry.js';

/** What a decision line says beyond the mode, the result, the latency and the cache hit. */
export type DecisionDetails = Partial<DecisionRecord>;

export interface DecisionLine {
  readonly telemetry: Telemetry;
  readonly modeName: string;
}

/**
 * A token, or a piece of one long enough to read or replay: a JWS's JSON segments start `eyJ` in base64url. Reasons
 * quote request values (a header that is not a Long, a path no route matches, an id not in the store), and a client
 * may have put a token there; the decision line keeps the reason and drops the token-shaped text.
 */
const TOKEN_SHAPED = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*/g;
export const REDACTED_TOKEN = '[token-shaped text removed]';

/** `text` with every token-shaped run replaced. */
export function withoutTokens(text: string): string {
  return text.replace(TOKEN_SHAPED, REDACTED_TOKEN);
}

const mayHoldToken = (text: string | undefined): boolean => text?.includes('eyJ') === true;

/** The details as they are when nothing looks like a token (the common case allocates nothing). */
function redacted(details: DecisionDetails): DecisionDetails {
  const { reason, resource, principal } = details;
  if (!mayHoldToken(reason) && !mayHoldToken(resource) && !mayHoldToken(principal)) return details;
  return {
    ...details,
    ...(reason !== undefined ? { reason: withoutTokens(reason) } : {}),
    ...(resource !== undefined ? { resource: withoutTokens(resource) } : {}),
    ...(principal !== undefined ? { principal: withoutTokens(principal) } : {}),
  };
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
      ...redacted(line.details),
      latencyMs: performance.now() - line.started,
      cacheHit: line.cacheHit,
    });
  } catch {
    // Nothing to do: the answer stands.
  }
}
