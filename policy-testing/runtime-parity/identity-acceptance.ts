// Says whether the mode's identity source would accept a token carrying these claims: the checks aws-jwt-verify makes
// on the claims a case can change (audience, client id, scopes), predicted so that a refused token is reported as
// unreachable rather than as a 401 that says nothing about the policies.
import type { ModeConfig } from '../../runtime/config.js';
import { unreachable, type NotExpressed } from './unreachable.js';

/** The issuer sets these itself; a case whose principal would need other values cannot be minted. */
const ISSUER_CLAIMS = ['iss', 'iat', 'exp', 'nbf', 'token_use'] as const;

/** `claims` as they will be minted: undefined means removed; a claim absent from the object keeps the issuer's value. */
export function identityRefusal(mode: ModeConfig, claims: Readonly<Record<string, unknown>>): NotExpressed | undefined {
  const source = mode.identitySource;
  const given = (name: string): boolean => Object.hasOwn(claims, name);
  for (const name of ISSUER_CLAIMS) {
    if (given(name))
      return unreachable('identity-source', `mode ${mode.name} reads claim \`${name}\`, which the identity source itself sets`);
  }
  switch (source.kind) {
    case 'cognito': {
      const name = source.tokenUse === 'id' ? 'aud' : 'client_id';
      return clientRefusal(mode, claims, name, source.clientIds);
    }
    case 'clientCredentials': {
      const refusal = clientRefusal(mode, claims, 'client_id', source.clientIds);
      if (refusal || !given('scope')) return refusal;
      const scope = claims['scope'];
      const scopes = typeof scope === 'string' ? scope.split(' ') : [];
      if (!source.scopes.some((accepted) => scopes.includes(accepted))) {
        return unreachable(
          'identity-source',
          `the token's scope ${JSON.stringify(scope ?? null)} holds none of ` +
            `${source.scopes.join(', ')}, one of which the identity source requires`,
        );
      }
      return undefined;
    }
    case 'oidc':
      if (given('aud') && claims['aud'] !== source.audience) {
        return unreachable(
          'identity-source',
          `the token's aud would be ${JSON.stringify(claims['aud'] ?? null)}; the identity source accepts only ${source.audience}`,
        );
      }
      return undefined;
  }
}

function clientRefusal(
  mode: ModeConfig,
  claims: Readonly<Record<string, unknown>>,
  name: string,
  clientIds: readonly string[],
): NotExpressed | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  if (typeof value === 'string' && clientIds.includes(value)) return undefined;
  return unreachable(
    'identity-source',
    `the token's ${name} would be ${JSON.stringify(value ?? null)}; mode ${mode.name} accepts only the app clients ${clientIds.join(', ')}`,
  );
}
