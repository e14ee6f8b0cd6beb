// The one source of "now" for every cache: production reads the system clock, tests inject one clock they advance,
// so every cache (decisions, entities, tenants, template links, JWKS, the local gateway's) expires by the same time.

/** The current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };
