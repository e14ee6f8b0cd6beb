// Parses the mode's claim mapping and route value types once, at init; a misspelled type denies every request, saying why.
import { compileClaims, type ClaimsMapping } from '../claims/principal-entity.js';
import type { ModeConfig } from '../config.js';
import { ConfigError, reasonOf } from '../errors.js';
import { RequestMapping } from '../routes/request-mapping.js';

/** The mode's spellings, parsed. */
export interface CompiledMode {
  readonly claims: ClaimsMapping;
  readonly requests: RequestMapping;
}

export function compileMode(mode: ModeConfig): CompiledMode | ConfigError {
  try {
    return { claims: compileClaims(mode.claims), requests: new RequestMapping(mode.routes) };
  } catch (error) {
    return new ConfigError(`mode ${mode.name} cannot be used: ${reasonOf(error)}`, { cause: error });
  }
}
