// The token rules of the security model that hold whatever the key: the algorithm allow-list against genuine
// signatures by a key the JWKS lists, a numeric `exp`, and an IAM answer that never allows a wildcard.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Fetcher } from 'aws-jwt-verify/https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken, encodeSegment, startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import { TokenError } from '../../../runtime/errors.js';
import { MemoryTelemetry, restRequestAuthorizer, UNAUTHORIZED } from '../../../runtime/index.js';
import { restRequestEvent } from '../../../local/gateway/authorizer-events.js';
import { iamPolicy } from '../../../runtime/response/responses.js';
import { createTokenVerifier } from '../../../runtime/token/verify-token.js';
import { API, CUSTOMER, CUSTOMER_BUNDLE } from './support/billing-world.js';

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const P384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const RSA_KID = 'rsa-listed';
const P384_KID = 'p384-listed';

/** The issuer's JWKS as this suite serves it: both keys listed, neither pinned to one algorithm by an `alg` member. */
const JWKS = {
  keys: [
    { ...RSA.publicKey.export({ format: 'jwk' }), kid: RSA_KID, use: 'sig' },
    { ...P384.publicKey.export({ format: 'jwk' }), kid: P384_KID, use: 'sig' },
  ],
};

/** Serves JWKS for any URI and counts the fetches: the allow-list must refuse before the first one. */
function countingFetcher(): Fetcher & { count: number } {
  const fetcher = {
    count: 0,
    async fetch(): Promise<ArrayBuffer> {
      fetcher.count++;
      const bytes = new TextEncoder().encode(JSON.stringify(JWKS));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  };
  return fetcher;
}

type Signer = (input: Buffer) => Buffer;
const SIGNERS: Readonly<Record<string, { kid: string; sign: Signer }>> = {
  RS256: { kid: RSA_KID, sign: (input) => sign('sha256', input, RSA.privateKey) },
  RS384: { kid: RSA_KID, sign: (input) => sign('sha384', input, RSA.privateKey) },
  PS256: {
    kid: RSA_KID,
    sign: (input) => sign('sha256', input, { key: RSA.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  },
  ES384: { kid: P384_KID, sign: (input) => sign('sha384', input, { key: P384.privateKey as KeyObject, dsaEncoding: 'ieee-p1363' }) },
};

/** A genuine signature with `alg` over `payload`, by a key the JWKS lists. */
function signed(alg: string, payload: Record<string, unknown>): string {
  const signer = SIGNERS[alg];
  if (!signer) throw new Error(`no signer for ${alg}`);
  const input = `${encodeSegment({ alg, kid: signer.kid, typ: 'JWT' })}.${encodeSegment(payload)}`;
  return `${input}.${signer.sign(Buffer.from(input)).toString('base64url')}`;
}

let issuer: LocalIssuer;
/** Genuine claims of the customer pool (iss, aud, token_use, exp...), as its issuer mints them. */
let claims: Record<string, unknown>;

beforeAll(async () => {
  issuer = await startLocalIssuer({ env: {} });
  const minted = issuer.mint(CUSTOMER, issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { customer: 'cust-1' } }));
  claims = decodeToken(minted).payload;
});

afterAll(async () => {
  await issuer.close();
});

function verifier() {
  const fetcher = countingFetcher();
  return { fetcher, verifier: createTokenVerifier(CUSTOMER.identitySource, { jwksTimeoutMs: 1000, fetcher, env: {} }) };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the token was accepted');
}

describe('the algorithm allow-list (RS256, ES256) against genuine signatures', () => {
  it('accepts the same claims signed RS256 by the same listed key (the control)', async () => {
    const { fetcher, verifier: verify } = verifier();

    const verified = await verify.verify(signed('RS256', claims));

    expect(verified.claims['sub']).toBe('user-1');
    expect(fetcher.count).toBe(1);
  });

  it.each(['RS384', 'PS256', 'ES384'])(
    'refuses a token genuinely signed %s by a key the JWKS lists, before any JWKS fetch',
    async (alg) => {
      const { fetcher, verifier: verify } = verifier();

      const error = await refusal(verify.verify(signed(alg, claims)));

      expect(error).toBeInstanceOf(TokenError);
      expect((error as TokenError).message).toBe(`the token's algorithm "${alg}" is not one of RS256, ES256`);
      expect(fetcher.count).toBe(0);
    },
  );
});

describe('a numeric exp is required', () => {
  const withoutExp = () => Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'exp'));

  it('refuses a genuinely signed token with no exp claim, naming it', async () => {
    const { verifier: verify } = verifier();

    const error = await refusal(verify.verify(signed('RS256', withoutExp())));

    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).message).toBe('the token has no numeric `exp` claim');
  });

  it('answers 401 through a REST handler for a signed token without exp, logged with errorKind token', async () => {
    const telemetry = new MemoryTelemetry();
    const handler = restRequestAuthorizer({
      mode: CUSTOMER,
      bundle: CUSTOMER_BUNDLE,
      dependencies: { jwksFetcher: countingFetcher(), telemetry, env: {} },
    });
    const token = signed('RS256', withoutExp());
    const request = {
      method: 'GET',
      path: '/accounts/acct-1',
      rawQuery: '',
      headers: { Authorization: `Bearer ${token}` },
      sourceIp: '198.51.100.7',
    };

    const error = await refusal(handler(restRequestEvent(API, request, '/accounts/{accountId}', { accountId: 'acct-1' })));

    expect(error).toEqual(new Error(UNAUTHORIZED));
    expect(telemetry.records).toMatchObject([
      { result: 'unauthorized', errorKind: 'token', reason: 'the token has no numeric `exp` claim' },
    ]);
  });
});

describe('iamPolicy never allows a wildcard', () => {
  const base = { principalId: 'user-1', context: { decision: 'allow' } };
  const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod/GET/accounts/acct-1';

  it.each([
    ['a * in the resource path', 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod/GET/accounts/*'],
    ['a * as the stage', 'arn:aws:execute-api:eu-west-1:123456789012:api-id/*/GET/accounts/acct-1'],
    ['an empty method ARN', ''],
  ])('throws for an Allow on %s', (_name, methodArn) => {
    expect(() => iamPolicy({ ...base, effect: 'Allow', methodArn })).toThrow(
      new Error(`refusing to allow a wildcard or empty method ARN: ${JSON.stringify(methodArn)}`),
    );
  });

  it.each([
    ['a * in the resource path', 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod/GET/accounts/*'],
    ['an empty method ARN', ''],
  ])('never throws for a Deny on %s', (_name, methodArn) => {
    const policy = iamPolicy({ ...base, effect: 'Deny', methodArn });

    expect(policy.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [methodArn === '' ? '*' : methodArn] },
    ]);
  });

  it('allows exactly the method ARN it is given', () => {
    expect(iamPolicy({ ...base, effect: 'Allow', methodArn: ARN }).policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [ARN] },
    ]);
  });
});
