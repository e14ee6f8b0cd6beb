// The claims each real issuer puts in its tokens, so tests and local runs state only the claims that matter to them.
import { randomUUID } from 'node:crypto';
import type { ModeConfig } from '../../runtime/config.js';

export type Claims = Record<string, unknown>;

/** A principal as the mode's claims mapping sees it: the id, groups, tenant and Cedar attributes by attribute name. */
export interface PrincipalSpec {
  readonly id: string;
  readonly groups?: readonly string[];
  readonly tenant?: string;
  /** Keyed by Cedar attribute name (`customer`, `scopes`...); sets are joined with the mapping's delimiter. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/**
 * The identity claims of `principal`, placed under the claim names the mode reads (`sub`, `custom:customer_id`,
 * `cognito:groups`, `client_id`, `scope`...). Driven by `mode.claims` only, so a new mode needs no code here.
 */
export function claimsFor(mode: ModeConfig, principal: PrincipalSpec): Claims {
  const { claims: mapping } = mode;
  const claims: Claims = { [mapping.principal.idClaim]: principal.id };
  for (const attribute of mapping.attributes) {
    if (!principal.attributes || !Object.hasOwn(principal.attributes, attribute.attribute)) continue;
    const value = principal.attributes[attribute.attribute];
    claims[attribute.claim] = attribute.delimiter !== undefined && Array.isArray(value) ? value.join(attribute.delimiter) : value;
  }
  if (mapping.groups && principal.groups) claims[mapping.groups.claim] = [...principal.groups];
  if (mapping.tenant && principal.tenant !== undefined) claims[mapping.tenant.claim] = principal.tenant;
  return claims;
}

/**
 * The protocol claims of the mode's issuer, before the caller's claims are laid over them. `iss`, `iat`, `exp` and
 * `nbf` are added by the minter.
 *
 * - Cognito id token: `sub`, `aud` (the first app client), `token_use: 'id'`, `cognito:username`, `auth_time`.
 * - Cognito access token: `sub`, `client_id`, `token_use: 'access'`, `scope`, `username`, `auth_time` (no `aud`).
 * - Client credentials: `sub` = `client_id`, `token_use: 'access'`, `scope` (every scope of the mode, space-delimited).
 * - OIDC (Okta access token): `ver`, `aud`, `cid`, `uid`, `scp`, `sub`, `amr`, `auth_time`.
 */
export function protocolClaims(mode: ModeConfig, overrides: Claims, nowSeconds: number): Claims {
  const source = mode.identitySource;
  const common = { jti: randomUUID(), auth_time: nowSeconds };
  switch (source.kind) {
    case 'cognito': {
      const sub = stringOr(overrides['sub'], randomUUID());
      const origin = { origin_jti: randomUUID(), event_id: randomUUID() };
      if (source.tokenUse === 'id') {
        return { ...common, ...origin, sub, aud: source.clientIds[0], token_use: 'id', 'cognito:username': sub, email_verified: true };
      }
      return {
        ...common,
        ...origin,
        sub,
        client_id: source.clientIds[0],
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        username: sub,
      };
    }
    case 'clientCredentials': {
      const clientId = stringOr(overrides['client_id'], source.clientIds[0] ?? 'client');
      return { ...common, sub: clientId, client_id: clientId, token_use: 'access', scope: source.scopes.join(' '), version: 2 };
    }
    case 'oidc':
      return {
        ...common,
        ver: 1,
        jti: `AT.${randomUUID()}`,
        aud: source.audience,
        cid: '0oalocalclient',
        uid: '00ulocaluser',
        scp: ['openid', 'profile', 'email'],
        sub: 'staff@example.com',
        amr: ['pwd'],
      };
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
