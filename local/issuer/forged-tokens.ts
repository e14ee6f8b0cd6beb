// Builds attack tokens for tests: unsigned (alg none), HMAC-signed with a public key, tampered or stripped.
import { createHmac } from 'node:crypto';
import { decodeSegment, encodeSegment, type JsonObject } from './compact-jws.js';

/** `alg: none` with an empty signature, as RFC 7519 spells an unsecured JWT. */
export function createUnsignedToken(payload: JsonObject, header: JsonObject = {}): string {
  return `${encodeSegment({ alg: 'none', typ: 'JWT', ...header })}.${encodeSegment(payload)}.`;
}

/**
 * The classic key-confusion forgery: HS256 with the issuer's public key (PEM text, as a verifier that trusts the
 * header's `alg` would feed it to HMAC) as the shared secret.
 */
export function createHmacToken(payload: JsonObject, secret: string | Buffer, header: JsonObject = {}): string {
  const signingInput = `${encodeSegment({ alg: 'HS256', typ: 'JWT', ...header })}.${encodeSegment(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

export interface DecodedToken {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly signature: string;
}

/** Reads a compact JWS without verifying it. */
export function decodeToken(token: string): DecodedToken {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) throw new Error('not a compact JWS');
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature };
}

/** Changes claims and keeps the original header and signature, which no longer match. */
export function tamperPayload(token: string, changes: JsonObject): string {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a compact JWS');
  return `${header}.${encodeSegment({ ...decodeSegment(payload), ...changes })}.${signature}`;
}

/** Keeps the header and payload and drops the signature (`header.payload.`). */
export function stripSignature(token: string): string {
  const [header, payload] = token.split('.');
  if (header === undefined || payload === undefined) throw new Error('not a compact JWS');
  return `${header}.${payload}.`;
}

/** Replaces one segment (0 header, 1 payload, 2 signature) with raw text, base64url-encoded: for non-JSON segments. */
export function replaceSegment(token: string, index: 0 | 1 | 2, rawText: string): string {
  const parts = token.split('.');
  parts[index] = Buffer.from(rawText, 'utf8').toString('base64url');
  return parts.join('.');
}
