// Signs payload TEXT rather than an object: the only way to put one claim twice, or a non-object, under a genuine signature.
import { sign } from 'node:crypto';
import { encodeSegment, type SigningKey } from '../../../local/issuer/token-issuer.js';

/** A compact JWS over `payloadText` exactly as given, signed by `key` with its own alg and kid (ES256 as r || s). */
export function signPayloadText(key: SigningKey, payloadText: string, header: Readonly<Record<string, unknown>> = {}): string {
  const headerSegment = encodeSegment({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header });
  const signingInput = `${headerSegment}.${Buffer.from(payloadText, 'utf8').toString('base64url')}`;
  const signature =
    key.kind === 'rsa'
      ? sign('sha256', Buffer.from(signingInput), key.privateKey)
      : sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * The JSON text of `payload` with `name` written twice: `first` at the front, then the payload's own value later on.
 * JSON.parse keeps the last one; a parser that keeps the first (some WAFs, loggers, other languages) sees `first`.
 */
export function withDuplicateClaim(payload: Readonly<Record<string, unknown>>, name: string, first: unknown): string {
  if (!Object.hasOwn(payload, name)) throw new Error(`the payload has no ${name} claim to duplicate`);
  return `{${JSON.stringify(name)}:${JSON.stringify(first)},${JSON.stringify(payload).slice(1)}`;
}
