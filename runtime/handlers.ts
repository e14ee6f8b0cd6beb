// Lambda handlers per API type: each turns API Gateway's event into an AuthorizationInput and the outcome into its answer.
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import {
  createAuthorizer,
  type AllowRefusal,
  type AuthorizationInput,
  type Authorizer,
  type AuthorizerOptions,
  type Outcome,
  type RequestFacts,
} from './authorizer.js';
import { iamPolicy, type AuthorizerContext } from './response/responses.js';
import { httpRoutes, parseMethodArn } from './routes/route-table.js';
import { joinedValueMap, readHeader, readQuery, restValueMap } from './request/single-value.js';
import { rawTokenOf } from './token/extract-token.js';

/** API Gateway's convention: throwing exactly this makes it answer 401. */
export const UNAUTHORIZED = 'Unauthorized';

export function restRequestAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  const authorizer = createAuthorizer(options);
  return async (event) => {
    const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '';
    const input = safeInput(() => {
      const arn = parseMethodArn(methodArn);
      const headers = restValueMap(event.headers, event.multiValueHeaders);
      return {
        rawToken: rawTokenOf(readHeader(headers, authorizer.mode.api.tokenHeader, 'scalar')),
        ...(arn ? { method: arn.method, path: arn.path } : {}),
        // The route API Gateway chose: the authorizer denies when its own match differs (runtime/decisions/route-identity.ts).
        ...(typeof event.resource === 'string' && typeof event.httpMethod === 'string'
          ? { routeIdentity: { kind: 'resource', resource: event.resource, httpMethod: event.httpMethod } as const }
          : {}),
        headers,
        query: restValueMap(event.queryStringParameters, event.multiValueQueryStringParameters),
        requestContext: requestFacts(event.requestContext?.identity?.sourceIp, event.requestContext?.requestTimeEpoch),
      };
    });
    return policyAnswer(authorizer, input, methodArn);
  };
}

export function restTokenAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  const authorizer = createAuthorizer(options);
  // API Gateway caches a TOKEN authorizer's answer on the token alone. With caching on, the answer must cover every
  // route that token may call, listed one by one (validation guarantees such a mode's routes have fixed resources).
  const cachedOnTokenAlone = authorizer.mode.cache.ttlSeconds > 0;
  // A TOKEN event carries one `authorizationToken` string and no headers or query: nothing in it can arrive twice.
  return async (event) => {
    const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '';
    const rawToken = typeof event?.authorizationToken === 'string' ? event.authorizationToken : undefined;
    if (cachedOnTokenAlone) return everyRouteAnswer(authorizer, rawToken, methodArn);
    const input = safeInput(() => {
      const arn = parseMethodArn(methodArn);
      return { rawToken, ...(arn ? { method: arn.method, path: arn.path } : {}), headers: {}, query: {} };
    });
    return policyAnswer(authorizer, input, methodArn);
  };
}

async function everyRouteAnswer(
  authorizer: Authorizer,
  rawToken: string | undefined,
  methodArn: string,
): Promise<APIGatewayAuthorizerResult> {
  const arn = parseMethodArn(methodArn);
  const outcome = await authorizer.authorizeAllRoutes(rawToken, !arn || arn.base.includes('*') ? WILDCARD_ARN : undefined);
  if (outcome.result === 'unauthorized') throw new Error(UNAUTHORIZED);
  const routes = new Map(httpRoutes(authorizer.mode.routes).map((route) => [route.key, route]));
  const allowed = arn
    ? outcome.allowedRoutes.flatMap((key) => {
        const route = routes.get(key);
        return route ? [`${arn.base}/${route.method}/${route.path.replace(/^\//, '')}`] : [];
      })
    : [];
  if (allowed.length === 0 || allowed.some((resource) => resource.includes('*'))) {
    return iamPolicy({ principalId: outcome.principalId, effect: 'Deny', methodArn, context: outcome.context });
  }
  return {
    principalId: outcome.principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allowed }] },
    context: outcome.context,
  };
}

export function webSocketAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
  const authorizer = createAuthorizer(options);
  const { tokenHeader, tokenQueryParameter } = authorizer.mode.api;
  return async (event) => {
    const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '';
    const input = safeInput(() => {
      // WebSocket REQUEST events carry the same single- and multi-value maps as REST ones.
      const headers = restValueMap(event.headers, event.multiValueHeaders);
      const query = restValueMap(event.queryStringParameters, event.multiValueQueryStringParameters);
      const fromHeader = readHeader(headers, tokenHeader, 'scalar');
      const fromQuery = tokenQueryParameter !== undefined ? readQuery(query, tokenQueryParameter, 'scalar') : undefined;
      return {
        rawToken: rawTokenOf(fromHeader.kind === 'absent' && fromQuery !== undefined ? fromQuery : fromHeader),
        // API Gateway calls a WebSocket authorizer for $connect only, and names it in routeKey: any other route key is
        // not a connection this authorizer may allow, whatever eventType says (and an eventType other than CONNECT
        // contradicts the route key).
        connect:
          event.requestContext?.routeKey === '$connect' &&
          (event.requestContext.eventType === undefined || event.requestContext.eventType === 'CONNECT'),
        headers,
        query,
        requestContext: requestFacts(event.requestContext?.identity?.sourceIp, event.requestContext?.requestTimeEpoch),
      };
    });
    return policyAnswer(authorizer, input, methodArn);
  };
}

export function httpAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEventV2) => Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const authorizer = createAuthorizer(options);
  return async (event) => {
    const input = safeInput(() => {
      // Payload 2.0 has no multi-value maps: API Gateway joins repeats with commas.
      const headers = joinedValueMap(event.headers);
      const http = event.requestContext?.http;
      return {
        rawToken: rawTokenOf(readHeader(headers, authorizer.mode.api.tokenHeader, 'scalar')),
        ...(http ? { method: http.method, path: stripStage(event.rawPath ?? http.path, event.requestContext.stage) } : {}),
        // routeKey + pathParameters are API Gateway's own routing answer; rawPath also carries a custom domain's mapping key.
        // Only an event of API Gateway's shape names a route: both routeKeys equal, and rawPath a string.
        ...(typeof event.routeKey === 'string' && event.requestContext?.routeKey === event.routeKey && typeof event.rawPath === 'string'
          ? { routeIdentity: { kind: 'route-key', routeKey: event.routeKey, pathParameters: stringRecord(event.pathParameters) } as const }
          : {}),
        headers,
        query: joinedValueMap(event.queryStringParameters),
        requestContext: requestFacts(http?.sourceIp, event.requestContext?.timeEpoch),
      };
    });
    const outcome = await authorizer.authorize(input);
    // Simple responses have no 401: a refused token is `isAuthorized: false`, as API Gateway documents.
    return { isAuthorized: outcome.result === 'allow', context: outcome.context };
  };
}

/**
 * An Allow on a methodArn holding a `*` (a resource id spelled `*`), or on none, would be a wildcard. The authorizer
 * turns it into a Deny before logging, rather than let iamPolicy throw, which would fail the invocation.
 */
const WILDCARD_ARN: AllowRefusal = {
  kind: 'method-arn',
  reason: 'the methodArn holds a * or is missing: an Allow on it would be a wildcard, so the answer is a Deny',
};

async function policyAnswer(authorizer: Authorizer, input: AuthorizationInput, methodArn: string): Promise<APIGatewayAuthorizerResult> {
  const usableArn = methodArn !== '' && !methodArn.includes('*');
  const outcome: Outcome = await authorizer.authorize(input, usableArn ? undefined : WILDCARD_ARN);
  if (outcome.result === 'unauthorized') throw new Error(UNAUTHORIZED);
  const effect = outcome.result === 'allow' ? 'Allow' : 'Deny';
  return iamPolicy({ principalId: outcome.principalId, effect, methodArn, context: outcome.context });
}

/** A malformed event must not throw: it becomes an input with nothing in it, which is denied. */
function safeInput(build: () => AuthorizationInput): AuthorizationInput {
  try {
    return build();
  } catch {
    return { rawToken: undefined, headers: {}, query: {} };
  }
}

/**
 * What API Gateway's request context says about the request: REST and WebSocket events carry
 * `requestContext.identity.sourceIp` and `requestTimeEpoch`, HTTP API events `requestContext.http.sourceIp` and
 * `timeEpoch`. A value of the wrong JSON type is left out, so a route that needs it is denied.
 */
function requestFacts(sourceIp: unknown, epochMs: unknown): RequestFacts {
  return {
    ...(typeof sourceIp === 'string' && sourceIp !== '' ? { sourceIp } : {}),
    ...(typeof epochMs === 'number' && Number.isSafeInteger(epochMs) ? { requestTimeEpochMs: epochMs } : {}),
  };
}

/** HTTP APIs put a named stage in front of the path (`/prod/accounts/...`); `$default` adds nothing. */
function stripStage(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  return path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** `pathParameters` as API Gateway sends them: string values only; anything else (null, a malformed event) is left out. */
function stringRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
