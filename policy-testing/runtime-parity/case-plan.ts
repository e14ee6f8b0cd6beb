// Decides, without running anything, how a suite case travels through a mode's runtime: the claims to mint, the
// request to send; or why the mode cannot express the case.
import { formatEntityUid, sameUid } from '../entity-uid.js';
import type { TemplateLinkSpec } from '../evaluate.js';
import type { PolicyCase } from '../load-suites.js';
import { identityRefusal } from './identity-acceptance.js';
import type { ParityMode } from './parity-modes.js';
import { principalClaims } from './principal-claims.js';
import { chooseRoute, type RoutedRequest } from './route-choice.js';
import { expressed, unreachable, type Expressed } from './unreachable.js';

export interface CasePlan {
  /** The token's claims; an `undefined` claim is removed from the issuer's defaults. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly routed: RoutedRequest;
  readonly tenantId: string | undefined;
}

export function planCase(mode: ParityMode, links: readonly TemplateLinkSpec[], testCase: PolicyCase): Expressed<CasePlan> {
  const { config } = mode;
  const { request } = testCase;
  const entity = testCase.entities.find((candidate) =>
    sameUid('__entity' in candidate.uid ? candidate.uid.__entity : candidate.uid, request.principal),
  );
  const principal = principalClaims(config, request.principal, entity);
  const routed = chooseRoute(config, request, principal.ok ? principal.value.tenantId : undefined);
  // A missing route is the more basic reason: no principal could make that request.
  if (!routed.ok && (routed.unreachable.kind !== 'tenant' || principal.ok)) return routed;
  if (!principal.ok) return principal;
  if (!routed.ok) return routed;
  const { claims, tenantId } = principal.value;
  for (const context of routed.value.contextClaims) {
    const clash = claims.put(context.claim, context.value, `context \`${context.name}\``);
    if (clash) return clash;
  }
  const minted = claims.toClaims(config);
  const refusal = identityRefusal(config, minted);
  if (refusal) return refusal;
  const linked = links.filter((link) => sameUid(link.principal, request.principal));
  if (linked.length > 0 && config.engine.kind === 'local' && config.templateLinks.kind === 'none') {
    return unreachable(
      'template-link',
      `the suite links ${linked.map((link) => link.id).join(', ')} to ${formatEntityUid(request.principal)}, and mode ${config.name} ` +
        `(local engine) declares no templateLinks table`,
    );
  }
  return expressed({ claims: minted, routed: routed.value, tenantId });
}
