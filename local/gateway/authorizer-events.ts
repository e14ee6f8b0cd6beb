// Builds the exact authorizer events API Gateway sends: REST TOKEN and REQUEST, HTTP payload 2.0, WebSocket $connect.
import { randomUUID } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'eu-west-1';

export interface IncomingRequest {
  readonly method: string;
  /** The concrete path, percent-encoded as received. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly sourceIp: string;
}

/** A request as it came off the wire: every header line in arrival order, repeats and case variants kept. */
export interface WireRequest extends Omit<IncomingRequest, 'headers'> {
  readonly headerLines: readonly (readonly [name: string, value: string])[];
}

export type GatewayRequest = IncomingRequest | WireRequest;

function headerLinesOf(request: GatewayRequest): readonly (readonly [string, string])[] {
  return 'headerLines' in request ? request.headerLines : Object.entries(request.headers);
}

export interface ApiIdentity {
  readonly apiId: string;
  readonly stage: string;
}

export function methodArn(api: ApiIdentity, method: string, path: string): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${api.apiId}/${api.stage}/${method}/${path.replace(/^\//, '')}`;
}

/**
 * REST (payload 1.0) maps: `headers` / `queryStringParameters` hold one value per name, the last one received, and
 * `multiValueHeaders` / `multiValueQueryStringParameters` hold every value in order ("Lambda proxy integrations in API
 * Gateway", Support for multi-value headers and query string parameters,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html). Header names are
 * case-insensitive, so `X-Amount` and `x-amount` are one header with two values, under the first spelling received.
 */
function singleAndMulti(lines: Iterable<readonly [string, string]>, foldCase: boolean) {
  const spelling = new Map<string, string>();
  // No prototype: a client may name a header or query parameter `toString` or `__proto__`.
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const [name, value] of lines) {
    const id = foldCase ? name.toLowerCase() : name;
    const key = spelling.get(id) ?? name;
    spelling.set(id, key);
    single[key] = value;
    multi[key] = [...(multi[key] ?? []), value];
  }
  return { single, multi };
}

function restHeaderMaps(request: GatewayRequest) {
  const { single, multi } = singleAndMulti(headerLinesOf(request), true);
  return { headers: single, multiValueHeaders: multi };
}

function restQueryMaps(rawQuery: string) {
  const { single, multi } = singleAndMulti(new URLSearchParams(rawQuery), false);
  const empty = Object.keys(single).length === 0;
  return { queryStringParameters: empty ? null : single, multiValueQueryStringParameters: empty ? null : multi };
}

/**
 * HTTP payload 2.0 has no multi-value maps: header names are lower-case, and duplicate headers and query values are
 * combined with commas ("Create AWS Lambda proxy integrations for HTTP APIs in API Gateway", Payload format differences,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
function commaJoined(lines: Iterable<readonly [string, string]>, lowerCase: boolean): Record<string, string> {
  const joined: Record<string, string> = Object.create(null);
  for (const [name, value] of lines) {
    const key = lowerCase ? name.toLowerCase() : name;
    const before = joined[key];
    joined[key] = before === undefined ? value : `${before},${value}`;
  }
  return joined;
}

/** The token header's value as a REST API reads it: the single-value `headers` map, by case-insensitive name. */
export function restHeaderValue(request: GatewayRequest, name: string): string | undefined {
  const { headers } = restHeaderMaps(request);
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function restTokenEvent(api: ApiIdentity, request: GatewayRequest, token: string): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: token, methodArn: methodArn(api, request.method, request.path) };
}

export function restRequestEvent(
  api: ApiIdentity,
  request: GatewayRequest,
  resource: string,
  pathParameters: Record<string, string>,
): APIGatewayRequestAuthorizerEvent {
  const headerMaps = restHeaderMaps(request);
  return {
    type: 'REQUEST',
    methodArn: methodArn(api, request.method, request.path),
    resource,
    path: request.path,
    httpMethod: request.method,
    ...headerMaps,
    pathParameters,
    ...restQueryMaps(request.rawQuery),
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: api.apiId,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: `/${api.stage}${request.path}`,
      stage: api.stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      identity: localIdentity(request.sourceIp, headerMaps.headers),
    },
  };
}

export function httpRequestEvent(
  api: ApiIdentity,
  request: GatewayRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  identitySource: string[],
): APIGatewayRequestAuthorizerEventV2 {
  const now = Date.now();
  const headers = commaJoined(headerLinesOf(request), true);
  const joinedQuery = commaJoined(new URLSearchParams(request.rawQuery), false);
  const query = Object.keys(joinedQuery).length > 0 ? joinedQuery : undefined;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: methodArn(api, request.method, request.path),
    identitySource,
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery,
    cookies: [],
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    pathParameters,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: api.apiId,
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  };
}

export function webSocketConnectEvent(api: ApiIdentity, request: GatewayRequest, connectionId: string): APIGatewayRequestAuthorizerEvent {
  // WebSocket $connect events carry the REST-style single- and multi-value maps.
  const headerMaps = restHeaderMaps(request);
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${api.apiId}/${api.stage}/$connect`,
    // Required by the REST event type aws-lambda uses for $connect too; the runtime reads only the route key.
    resource: '$connect',
    path: '/',
    httpMethod: 'GET',
    pathParameters: null,
    ...headerMaps,
    ...restQueryMaps(request.rawQuery),
    stageVariables: null,
    requestContext: {
      // aws-lambda types the $connect authorizer event as the REST one, whose request context requires these too.
      accountId: LOCAL_ACCOUNT,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      path: `/${api.stage}`,
      resourceId: '$connect',
      resourcePath: '$connect',
      routeKey: '$connect',
      eventType: 'CONNECT',
      extendedRequestId: randomUUID(),
      requestTime: new Date().toUTCString(),
      messageDirection: 'IN',
      stage: api.stage,
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      identity: localIdentity(request.sourceIp, headerMaps.headers),
      requestId: randomUUID(),
      domainName: 'localhost',
      connectionId,
      apiId: api.apiId,
    },
  };
}

function localIdentity(sourceIp: string, headers: Record<string, string>) {
  const userAgent = Object.entries(headers).find(([name]) => name.toLowerCase() === 'user-agent')?.[1];
  return {
    sourceIp,
    userAgent: userAgent ?? null,
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    user: null,
    userArn: null,
  };
}
