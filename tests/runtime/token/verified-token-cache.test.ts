// The verified-token cache under attack: real tokens signed by a local issuer, its JWKS served on 127.0.0.1, the real
// aws-jwt-verify, and one injected clock that the tests advance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIssuer, tamperPayload, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import { TokenError } from '../../../runtime/errors.js';
import { VerifiedTokenCache } from '../../../runtime/token/verified-token-cache.js';
import { createTokenVerifier, type CachingTokenVerifier } from '../../../runtime/token/verify-token.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER } = fixtureMode('billing', 'customer');
const JWKS_MAX_AGE_SECONDS = 600;

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({ env: {} });
});
afterAll(() => issuer.close());

/** A clock that starts at the wall clock (tokens are minted by it) and moves only when a test says so. */
function testClock() {
  let now = Date.now();
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function verifierWith(clock: { now(): number }): CachingTokenVerifier {
  return createTokenVerifier(CUSTOMER.identitySource, {
    jwksTimeoutMs: 1000,
    fetcher: issuer.fetcher,
    env: {},
    clock,
    jwksMaxAgeSeconds: JWKS_MAX_AGE_SECONDS,
  });
}

async function refusal(verifier: CachingTokenVerifier, token: string): Promise<Error> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

const expOf = (token: string): number => {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
  return payload.exp;
};

describe('a token verified once', () => {
  it('is served from the cache on the next use: the same verified object, with no second verification', async () => {
    const verifier = verifierWith(testClock());
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' });

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).toBe(first);
    expect(verifier.cache.size().entries).toBe(1);
  });

  it('is kept under a SHA-256 digest of the token, never the token itself', () => {
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' });
    const key = new VerifiedTokenCache({ clock: testClock() }).key(token);

    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(token).not.toContain(key.slice(0, 20));
  });
});

describe('attack: a cached token used past its exp', () => {
  it('is accepted 1 s before exp and refused 1 s after it, by the injected clock, though the wall clock says valid', async () => {
    const clock = testClock();
    const verifier = verifierWith(clock);
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { expiresInSeconds: 60 });
    const first = await verifier.verify(token);

    clock.set(expOf(token) * 1000 - 1000);
    expect(await verifier.verify(token)).toBe(first);
    clock.set(expOf(token) * 1000 + 1000);
    const error = await refusal(verifier, token);

    expect(error).toBeInstanceOf(TokenError);
    expect(error.message).toBe(`Token expired at ${new Date(expOf(token) * 1000).toISOString()}`);
    expect(verifier.cache.size().entries).toBe(0);
  });

  it('is refused on every later use, not only the first', async () => {
    const clock = testClock();
    const verifier = verifierWith(clock);
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { expiresInSeconds: 30 });
    await verifier.verify(token);
    clock.advance(31_000);

    for (let i = 0; i < 3; i++) expect(await refusal(verifier, token)).toBeInstanceOf(TokenError);
    expect(verifier.cache.size().entries).toBe(0);
  });

  it('is refused when the clock goes back before its nbf', async () => {
    const clock = testClock();
    const verifier = verifierWith(clock);
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { notBeforeSeconds: 0 });
    await verifier.verify(token);
    clock.advance(-10_000);

    const error = await refusal(verifier, token);

    expect(error).toBeInstanceOf(TokenError);
    expect(error.message).toMatch(/^Token can't be used before /);
  });
});

describe('attack: a cached token whose key the issuer removed', () => {
  it('is refused once the key set is older than its max age and refreshed, though its exp is an hour away', async () => {
    const clock = testClock();
    const verifier = verifierWith(clock);
    const { kid: removedKid } = issuer.rotateKeys({ key: 'ec' });
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' }, { key: 'ec' });
    await verifier.verify(token);
    issuer.rotateKeys({ key: 'ec' });
    issuer.removeKey(removedKid);

    clock.advance(JWKS_MAX_AGE_SECONDS * 1000 - 1000);
    expect((await verifier.verify(token)).claims['sub']).toBe('user-1');
    clock.advance(2000);
    const error = await refusal(verifier, token);

    expect(error).toBeInstanceOf(TokenError);
    expect(error.message).toBe(`JWK for kid "${removedKid}" not found in the JWKS`);
  });

  it('is evicted by the refresh another token causes, with every other token of that key', async () => {
    const clock = testClock();
    const verifier = verifierWith(clock);
    const { kid: removedKid } = issuer.rotateKeys({ key: 'ec' });
    const doomed = [issuer.mint(CUSTOMER, { sub: 'user-1' }, { key: 'ec' }), issuer.mint(CUSTOMER, { sub: 'user-2' }, { key: 'ec' })];
    issuer.rotateKeys({ key: 'ec' });
    const survivor = issuer.mint(CUSTOMER, { sub: 'user-3' }, { key: 'ec' });
    for (const token of [...doomed, survivor]) await verifier.verify(token);
    expect(verifier.cache.size().entries).toBe(3);

    issuer.removeKey(removedKid);
    clock.advance(JWKS_MAX_AGE_SECONDS * 1000);
    await verifier.verify(survivor);

    expect(verifier.cache.size().entries).toBe(1);
    for (const token of doomed) expect(await refusal(verifier, token)).toBeInstanceOf(TokenError);
  });
});

describe('attack: a cached token with its signature or payload changed', () => {
  it('is a different digest: a flipped signature character is verified, and refused', async () => {
    const verifier = verifierWith(testClock());
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' });
    await verifier.verify(token);
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    const error = await refusal(verifier, flipped);

    expect(error).toBeInstanceOf(TokenError);
    expect(error.message).toMatch(/^Invalid signature/);
    expect(verifier.cache.size().entries).toBe(1);
  });

  it('is a different digest: a payload raised to another subject is verified, and refused', async () => {
    const verifier = verifierWith(testClock());
    const token = issuer.mint(CUSTOMER, { sub: 'user-1' });
    await verifier.verify(token);

    const error = await refusal(verifier, tamperPayload(token, { sub: 'admin' }));

    expect(error).toBeInstanceOf(TokenError);
    expect(error.message).toMatch(/^Invalid signature/);
    expect((await verifier.verify(token)).claims['sub']).toBe('user-1');
  });
});

describe('attack: a token that failed verification', () => {
  it('is never cached: an expired, a tampered and a wrongly signed token are each verified, and refused, every time', async () => {
    const verifier = verifierWith(testClock());
    const { kid: unpublished } = issuer.rotateKeys({ key: 'ec' });
    const wrongKey = issuer.mint(CUSTOMER, { sub: 'user-1' }, { key: 'ec' });
    issuer.rotateKeys({ key: 'ec' });
    issuer.removeKey(unpublished);
    const refused = [
      issuer.mint(CUSTOMER, { sub: 'user-1' }, { expiresInSeconds: -1 }),
      tamperPayload(issuer.mint(CUSTOMER, { sub: 'user-1' }), { sub: 'user-2' }),
      wrongKey,
    ];

    for (let round = 0; round < 2; round++) {
      for (const token of refused) expect(await refusal(verifier, token)).toBeInstanceOf(TokenError);
    }

    expect(verifier.cache.size()).toEqual({ entries: 0, bytes: 0 });
  });
});
