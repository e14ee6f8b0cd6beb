// The authorizer cache key, read from the very event the gateway sends, by API Gateway's rules for identity sources.
//
// AWS documents identity sources as mapping expressions over the request the authorizer sees:
// - REST REQUEST authorizers: `method.request.header.X`, `method.request.querystring.x`, `context.*` ("CreateAuthorizer",
//   identitySource: https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html). `method.request.header`
//   and `method.request.querystring` are the single-value forms; the repeats live under `multivalueheader` /
//   `multivaluequerystring` ("Parameter mapping source reference for REST APIs",
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping-sources.html).
// - HTTP Lambda authorizers: `$request.header.X`, `$request.querystring.x`, `$context.*`, and the event carries their
//   values as `identitySource` ("Control access to HTTP APIs with AWS Lambda authorizers", Identity sources,
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
// HTTP header names are case-insensitive (RFC 9110, section 5.1), so a header source matches its name in any case.
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

export type IdentitySource =
  | { readonly in: 'header'; readonly name: string }
  | { readonly in: 'query'; readonly name: string }
  | { readonly in: 'context'; readonly name: 'httpMethod' | 'path' };

/** A header's value by case-insensitive name. The event builders fold case variants into one name, so at most one matches. */
function headerOf(headers: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** Query names are case-sensitive in API Gateway, as in URLs: `accountId` never matches `AccountId`. */
function queryOf(query: Readonly<Record<string, string | undefined>> | null | undefined, name: string): string | undefined {
  return query && Object.hasOwn(query, name) ? query[name] : undefined;
}

/** Every copy of a header, by case-insensitive name, across the keys of a multi-value map. */
function headerCopies(multi: Readonly<Record<string, readonly string[] | undefined>> | null | undefined, name: string): string[] {
  const lower = name.toLowerCase();
  return Object.entries(multi ?? {}).flatMap(([key, values]) => (key.toLowerCase() === lower ? [...(values ?? [])] : []));
}

/**
 * A single value, or every copy when the event carries more than one. AWS does not document which copy
 * `method.request.header.X` keys the cache on when a REST request repeats X, so the emulator keys on all of them: two
 * requests share an entry only when their events carry the same copies. Its limit: a real REST API that keys on one
 * copy could replay a cached answer to a request repeating that value (see /tmp/team/readme/gateway-exact.md).
 */
function withCopies(single: string | undefined, copies: readonly string[]): string | undefined {
  return single === undefined || copies.length <= 1 ? single : JSON.stringify(copies);
}

/** A REST REQUEST (or WebSocket $connect) event's identity-source values, as the event carries them. */
export function restIdentityValues(event: APIGatewayRequestAuthorizerEvent, sources: readonly IdentitySource[]): (string | undefined)[] {
  return sources.map((source) => {
    if (source.in === 'header') return withCopies(headerOf(event.headers, source.name), headerCopies(event.multiValueHeaders, source.name));
    if (source.in === 'query') {
      const copies = event.multiValueQueryStringParameters?.[source.name] ?? [];
      return withCopies(queryOf(event.queryStringParameters, source.name), copies);
    }
    return source.name === 'httpMethod' ? event.requestContext.httpMethod : event.requestContext.path;
  });
}

/** An HTTP payload 2.0 event's identity-source values: header values comma-joined, as the event carries them. */
export function httpIdentityValues(event: APIGatewayRequestAuthorizerEventV2, sources: readonly IdentitySource[]): (string | undefined)[] {
  return sources.map((source) => {
    if (source.in === 'header') return headerOf(event.headers, source.name);
    if (source.in === 'query') return queryOf(event.queryStringParameters, source.name);
    return source.name === 'httpMethod' ? event.requestContext.http.method : event.requestContext.http.path;
  });
}

/**
 * API Gateway calls no authorizer when an identity source is absent, null or empty (CreateAuthorizer, identitySource):
 * it answers 401. Otherwise the values, in order, are the cache key.
 */
export function presentValues(values: readonly (string | undefined)[]): string[] | undefined {
  const present: string[] = [];
  for (const value of values) {
    if (value === undefined || value === '') return undefined;
    present.push(value);
  }
  return present;
}

export function cacheKeyOf(values: readonly string[]): string {
  return JSON.stringify(values);
}
