// Generates the issuer's signing keys with node:crypto and publishes their public halves as JWKs.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export const KEY_KINDS = ['rsa', 'ec'] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export type SigningAlgorithm = 'RS256' | 'ES256';

/** A public key as a JWKS lists it. */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC';
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly use: 'sig';
  readonly n?: string;
  readonly e?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

export interface SigningKey {
  readonly kind: KeyKind;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
}

/** RS256 on RSA-2048 (what Cognito and Okta use), ES256 on P-256. */
export function generateSigningKey(kind: KeyKind): SigningKey {
  const { privateKey, publicKey } =
    kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return signingKeyFrom(kind, privateKey, publicKey);
}

/** A key saved earlier as PKCS#8 PEM (local development keeps its keys across runs). */
export function signingKeyFromPem(kind: KeyKind, privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const expected = kind === 'rsa' ? 'rsa' : 'ec';
  if (privateKey.asymmetricKeyType !== expected)
    throw new Error(`the saved ${kind} key is a ${privateKey.asymmetricKeyType ?? 'unknown'} key`);
  return signingKeyFrom(kind, privateKey, createPublicKey(privateKey));
}

function signingKeyFrom(kind: KeyKind, privateKey: KeyObject, publicKey: KeyObject): SigningKey {
  const exported = publicKey.export({ format: 'jwk' });
  const alg: SigningAlgorithm = kind === 'rsa' ? 'RS256' : 'ES256';
  const members: { readonly kty: 'RSA' | 'EC' } & Record<string, string> =
    kind === 'rsa'
      ? { kty: 'RSA' as const, n: requireMember(exported.n, 'n'), e: requireMember(exported.e, 'e') }
      : {
          kty: 'EC' as const,
          crv: requireMember(exported.crv, 'crv'),
          x: requireMember(exported.x, 'x'),
          y: requireMember(exported.y, 'y'),
        };
  const kid = thumbprint(members);
  return { kind, kid, alg, privateKey, publicKey, jwk: { ...members, kid, alg, use: 'sig' } };
}

/** RFC 7638 thumbprint: a kid that is stable for a key and differs between keys. */
function thumbprint(members: Readonly<Record<string, string>>): string {
  const required = members['kty'] === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x', 'y'];
  const canonical = `{${required.map((name) => `${JSON.stringify(name)}:${JSON.stringify(members[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

function requireMember(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`node:crypto exported a JWK without ${name}`);
  return value;
}
