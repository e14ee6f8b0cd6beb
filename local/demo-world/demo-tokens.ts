// Mints a token for a demo principal of a mode, with the claims its real issuer would put in it.
import type { ModeConfig } from '../../runtime/config.js';
import type { LocalIssuer } from '../issuer/token-issuer.js';
import type { DemoPrincipal } from './demo-data.js';

export function mintDemoToken(
  issuer: LocalIssuer,
  mode: ModeConfig,
  principal: DemoPrincipal,
  options: { expiresInSeconds?: number } = {},
): string {
  return issuer.mint(mode, { ...issuer.claimsFor(mode, principal), ...(principal.claims ?? {}) }, options);
}
