// createTokenVerifier against a local issuer: real keys, a JWKS served over HTTP on 127.0.0.1, the real aws-jwt-verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHmacToken,
  createUnsignedToken,
  decodeToken,
  replaceSegment,
  startLocalIssuer,
  stripSignature,
  tamperPayload,
  type Claims,
  type LocalIssuer,
} from '../../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../../runtime/config.js';
import { JwksError, TokenError } from '../../../runtime/errors.js';
import { MAX_TOKEN_LENGTH, normalizeBearer } from '../../../runtime/token/extract-token.js';
import { createTokenVerifier, type TokenVerifier } from '../../../runtime/token/verify-token.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: M2M } = fixtureMode('billing', 'm2m');
const { MODE_CONFIG: MULTI_TENANT } = fixtureMode('billing', 'multi-tenant');

/** One mode per identity-source kind. */
const KINDS: readonly { kind: string; mode: ModeConfig; claims: Claims; untrustedIssuer: (iss: string) => string }[] = [
  {
    kind: 'cognito id token',
    mode: CUSTOMER,
    claims: { sub: 'user-1', 'custom:customer_id': 'cust-1' },
    untrustedIssuer: (iss) => `issuer not configured: ${iss}`,
  },
  {
    kind: 'cognito access token',
    mode: MULTI_TENANT,
    claims: { sub: 'user-1', 'custom:tenant_id': 'tenant-1' },
    untrustedIssuer: (iss) => `issuer not configured: ${iss}`,
  },
  {
    kind: 'client-credentials token',
    mode: M2M,
    claims: { client_id: 'ledgerservice01' },
    untrustedIssuer: (iss) => `issuer not configured: ${iss}`,
  },
  {
    kind: 'Okta access token',
    mode: INTERNAL,
    claims: { sub: 'staff@billing.example', email: 'staff@billing.example' },
    untrustedIssuer: (iss) => `Issuer not allowed: ${iss}. Expected: https://billing.okta.com/oauth2/default`,
  },
];

const JWKS_TIMEOUT_MS = 500;

let issuer: LocalIssuer;

beforeAll(async () => {
  issuer = await startLocalIssuer({ jwksTimeoutMs: JWKS_TIMEOUT_MS, env: {} });
});

afterAll(async () => {
  await issuer.close();
});

/** A verifier with a cold JWKS cache, as a fresh Lambda has. */
function verifierFor(mode: ModeConfig, options: { unknownKidWaitSeconds?: number } = {}): TokenVerifier {
  return createTokenVerifier(mode.identitySource, { jwksTimeoutMs: JWKS_TIMEOUT_MS, fetcher: issuer.fetcher, env: {}, ...options });
}

/** The same pool and app clients, issuing the other token use. */
function withTokenUse(mode: ModeConfig, tokenUse: 'id' | 'access'): ModeConfig {
  const source = mode.identitySource;
  if (source.kind === 'oidc') throw new Error('OIDC sources have no token_use');
  return { ...mode, identitySource: { kind: 'cognito', userPoolId: source.userPoolId, clientIds: source.clientIds, tokenUse } };
}

async function refusal(verifier: TokenVerifier, token: string): Promise<unknown> {
  try {
    await verifier.verify(token);
  } catch (error) {
    return error;
  }
  throw new Error('the token was accepted');
}

describe('valid tokens', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} signed RS256 by the issuer yields its claims and expiry`, async () => {
      const token = issuer.mint(mode, claims);

      const verified = await verifierFor(mode).verify(token);

      expect(verified.claims).toMatchObject({ ...claims, iss: issuer.endpointsFor(mode).issuer });
      expect(verified.expiresAt).toBe(decodeToken(token).payload['exp']);
    });
  }

  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} signed ES256 with the published EC key verifies`, async () => {
      const token = issuer.mint(mode, claims, { key: 'ec' });

      const verified = await verifierFor(mode).verify(token);

      expect(verified.claims).toMatchObject(claims);
    });
  }

  it('a cognito id token carries token_use id, the app client as aud, groups and custom attributes', async () => {
    const token = issuer.mint(
      CUSTOMER,
      issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { customer: 'cust-1' } }),
    );

    const { claims } = await verifierFor(CUSTOMER).verify(token);

    expect(claims).toMatchObject({
      sub: 'user-1',
      token_use: 'id',
      aud: 'customerwebapp01',
      'cognito:groups': ['payer'],
      'custom:customer_id': 'cust-1',
    });
  });

  it('a client-credentials token carrying one of the mode scopes verifies, its sub being the client id', async () => {
    const token = issuer.mint(M2M, { client_id: 'reconservice03', scope: 'billing/read' });

    const { claims } = await verifierFor(M2M).verify(token);

    expect(claims).toMatchObject({ sub: 'reconservice03', client_id: 'reconservice03', token_use: 'access', scope: 'billing/read' });
  });

  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} whose nbf is 1 s in the past verifies`, async () => {
      const token = issuer.mint(mode, claims, { notBeforeSeconds: -1 });

      await expect(verifierFor(mode).verify(token)).resolves.toMatchObject({ claims });
    });
  }
});

describe('expired tokens', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} that expired 1 s ago is refused`, async () => {
      const token = issuer.mint(mode, claims, { expiresInSeconds: -1 });

      const error = await refusal(verifierFor(mode), token);

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toMatch(/^Token expired at /);
    });
  }
});

/**
 * Claims count whole seconds: a token minted at x.999 s with `nbf` 1 s ahead is already valid at x+1.001 s. Starting
 * early in a second keeps "1 s in the future" true while the test runs.
 */
async function earlyInASecond(): Promise<void> {
  const intoSecond = Date.now() % 1000;
  if (intoSecond > 300) await new Promise((resolve) => setTimeout(resolve, 1000 - intoSecond));
}

/**
 * Runs `check` so that it starts and ends within one wall-clock second, retrying when a busy machine lets the
 * second roll over midway: only then does "nbf is 1 s ahead" still hold when the verifier looks.
 */
async function withinOneSecond<T>(check: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await earlyInASecond();
    const second = Math.floor(Date.now() / 1000);
    const result = await check();
    if (Math.floor(Date.now() / 1000) === second) return result;
  }
  throw new Error('five attempts each took longer than the rest of their second; the machine is too busy for this check');
}

describe('tokens not yet valid', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} whose nbf is 1 s in the future is refused`, async () => {
      const error = await withinOneSecond(async () => refusal(verifierFor(mode), issuer.mint(mode, claims, { notBeforeSeconds: 1 })));

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toMatch(/^Token can't be used before /);
    });
  }
});

describe('the wrong issuer', () => {
  for (const { kind, mode, claims, untrustedIssuer } of KINDS) {
    it(`a ${kind} naming an untrusted iss, signed by a trusted key, is refused`, async () => {
      const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Attacker1';
      const token = issuer.mint(mode, { ...claims, iss });

      const error = await refusal(verifierFor(mode), token);

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toBe(untrustedIssuer(iss));
    });
  }

  it("a genuine token of another mode's user pool is refused", async () => {
    const token = issuer.mint(MULTI_TENANT, { sub: 'user-1' });

    const error = await refusal(verifierFor(withTokenUse(CUSTOMER, 'access')), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('issuer not configured: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_SaasPool1');
  });
});

describe('the wrong audience or client', () => {
  const cases: readonly { kind: string; mode: ModeConfig; claims: Claims; message: RegExp }[] = [
    {
      kind: 'cognito id token with another aud',
      mode: CUSTOMER,
      claims: { aud: 'otherclient01' },
      message: /^Client ID \("audience"\) not allowed: otherclient01/,
    },
    {
      kind: 'cognito access token with another client_id',
      mode: MULTI_TENANT,
      claims: { client_id: 'otherclient01' },
      message: /^Client ID not allowed: otherclient01/,
    },
    {
      kind: 'client-credentials token with another client_id',
      mode: M2M,
      claims: { client_id: 'otherclient01' },
      message: /^Client ID not allowed: otherclient01/,
    },
    {
      kind: 'Okta access token for another API',
      mode: INTERNAL,
      claims: { aud: 'api://other-api' },
      message: /^Audience not allowed: api:\/\/other-api/,
    },
    { kind: 'Okta token with no aud', mode: INTERNAL, claims: { aud: undefined }, message: /^Missing Audience/ },
  ];

  it.each(cases)('a $kind is refused', async ({ mode, claims, message }) => {
    const token = issuer.mint(mode, claims);

    const error = await refusal(verifierFor(mode), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toMatch(message);
  });

  it('a client-credentials token with none of the mode scopes is refused', async () => {
    const token = issuer.mint(M2M, { scope: 'billing/admin other/read' });

    const error = await refusal(verifierFor(M2M), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toMatch(/^Scope not allowed: billing\/admin, other\/read/);
  });
});

describe('token use confusion', () => {
  it('an access token of the same pool and app client is refused where an id token is required', async () => {
    const token = issuer.mint(withTokenUse(CUSTOMER, 'access'), { sub: 'user-1' });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Token use not allowed: access. Expected: id');
  });

  it('an id token of the same pool and app client is refused where an access token is required', async () => {
    const token = issuer.mint(withTokenUse(MULTI_TENANT, 'id'), { sub: 'user-1' });

    const error = await refusal(verifierFor(MULTI_TENANT), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Token use not allowed: id. Expected: access');
  });

  it('an id token of the service pool is refused where a client-credentials token is required, even carrying a mode scope', async () => {
    const token = issuer.mint(withTokenUse(M2M, 'id'), { sub: 'ledgerservice01', scope: 'billing/events.read' });

    const error = await refusal(verifierFor(M2M), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Token use not allowed: id. Expected: access');
  });

  it('an Okta id token (aud is the OIDC client, not the API) is refused where an access token is required', async () => {
    const token = issuer.mint(INTERNAL, { aud: '0oalocalclient', scp: undefined, cid: undefined, nonce: 'n-1' });

    const error = await refusal(verifierFor(INTERNAL), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toMatch(/^Audience not allowed: 0oalocalclient/);
  });
});

describe('an unknown kid', () => {
  it('is refused after one JWKS refetch, and a second one within the wait period fetches nothing', async () => {
    const verifier = verifierFor(CUSTOMER);
    await verifier.verify(issuer.mint(CUSTOMER, { sub: 'user-1' }));
    const fetchesBefore = issuer.jwksRequestCount();
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { header: { kid: 'no-such-kid' } });

    const first = await refusal(verifier, token);
    const second = await refusal(verifier, token);

    expect(first).toBeInstanceOf(TokenError);
    expect((first as Error).message).toBe('JWK for kid "no-such-kid" not found in the JWKS');
    expect(second).toBeInstanceOf(TokenError);
    expect((second as Error).message).toMatch(/^the token names an unknown key id: /);
    expect(issuer.jwksRequestCount()).toBe(fetchesBefore + 1);
  });

  it('a token with no kid is refused without fetching the JWKS', async () => {
    const fetchesBefore = issuer.jwksRequestCount();
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { header: { kid: undefined } });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('JWT header does not have valid kid claim');
    expect(issuer.jwksRequestCount()).toBe(fetchesBefore);
  });
});

describe('a tampered payload', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} whose claims were changed after signing is refused`, async () => {
      const token = tamperPayload(issuer.mint(mode, claims), { sub: 'someone-else', 'cognito:groups': ['admin'] });

      const error = await refusal(verifierFor(mode), token);

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toBe('Invalid signature');
    });
  }
});

describe('a stripped signature', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} with its signature removed is refused`, async () => {
      const token = stripSignature(issuer.mint(mode, claims));

      const error = await refusal(verifierFor(mode), token);

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toBe('JWT string does not consist of exactly 3 parts (header, payload, signature)');
    });
  }
});

describe('alg none', () => {
  it.each(['none', 'None', 'NONE'])('an unsigned token with alg %s is refused before any JWKS fetch', async (alg) => {
    const fetchesBefore = issuer.jwksRequestCount();
    const { payload } = decodeToken(issuer.mint(CUSTOMER, { sub: 'user-1' }));
    const token = createUnsignedToken(payload, { alg, kid: issuer.currentKid() });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe(`the token's algorithm "${alg}" is not one of RS256, ES256`);
    expect(issuer.jwksRequestCount()).toBe(fetchesBefore);
  });
});

describe('HS256 signed with the public key (key confusion)', () => {
  for (const { kind, mode, claims } of KINDS) {
    it(`a ${kind} HMAC-signed with the issuer public key is refused`, async () => {
      const { payload } = decodeToken(issuer.mint(mode, claims));
      const token = createHmacToken(payload, issuer.publicKeyPem('rsa'), { kid: issuer.currentKid('rsa') });

      const error = await refusal(verifierFor(mode), token);

      expect(error).toBeInstanceOf(TokenError);
      expect((error as Error).message).toBe(`the token's algorithm "HS256" is not one of RS256, ES256`);
    });
  }
});

describe('RS256 / ES256 confusion', () => {
  it('a token signed RS256 whose header says ES256 with the RSA kid is refused', async () => {
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { key: 'rsa', header: { alg: 'ES256' } });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('JWT signature algorithm not allowed: ES256. Expected: RS256');
  });

  it('a token signed RS256 whose header says ES256 with the EC kid is refused', async () => {
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { key: 'rsa', header: { alg: 'ES256', kid: issuer.currentKid('ec') } });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Malformed signature');
  });

  it('a token signed ES256 whose header says RS256 with the EC kid is refused', async () => {
    const token = issuer.mint(INTERNAL, { sub: 'staff-1' }, { key: 'ec', header: { alg: 'RS256' } });

    const error = await refusal(verifierFor(INTERNAL), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('JWT signature algorithm not allowed: RS256. Expected: ES256');
  });

  it('a token signed ES256 whose header says RS256 with the RSA kid is refused', async () => {
    const token = issuer.mint(INTERNAL, { sub: 'staff-1' }, { key: 'ec', header: { alg: 'RS256', kid: issuer.currentKid('rsa') } });

    const error = await refusal(verifierFor(INTERNAL), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Invalid signature');
  });
});

describe('a 1 MB token', () => {
  const padding = 'A'.repeat(1024 * 1024);

  it('whose payload was inflated after signing is refused by the verifier', async () => {
    const token = tamperPayload(issuer.mint(CUSTOMER, { sub: 'user-1' }), { padding });
    expect(token.length).toBeGreaterThan(1024 * 1024);

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('Invalid signature');
  });

  it('even validly signed, is refused by the bearer extraction that every handler runs before verifying', () => {
    const token = issuer.mint(CUSTOMER, { sub: 'user-1', padding });

    expect(() => normalizeBearer(`Bearer ${token}`)).toThrow(TokenError);
    expect(() => normalizeBearer(`Bearer ${token}`)).toThrow(`at most ${MAX_TOKEN_LENGTH} are accepted`);
  });
});

describe('segments that are not JSON', () => {
  it('a header that is not JSON is refused', async () => {
    const token = replaceSegment(issuer.mint(CUSTOMER, { sub: 'user-1' }), 0, '{"alg":"RS256",');

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('the token header is not JSON');
  });

  it('a header that is JSON null is refused', async () => {
    const token = replaceSegment(issuer.mint(CUSTOMER, { sub: 'user-1' }), 0, 'null');

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe(`the token's algorithm undefined is not one of RS256, ES256`);
  });

  it('a payload that is not JSON is refused', async () => {
    const token = replaceSegment(issuer.mint(CUSTOMER, { sub: 'user-1' }), 1, 'sub=user-1');

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toMatch(/^Invalid JWT\. Payload is not a valid JSON object: SyntaxError/);
  });

  it('a payload that is a JSON array is refused', async () => {
    const token = replaceSegment(issuer.mint(CUSTOMER, { sub: 'user-1' }), 1, '["user-1"]');

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('JWT payload is not an object');
  });

  it('a token that is not base64url JSON at all is refused', async () => {
    const error = await refusal(verifierFor(CUSTOMER), 'not.a.jwt');

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe('the token header is not JSON');
  });
});

describe('the JWKS endpoint is down', () => {
  it('answering 503 to a cold verifier gives a JwksError, not a TokenError', async () => {
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' });
    issuer.setDown(true, 'unavailable');
    try {
      const error = await refusal(verifierFor(CUSTOMER), token);

      expect(error).toBeInstanceOf(JwksError);
      expect((error as Error).message).toMatch(
        new RegExp(
          '^the signing keys could not be fetched: ' +
            String.raw`Failed to fetch https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_CustPool1\/\.well-known\/jwks\.json: ` +
            'Status code is 503',
        ),
      );
    } finally {
      issuer.setDown(false);
    }
  });

  it('resetting connections gives a JwksError', async () => {
    const token = issuer.mint(INTERNAL, { sub: 'staff-1' });
    issuer.setDown(true, 'reset');
    try {
      const error = await refusal(verifierFor(INTERNAL), token);

      expect(error).toBeInstanceOf(JwksError);
      expect((error as Error).message).toMatch(
        /^the signing keys could not be fetched: Failed to fetch https:\/\/billing\.okta\.com\/oauth2\/default\/v1\/keys/,
      );
    } finally {
      issuer.setDown(false);
    }
  });

  it('answering slower than the time-out gives a JwksError', async () => {
    const token = issuer.mint(M2M, {});
    issuer.setLatency(JWKS_TIMEOUT_MS * 2);
    try {
      const error = await refusal(verifierFor(M2M), token);

      expect(error).toBeInstanceOf(JwksError);
      expect((error as Error).message).toMatch(new RegExp(`Response time-out \\(after ${JWKS_TIMEOUT_MS} ms\\.\\)$`));
    } finally {
      issuer.setLatency(0);
    }
  });

  it('after the keys were cached, tokens still verify without another fetch', async () => {
    const verifier = verifierFor(CUSTOMER);
    await verifier.verify(issuer.mint(CUSTOMER, { sub: 'user-1' }));
    const fetchesBefore = issuer.jwksRequestCount();
    issuer.setDown(true);
    try {
      const verified = await verifier.verify(issuer.mint(CUSTOMER, { sub: 'user-2' }));

      expect(verified.claims['sub']).toBe('user-2');
      expect(issuer.jwksRequestCount()).toBe(fetchesBefore);
    } finally {
      issuer.setDown(false);
    }
  });
});

describe('key rotation', () => {
  it('a token signed with a new kid verifies on a warm verifier by refetching the JWKS once', async () => {
    const verifier = verifierFor(INTERNAL);
    await verifier.verify(issuer.mint(INTERNAL, { sub: 'staff-1' }));
    const fetchesBefore = issuer.jwksRequestCount();
    const { previousKid, kid } = issuer.rotateKeys();

    const verified = await verifier.verify(issuer.mint(INTERNAL, { sub: 'staff-2' }));
    const stillValid = await verifier.verify(issuer.mint(INTERNAL, { sub: 'staff-3' }, { signingKid: previousKid }));

    expect(kid).not.toBe(previousKid);
    expect(verified.claims['sub']).toBe('staff-2');
    expect(stillValid.claims['sub']).toBe('staff-3');
    expect(issuer.jwksRequestCount()).toBe(fetchesBefore + 1);
  });

  it('a token signed with a removed kid is refused by a verifier that fetches the JWKS after the removal', async () => {
    const { previousKid } = issuer.rotateKeys();
    issuer.removeKey(previousKid);
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { signingKid: previousKid });

    const error = await refusal(verifierFor(CUSTOMER), token);

    expect(error).toBeInstanceOf(TokenError);
    expect((error as Error).message).toBe(`JWK for kid "${previousKid}" not found in the JWKS`);
  });

  it('a warm verifier trusts a removed kid only until its next JWKS fetch (an unknown kid, or the JWKS max age)', async () => {
    const verifier = verifierFor(CUSTOMER);
    const { kid: oldKid } = issuer.rotateKeys();
    await verifier.verify(issuer.mint(CUSTOMER, { sub: 'user-1' }));
    issuer.rotateKeys();
    issuer.removeKey(oldKid);
    const oldToken = issuer.mint(CUSTOMER, { sub: 'user-1' }, { signingKid: oldKid });

    const beforeRefetch = await verifier.verify(oldToken);
    await verifier.verify(issuer.mint(CUSTOMER, { sub: 'user-2' }));
    const afterRefetch = await refusal(verifier, oldToken);

    expect(beforeRefetch.claims['sub']).toBe('user-1');
    expect(afterRefetch).toBeInstanceOf(TokenError);
    expect((afterRefetch as Error).message).toBe(`JWK for kid "${oldKid}" not found in the JWKS`);
  });
});
