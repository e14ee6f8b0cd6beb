// Finds the bearer token where each API type puts it, and strips the `Bearer ` prefix.
import { TokenError } from '../errors.js';
import { AmbiguousTokenError, type SingleValue } from '../request/single-value.js';

/** The token as a handler found it: its text, nothing, or copies that disagree on which token this is. */
export type RawToken = string | undefined | AmbiguousToken;

export interface AmbiguousToken {
  readonly ambiguous: string;
}

/** A token header or query value, read by the one request-value reader, as a RawToken. */
export function rawTokenOf(value: SingleValue): RawToken {
  return value.kind === 'ambiguous' ? { ambiguous: value.why } : value.kind === 'one' ? value.value : undefined;
}

/** Tokens above this size are refused before any parsing: real access and id tokens are a few KB. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

export function normalizeBearer(raw: RawToken | null): string {
  if (typeof raw === 'object' && raw !== null) throw new AmbiguousTokenError(`the token is ambiguous: ${raw.ambiguous}; send it once`);
  if (raw === undefined || raw === null || raw.trim() === '') throw new TokenError('no token in the request');
  if (raw.length > MAX_TOKEN_LENGTH)
    throw new TokenError(`the token is ${raw.length} characters; at most ${MAX_TOKEN_LENGTH} are accepted`);
  const trimmed = raw.trim();
  const token = /^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed;
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new TokenError('the token is not a compact JWS');
  return token;
}

/**
 * Header lookup for the local gateway emulator: case-insensitive, exact case first. The runtime does not use it: it
 * reads every request value through runtime/request/single-value.ts, which refuses repeats instead of picking one.
 */
export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const exact = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

export function queryValue(query: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!query || !Object.hasOwn(query, name)) return undefined;
  return query[name];
}
