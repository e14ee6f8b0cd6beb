// Differential: a verifier with the verified-token cache against one without it, over random sequences of valid,
// short-lived, expired, wrongly signed and tampered tokens, clock steps and a key removed from the JWKS. Both see the
// same issuer (its JWKS on 127.0.0.1) and the same clock; every answer (claims or error) must be the same.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIssuer, tamperPayload, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import { createTokenVerifier, type TokenVerifier } from '../../../runtime/token/verify-token.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER } = fixtureMode('billing', 'customer');
const SEED = 160_002;
const RUNS = 25;
const JWKS_MAX_AGE_SECONDS = 60;

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startLocalIssuer({ env: {} });
});
afterAll(() => issuer.close());

type Step =
  | { readonly kind: 'verify'; readonly token: number }
  | { readonly kind: 'advance'; readonly seconds: number }
  | { readonly kind: 'remove-key' };

const TOKEN_KINDS = ['valid', 'valid-other', 'short-lived', 'expired', 'signature-flipped', 'payload-tampered', 'second-key', 'wrong-key'];

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: TOKEN_KINDS.length - 1 }).map((token) => ({ kind: 'verify', token }) as const) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 45 }).map((seconds) => ({ kind: 'advance', seconds }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remove-key' } as const) },
);

/** Fresh EC keys for one run (EC keys are quick to make), the tokens of TOKEN_KINDS, and the kid a run may remove. */
function mintRun(): { tokens: string[]; removable: string } {
  const { kid: removable } = issuer.rotateKeys({ key: 'ec' });
  const mint = (sub: string, expiresInSeconds = 3600) => issuer.mint(CUSTOMER, { sub }, { key: 'ec', expiresInSeconds });
  const valid = mint('user-1');
  const [header, payload, signature = ''] = valid.split('.');
  const tokens = [
    valid,
    mint('user-2'),
    mint('user-3', 30),
    mint('user-4', -5),
    `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
    tamperPayload(valid, { sub: 'admin' }),
  ];
  issuer.rotateKeys({ key: 'ec' });
  tokens.push(mint('user-5'));
  const { kid: unpublished } = issuer.rotateKeys({ key: 'ec' });
  tokens.push(mint('user-6'));
  issuer.removeKey(unpublished);
  issuer.rotateKeys({ key: 'ec' });
  return { tokens, removable };
}

async function answer(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    const { claims, expiresAt } = await verifier.verify(token);
    return `allow ${String(claims['sub'])} until ${expiresAt}`;
  } catch (error) {
    return `refuse ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`;
  }
}

describe('the verified-token cache, differential', () => {
  it('gives the same answer as verifying every token in full, over random token sequences (fixed seed)', async () => {
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        const { tokens, removable } = mintRun();
        let now = Date.now();
        const clock = { now: () => now };
        const options = { jwksTimeoutMs: 1000, fetcher: issuer.fetcher, env: {}, clock, jwksMaxAgeSeconds: JWKS_MAX_AGE_SECONDS };
        const cached = createTokenVerifier(CUSTOMER.identitySource, options);
        const uncached = createTokenVerifier(CUSTOMER.identitySource, { ...options, tokenCache: 'off' });
        let removed = false;
        for (const [index, next] of steps.entries()) {
          if (next.kind === 'advance') now += next.seconds * 1000;
          else if (next.kind === 'remove-key') {
            if (!removed) issuer.removeKey(removable);
            removed = true;
          } else {
            const token = tokens[next.token] ?? '';
            const without = await answer(uncached, token);
            const entriesBefore = cached.cache.size().entries;
            const withCache = await answer(cached, token);
            if (withCache.startsWith('allow') && cached.cache.size().entries === entriesBefore) hits++;
            if (withCache !== without) {
              throw new Error(`step ${index} (${TOKEN_KINDS[next.token]}): cache on "${withCache}", cache off "${without}"`);
            }
          }
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The runs exercised the cache: some answers came from it.
    expect(hits).toBeGreaterThan(0);
  });
});
