// The OAuth 2.0 client-credentials grant, as Cognito's `/oauth2/token` answers it, for the local issuer.
import { timingSafeEqual } from 'node:crypto';
import type { ModeConfig } from '../../runtime/config.js';
import type { TokenEndpoint } from './jwks-server.js';

export interface ClientCredentialsOptions {
  readonly modes: readonly ModeConfig[];
  readonly clientSecret: string;
  readonly mint: (mode: ModeConfig, clientId: string, scopes: readonly string[]) => string;
}

const EXPIRES_IN_SECONDS = 3600;

/** Client authentication by HTTP Basic or form fields; scopes must be among the mode's; errors follow RFC 6749 §5.2. */
export function clientCredentialsEndpoint(options: ClientCredentialsOptions): TokenEndpoint {
  return (form, authorization) => {
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    const basic = parseBasic(authorization);
    const clientId = basic?.id ?? form.get('client_id') ?? '';
    const secret = basic?.secret ?? form.get('client_secret') ?? '';
    const mode = options.modes.find((m) => m.identitySource.kind === 'clientCredentials' && m.identitySource.clientIds.includes(clientId));
    if (mode?.identitySource.kind !== 'clientCredentials' || !sameSecret(secret, options.clientSecret)) {
      return oauthError(401, 'invalid_client');
    }
    const allowed = mode.identitySource.scopes;
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (requested.some((scope) => !allowed.includes(scope))) return oauthError(400, 'invalid_scope');
    const scopes = requested.length > 0 ? requested : [...allowed];
    return {
      status: 200,
      body: { access_token: options.mint(mode, clientId, scopes), token_type: 'Bearer', expires_in: EXPIRES_IN_SECONDS },
    };
  };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function oauthError(status: number, error: string): { status: number; body: unknown } {
  return { status, body: { error } };
}
