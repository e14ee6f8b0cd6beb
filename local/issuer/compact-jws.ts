// Encodes and signs compact JWS tokens (RS256, ES256) the way real issuers do.
import { sign } from 'node:crypto';
import type { SigningKey } from './signing-keys.js';

export type JsonObject = Record<string, unknown>;

export function encodeSegment(value: JsonObject): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeSegment(segment: string): JsonObject {
  const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the segment is not a JSON object');
  return parsed as JsonObject;
}

/**
 * Signs `header.payload` with `key`, whatever the header says: attack tests put a lying `alg` or `kid` in the header.
 * ES256 signatures are r || s (IEEE P1363), as JWS requires, not DER.
 */
export function signCompact(header: JsonObject, payload: JsonObject, key: SigningKey): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature =
    key.kind === 'rsa'
      ? sign('sha256', Buffer.from(signingInput), key.privateKey)
      : sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
