// A local token issuer: real keys, tokens shaped like Cognito's and Okta's, and their JWKS served on 127.0.0.1.
import type { Fetcher } from 'aws-jwt-verify/https';
import type { ModeConfig } from '../../runtime/config.js';
import { withEnvironmentOverrides } from '../../runtime/token/verify-token.js';
import { signCompact, type JsonObject } from './compact-jws.js';
import { issuerEndpoints, type IssuerEndpoints } from './issuer-endpoints.js';
import { startJwksServer, type OutageKind } from './jwks-server.js';
import { createLoopbackFetcher } from './loopback-fetcher.js';
import { clientCredentialsEndpoint } from './client-credentials.js';
import { generateSigningKey, type KeyKind, type PublicJwk, type SigningKey } from './signing-keys.js';
import { claimsFor, protocolClaims, type Claims, type PrincipalSpec } from './standard-claims.js';

export { createHmacToken, createUnsignedToken, decodeToken, replaceSegment, stripSignature, tamperPayload } from './forged-tokens.js';
export { encodeSegment } from './compact-jws.js';
export { issuerEndpoints, type IssuerEndpoints } from './issuer-endpoints.js';
export type { OutageKind } from './jwks-server.js';
export { signingKeyFromPem } from './signing-keys.js';
export type { KeyKind, PublicJwk, SigningKey } from './signing-keys.js';
export type { Claims, PrincipalSpec } from './standard-claims.js';

export interface LocalIssuerOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The fetcher's time-out when aws-jwt-verify passes none. @default 1500 (the modes' `timeouts.jwksMs`) */
  readonly jwksTimeoutMs?: number;
  /**
   * Where the modes' `userPoolIdEnv` / `issuerEnv` are looked up, as the runtime does: the issuer imitates the pool
   * or Okta org the runtime will trust. @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Issuers to publish from the start; `mint` and `endpointsFor` publish a mode's issuer on first use anyway. */
  readonly modes?: readonly ModeConfig[];
  /** Keys to sign with instead of fresh ones, so tokens minted by another process verify too. */
  readonly keys?: { readonly rsa: SigningKey; readonly ec: SigningKey };
  /**
   * Serves `POST /oauth2/token` (client credentials, as Cognito's token endpoint) for these client-credentials
   * modes, authenticating clients with `clientSecret`.
   */
  readonly clientCredentials?: { readonly modes: readonly ModeConfig[]; readonly clientSecret: string };
}

export interface MintOptions {
  /** Seconds from now; negative for a token that has already expired. @default 3600 */
  readonly expiresInSeconds?: number;
  /** Adds `nbf` this many seconds from now. @default no `nbf` */
  readonly notBeforeSeconds?: number;
  /** Which current key signs. @default 'rsa' */
  readonly key?: KeyKind;
  /** Sign with this key instead, even one rotated out or removed from the JWKS. */
  readonly signingKid?: string;
  /** Laid over `{ alg, kid }` after signing is decided: a lying `alg` or `kid` for attack tests. */
  readonly header?: Readonly<Record<string, unknown>>;
}

export interface LocalIssuer {
  /** `http://127.0.0.1:<port>`: `https://<host>/<path>` of a real issuer is served at `<baseUrl>/<host>/<path>`. */
  readonly baseUrl: string;
  /** Pass as `dependencies.jwksFetcher`: it reaches this server for the real issuers' URLs, over HTTP. */
  readonly fetcher: Fetcher;
  /** The mode's real `iss`, JWKS and discovery URLs; publishes them here. */
  endpointsFor(mode: ModeConfig): IssuerEndpoints;
  /** The identity claims of a principal under the claim names the mode reads; pass the result to `mint`. */
  claimsFor(mode: ModeConfig, principal: PrincipalSpec): Claims;
  /**
   * A signed compact JWT from the mode's issuer. The issuer's protocol claims (see `protocolClaims`), `iss`, `iat` and
   * `exp` come first; `claims` are laid over them, and a claim given as `undefined` is removed.
   */
  mint(mode: ModeConfig, claims: Claims, options?: MintOptions): string;
  /** The kid of the key that signs by default for `key`. */
  currentKid(key?: KeyKind): string;
  /** The public key as PEM text: the secret a key-confusion (HS256) forgery uses. */
  publicKeyPem(key?: KeyKind): string;
  /** The JWKS as served right now. */
  jwks(): { readonly keys: readonly PublicJwk[] };
  /** A new key with a new kid signs from now on; the previous one stays published until `removeKey`. */
  rotateKeys(options?: { readonly key?: KeyKind }): { readonly previousKid: string; readonly kid: string };
  /**
   * Stops publishing a key; tokens it signed then fail against any JWKS fetched afterwards. A current key keeps
   * signing until `rotateKeys`, which is how tests mint tokens with a key the JWKS no longer lists.
   */
  removeKey(kid: string): void;
  /** While down, the JWKS endpoint answers 503 (`unavailable`) or resets the connection (`reset`). */
  setDown(down: boolean, kind?: OutageKind): void;
  /** Delays every answer by `ms`. */
  setLatency(ms: number): void;
  /** JWKS requests received, including failed ones. */
  jwksRequestCount(): number;
  /** Stops the server and drops its connections: nothing is left listening. */
  close(): Promise<void>;
}

export async function startLocalIssuer(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
  const env = options.env ?? process.env;
  const keysByKid = new Map<string, SigningKey>();
  const published: SigningKey[] = [];
  const current = { rsa: addKey('rsa', options.keys?.rsa), ec: addKey('ec', options.keys?.ec) };

  function addKey(kind: KeyKind, given?: SigningKey): SigningKey {
    const key = given ?? generateSigningKey(kind);
    keysByKid.set(key.kid, key);
    published.push(key);
    return key;
  }

  let mintForClient: ((mode: ModeConfig, clientId: string, scopes: readonly string[]) => string) | undefined;
  const server = await startJwksServer({
    ...(options.port !== undefined ? { port: options.port } : {}),
    keys: () => published.map((key) => key.jwk),
    ...(options.clientCredentials
      ? {
          tokenEndpoint: clientCredentialsEndpoint({
            ...options.clientCredentials,
            mint: (mode, clientId, scopes) => (mintForClient ? mintForClient(mode, clientId, scopes) : ''),
          }),
        }
      : {}),
  });
  const fetcher = createLoopbackFetcher({ baseUrl: server.baseUrl, timeoutMs: options.jwksTimeoutMs ?? 1500 });

  function endpointsFor(mode: ModeConfig): IssuerEndpoints {
    const endpoints = issuerEndpoints(withEnvironmentOverrides(mode.identitySource, env));
    server.register(endpoints);
    return endpoints;
  }
  for (const mode of options.modes ?? []) endpointsFor(mode);

  const issuer: LocalIssuer = {
    baseUrl: server.baseUrl,
    fetcher,
    endpointsFor,
    claimsFor,
    mint(mode, claims, mintOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const { issuer } = endpointsFor(mode);
      const payload = withoutUndefined({
        ...protocolClaims(mode, claims, now),
        iss: issuer,
        iat: now,
        exp: now + (mintOptions.expiresInSeconds ?? 3600),
        ...(mintOptions.notBeforeSeconds !== undefined ? { nbf: now + mintOptions.notBeforeSeconds } : {}),
        ...claims,
      });
      const key = mintOptions.signingKid !== undefined ? keysByKid.get(mintOptions.signingKid) : current[mintOptions.key ?? 'rsa'];
      if (!key) throw new Error(`this issuer never held a key with kid ${JSON.stringify(mintOptions.signingKid)}`);
      return signCompact({ alg: key.alg, kid: key.kid, ...mintOptions.header }, payload, key);
    },
    currentKid: (key = 'rsa') => current[key].kid,
    publicKeyPem: (key = 'rsa') => current[key].publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwks: () => ({ keys: published.map((key) => key.jwk) }),
    rotateKeys({ key = 'rsa' } = {}) {
      const previousKid = current[key].kid;
      current[key] = addKey(key);
      return { previousKid, kid: current[key].kid };
    },
    removeKey(kid) {
      const index = published.findIndex((key) => key.kid === kid);
      if (index < 0) throw new Error(`no published key has kid ${JSON.stringify(kid)}`);
      published.splice(index, 1);
    },
    setDown: (down, kind) => server.setDown(down, kind),
    setLatency: (ms) => server.setLatency(ms),
    jwksRequestCount: () => server.jwksRequestCount(),
    close: () => server.close(),
  };
  mintForClient = (mode, clientId, scopes) => issuer.mint(mode, { client_id: clientId, sub: clientId, scope: scopes.join(' ') });
  return issuer;
}

function withoutUndefined(claims: Claims): JsonObject {
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}
