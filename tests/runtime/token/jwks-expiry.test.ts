import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import { TokenError } from '../../../runtime/errors.js';
import { createTokenVerifier } from '../../../runtime/token/verify-token.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER } = fixtureMode('billing', 'customer');

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({ env: {} });
});
afterAll(() => issuer.close());

const MAX_AGE_SECONDS = 600;
// The JWKS cache ages on an injected clock, so the test moves time instead of waiting for it (and a loaded machine
// cannot make a key set older or younger than the test means).
let nowMs = Date.now();
const clock = { now: () => nowMs };
const pastMaxAge = async (): Promise<void> => {
  nowMs += MAX_AGE_SECONDS * 1000 + 1;
};
const verifier = () =>
  createTokenVerifier(CUSTOMER.identitySource, {
    jwksTimeoutMs: 5000,
    fetcher: issuer.fetcher,
    env: {},
    jwksMaxAgeSeconds: MAX_AGE_SECONDS,
    clock,
  });

describe('the JWKS max age', () => {
  it('refuses a removed key once the cached key set is older than the max age, with no unknown kid to trigger it', async () => {
    const warm = verifier();
    const { kid: oldKid } = issuer.rotateKeys();
    const oldToken = issuer.mint(CUSTOMER, { sub: 'user-1' });
    expect((await warm.verify(oldToken)).claims['sub']).toBe('user-1');
    issuer.rotateKeys();
    issuer.removeKey(oldKid);

    expect((await warm.verify(oldToken)).claims['sub']).toBe('user-1');
    await pastMaxAge();
    const refused = await warm.verify(oldToken).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(TokenError);
    expect((refused as Error).message).toBe(`JWK for kid "${oldKid}" not found in the JWKS`);
  });

  it('keeps verifying with the cached keys while the issuer is down, trying the JWKS once per retry window', async () => {
    const warm = verifier();
    const token = issuer.mint(CUSTOMER, { sub: 'user-2' });
    await warm.verify(token);
    issuer.setDown(true);
    try {
      await pastMaxAge();
      const before = issuer.jwksRequestCount();
      for (let i = 0; i < 5; i++) expect((await warm.verify(token)).claims['sub']).toBe('user-2');
      expect(issuer.jwksRequestCount() - before).toBeLessThanOrEqual(2);
      expect(issuer.jwksRequestCount() - before).toBeGreaterThanOrEqual(1);
    } finally {
      issuer.setDown(false);
    }
  });
});
