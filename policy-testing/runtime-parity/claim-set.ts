// The claims a minted token must carry, each with what put it there, so that two demands on one claim are caught.
import { isDeepStrictEqual } from 'node:util';
import type { ModeConfig } from '../../runtime/config.js';
import { unreachable, type NotExpressed } from './unreachable.js';

export class ClaimSet {
  private readonly values = new Map<string, { readonly value: unknown; readonly from: string }>();

  /** Sets `name`; a second, different value for the same claim makes the case unreachable. */
  put(name: string, value: unknown, from: string): NotExpressed | undefined {
    const earlier = this.values.get(name);
    if (earlier && !isDeepStrictEqual(earlier.value, value)) {
      return unreachable(
        'claim-conflict',
        `claim \`${name}\` carries ${earlier.from} (${JSON.stringify(earlier.value)}) and ${from} (${JSON.stringify(value)})`,
      );
    }
    if (!earlier) this.values.set(name, { value, from });
    return undefined;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): unknown {
    return this.values.get(name)?.value;
  }

  /**
   * The claims to mint: those put, and every other claim the mode reads set to `undefined`, which the local issuer
   * removes, so that an issuer's default (Okta's `amr`, Cognito's `scope`) never stands in for a value the case lacks.
   */
  toClaims(mode: ModeConfig): Record<string, unknown> {
    const claims: Record<string, unknown> = {};
    for (const name of claimsReadBy(mode)) claims[name] = undefined;
    for (const [name, { value }] of this.values) claims[name] = value;
    return claims;
  }
}

/** Every claim the mode's runtime reads: the id, attributes, groups, tenant, and the routes' claim context values. */
export function claimsReadBy(mode: ModeConfig): string[] {
  const { claims } = mode;
  const names = [
    claims.principal.idClaim,
    ...claims.attributes.map((attribute) => attribute.claim),
    ...(claims.groups ? [claims.groups.claim] : []),
    ...(claims.tenant ? [claims.tenant.claim] : []),
    ...mode.routes.flatMap((route) => route.context.flatMap((value) => (value.source === 'claim' ? [value.key] : []))),
  ];
  return [...new Set(names)].sort();
}
