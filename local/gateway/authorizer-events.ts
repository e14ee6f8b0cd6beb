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

export interface ApiIdentity {
  readonly apiId: string;
  readonly stage: string;
}

export function methodArn(api: ApiIdentity, method: string, path: string): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${api.apiId}/${api.stage}/${method}/${path.replace(/^\//, '')}`;
}

function queryRecord(rawQuery: string): Record<string, string> | null {
  const params = new URLSearchParams(rawQuery);
  const record: Record<string, string> = {};
  for (const [key, value] of params) record[key] = value;
  return Object.keys(record).length > 0 ? record : null;
}

function multiValue(record: Record<string, string> | null): Record<string, string[]> | null {
  return record ? Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [v]])) : null;
}

export function restTokenEvent(api: ApiIdentity, request: IncomingRequest, token: string): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: token, methodArn: methodArn(api, request.method, request.path) };
}

export function restRequestEvent(
  api: ApiIdentity,
  request: IncomingRequest,
  resource: string,
  pathParameters: Record<string, string>,
): APIGatewayRequestAuthorizerEvent {
  const query = queryRecord(request.rawQuery);
  return {
    type: 'REQUEST',
    methodArn: methodArn(api, request.method, request.path),
    resource,
    path: request.path,
    httpMethod: request.method,
    headers: { ...request.headers },
    multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]])),
    pathParameters,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiValue(query),
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
      identity: localIdentity(request),
    },
  };
}

export function httpRequestEvent(
  api: ApiIdentity,
  request: IncomingRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  identitySource: string[],
): APIGatewayRequestAuthorizerEventV2 {
  const now = Date.now();
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const query = queryRecord(request.rawQuery);
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

export function webSocketConnectEvent(api: ApiIdentity, request: IncomingRequest, connectionId: string): APIGatewayRequestAuthorizerEvent {
  const query = queryRecord(request.rawQuery);
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${api.apiId}/${api.stage}/$connect`,
    // Required by the REST event type aws-lambda uses for $connect too; the runtime reads only the route key.
    resource: '$connect',
    path: '/',
    httpMethod: 'GET',
    pathParameters: null,
    headers: { ...request.headers },
    multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: multiValue(query),
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
      identity: localIdentity(request),
      requestId: randomUUID(),
      domainName: 'localhost',
      connectionId,
      apiId: api.apiId,
    },
  };
}

function localIdentity(request: IncomingRequest) {
  return {
    sourceIp: request.sourceIp,
    userAgent: request.headers['user-agent'] ?? request.headers['User-Agent'] ?? null,
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
