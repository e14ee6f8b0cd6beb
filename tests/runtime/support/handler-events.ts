// What the handler tests share: a world of real dependencies for the billing fixture's handlers (the local issuer's
// JWKS, entities in dynalite), tokens signed with the issuer's keys, and the REST, HTTP API and WebSocket authorizer
// events API Gateway sends. The event-boundary fuzzer keeps its own builders (support/fuzz-gateway.ts) on purpose: its
// oracle stays independent of the code it checks.
//
// Event shapes follow "Input to an API Gateway Lambda authorizer"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html): a REST or
// WebSocket REQUEST event has `headers` (the last copy of each name, spelled as the client sent it) and
// `multiValueHeaders` (every copy), the same for the query string; an HTTP API payload 2.0 event has lower-case header
// names, and API Gateway joins repeated headers and query values with commas ("Payload format differences",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
import { randomUUID } from 'node:crypto';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../../local/issuer/token-issuer.js';
import type { HttpRoute } from '../../../runtime/config.js';
import { MemoryTelemetry, type RuntimeDependencies, type Telemetry } from '../../../runtime/index.js';
import { fixtureMode } from '../../support/fixture-domain.js';

export const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
export const { MODE_CONFIG: M2M, POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');

export const ACCOUNT_ID = '123456789012';
export const API_ID = 'api-id';
export const DOMAIN = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;
export const ARN_PREFIX = `arn:aws:execute-api:eu-west-1:${ACCOUNT_ID}:${API_ID}`;
const ENTITY_TABLE = 'billing-entities';

// ------------------------------------------------------------------ entities

export const ref = (type: string, id: string) => ({ __entity: { type, id } });
/** The single-tenant bank every customer and account of these tests belongs to. */
export const BANK = ref('Billing::Tenant', 'bank-a');

export function customer(id: string, options: { country?: string; inBank?: boolean } = {}): EntityJson {
  return {
    uid: { type: 'Billing::Customer', id },
    attrs: { tenant: BANK, country: options.country ?? 'FR' },
    parents: options.inBank === false ? [] : [{ type: 'Billing::Tenant', id: 'bank-a' }],
  };
}

export function account(id: string, owner: string, options: { frozen?: boolean } = {}): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Billing::Customer', owner), tenant: BANK, currency: 'EUR', frozen: options.frozen ?? false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

/** A route whose resource is always the same account: the kind a token-keyed (TOKEN authorizer) cache may serve. */
export function fixedRoute(method: string, path: string, action: string, accountId: string): HttpRoute {
  return {
    kind: 'http',
    key: `${method} ${path}`,
    method,
    path,
    action,
    resource: { type: 'Billing::Account', id: accountId },
    context: [],
  };
}

// ------------------------------------------------------------------ the world: issuer, dynalite, tokens

export interface CustomerTokenOptions {
  readonly sub?: string;
  readonly customer?: string;
  readonly groups?: readonly string[];
  readonly expiresInSeconds?: number;
}

export interface HandlerWorld {
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  /** What the generated handler gets in production, pointed at the loopback issuer and dynalite. */
  dependencies(telemetry?: Telemetry): RuntimeDependencies;
  /** A customer-mode id token: user-1, a payer of cust-1, unless told otherwise. */
  customerToken(options?: CustomerTokenOptions): string;
  /** An m2m access token with these scopes. */
  serviceToken(scopes: readonly string[], clientId?: string): string;
  close(): Promise<void>;
}

/** The local issuer and dynalite with the billing entity table holding `entities`. */
export async function startHandlerWorld(entities: readonly EntityJson[]): Promise<HandlerWorld> {
  const [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  await createTables(dynamo.client, [{ name: ENTITY_TABLE, keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, ENTITY_TABLE, entities);
  return {
    issuer,
    dynamo,
    dependencies: (telemetry = new MemoryTelemetry()) => ({ jwksFetcher: issuer.fetcher, telemetry, dynamoDb: dynamo.client, env: {} }),
    customerToken(options = {}) {
      const claims = issuer.claimsFor(CUSTOMER, {
        id: options.sub ?? 'user-1',
        groups: [...(options.groups ?? ['payer'])],
        attributes: { customer: options.customer ?? 'cust-1', email: 'a@example.com' },
      });
      return issuer.mint(CUSTOMER, claims, options.expiresInSeconds !== undefined ? { expiresInSeconds: options.expiresInSeconds } : {});
    },
    serviceToken: (scopes, clientId = 'ledgerservice01') =>
      issuer.mint(M2M, issuer.claimsFor(M2M, { id: clientId, attributes: { scopes } })),
    close: async () => {
      await Promise.all([issuer.close(), dynamo.close()]);
    },
  };
}

/** The error a refused call rejects with; fails the test when the handler answered instead. */
export async function refusal(answer: Promise<unknown>): Promise<unknown> {
  try {
    await answer;
  } catch (error) {
    return error;
  }
  throw new Error('the handler answered instead of refusing');
}

// ------------------------------------------------------------------ REST (v1) events

/** The route API Gateway chose for a request: the request's method and concrete path, the template and its values. */
export interface RouteRequest {
  readonly method: string;
  /** The concrete path, `/accounts/acct-1`. */
  readonly path: string;
  /** The API resource (REST) or the path of the route key (HTTP API), `/accounts/{accountId}`. */
  readonly resource: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

export const viewAccount = (accountId: string): RouteRequest => ({
  method: 'GET',
  path: `/accounts/${accountId}`,
  resource: '/accounts/{accountId}',
  pathParameters: { accountId },
});

export const createPayment = (accountId: string): RouteRequest => ({
  method: 'POST',
  path: `/accounts/${accountId}/billing`,
  resource: '/accounts/{accountId}/billing',
  pathParameters: { accountId },
});

export const approvePayment = (paymentId: string): RouteRequest => ({
  method: 'POST',
  path: `/billing/${paymentId}/approve`,
  resource: '/billing/{paymentId}/approve',
  pathParameters: { paymentId },
});

/** The ARN of the request's own method and concrete path, also through an `ANY` method. */
export const methodArn = (route: RouteRequest, stage = 'prod') => `${ARN_PREFIX}/${stage}/${route.method}${route.path}`;

/** A header line or query pair as the client sent it, in arrival order. */
export type Line = readonly [string, string];

/** `headers` keeps the last copy of each name as spelled, `multiValueHeaders` every copy; the same for the query. */
function valueMaps(lines: readonly Line[]): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of lines) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return { single, multi };
}

const REST_IDENTITY = {
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
  sourceIp: '198.51.100.7',
  user: null,
  userAgent: 'billing-web/1.0',
  userArn: null,
};

function isLines(headers: Readonly<Record<string, string>> | readonly Line[]): headers is readonly Line[] {
  return Array.isArray(headers);
}

/**
 * A REST API REQUEST authorizer event for `route`. The client's header lines follow Host, User-Agent and
 * X-Forwarded-Proto: `token` adds `Authorization: Bearer <token>`; `headers` as a record sets one line per name
 * (replacing a default of the same name); as lines, every line is kept in order, repeats and case variants included.
 */
export function restRequestEvent(
  route: RouteRequest,
  options: { token?: string; headers?: Readonly<Record<string, string>> | readonly Line[] } = {},
): APIGatewayRequestAuthorizerEvent {
  const defaults: Record<string, string> = {
    Host: DOMAIN,
    'User-Agent': 'billing-web/1.0',
    'X-Forwarded-Proto': 'https',
    ...(options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {}),
  };
  const { headers = {} } = options;
  const lines: readonly Line[] = isLines(headers) ? [...Object.entries(defaults), ...headers] : Object.entries({ ...defaults, ...headers });
  const { single, multi } = valueMaps(lines);
  return {
    type: 'REQUEST',
    methodArn: methodArn(route),
    resource: route.resource,
    path: route.path,
    httpMethod: route.method,
    headers: single,
    multiValueHeaders: multi,
    pathParameters: { ...route.pathParameters },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      authorizer: undefined,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      extendedRequestId: randomUUID(),
      httpMethod: route.method,
      identity: REST_IDENTITY,
      path: `/prod${route.path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: '09/Apr/2026:12:34:56 +0000',
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: route.resource,
      stage: 'prod',
    },
  };
}

export function restTokenEvent(route: RouteRequest, token: string): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', methodArn: methodArn(route), authorizationToken: `Bearer ${token}` };
}

// ------------------------------------------------------------------ HTTP API (payload 2.0) events

export interface HttpEventOptions {
  /** Adds `authorization: Bearer <token>`. */
  readonly token?: string;
  /** Lower-case header names; a repeat is one comma-joined value, as API Gateway passes it. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query values by name; a repeat is one comma-joined value. */
  readonly query?: Readonly<Record<string, string>>;
  /** A named stage prefixes rawPath; `$default` (the default) adds nothing. */
  readonly stage?: string;
  /**
   * The Host the client called: a custom domain's name, say. Behind a custom domain, rawPath keeps the API mapping key
   * in front of the route's path ("Map API stages to a custom domain name for HTTP APIs",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html): give that rawPath too.
   */
  readonly domainName?: string;
  readonly rawPath?: string;
}

/** An HTTP API payload 2.0 REQUEST authorizer event for `route`, whose routeKey is `<method> <resource>`. */
export function httpEvent(route: RouteRequest, options: HttpEventOptions = {}): APIGatewayRequestAuthorizerEventV2 {
  const stage = options.stage ?? '$default';
  const rawPath = options.rawPath ?? (stage === '$default' ? route.path : `/${stage}${route.path}`);
  const domainName = options.domainName ?? DOMAIN;
  const headers: Record<string, string> = {
    host: domainName,
    'user-agent': 'billing-web/1.0',
    ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const routeKey = `${route.method} ${route.resource}`;
  const { query } = options;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: methodArn(route, stage),
    identitySource: headers['authorization'] !== undefined ? [headers['authorization']] : [],
    routeKey,
    rawPath,
    rawQueryString: query ? new URLSearchParams({ ...query }).toString() : '',
    cookies: [],
    headers,
    ...(query ? { queryStringParameters: { ...query } } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? '',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'billing-web/1.0' },
      requestId: randomUUID(),
      routeKey,
      stage,
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: { ...route.pathParameters },
    stageVariables: {},
  };
}

// ------------------------------------------------------------------ WebSocket events

/** What API Gateway sends a WebSocket REQUEST authorizer: no resource, path or httpMethod, and a slim requestContext. */
interface WebSocketAuthorizerEvent {
  readonly type: 'REQUEST';
  readonly methodArn: string;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly queryStringParameters: Record<string, string> | null;
  readonly multiValueQueryStringParameters: Record<string, string[]> | null;
  readonly stageVariables: Record<string, string>;
  readonly requestContext: {
    readonly routeKey: string;
    readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    readonly extendedRequestId: string;
    readonly requestTime: string;
    readonly messageDirection: 'IN';
    readonly stage: string;
    readonly connectedAt: number;
    readonly requestTimeEpoch: number;
    readonly identity: { readonly sourceIp: string; readonly userAgent: string };
    readonly requestId: string;
    readonly domainName: string;
    readonly connectionId: string;
    readonly apiId: string;
  };
}

/**
 * A WebSocket REQUEST authorizer event (`$connect` unless another route key is named) from the client's header lines,
 * which follow Host and the WebSocket handshake headers, and its query pairs, all in arrival order.
 */
export function connectEvent(
  options: { headers?: readonly Line[]; query?: readonly Line[]; routeKey?: string } = {},
): APIGatewayRequestAuthorizerEvent {
  const routeKey = options.routeKey ?? '$connect';
  const headers = valueMaps([
    ['Host', DOMAIN],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
    ...(options.headers ?? []),
  ]);
  const queryLines = options.query ?? [];
  const query = valueMaps(queryLines);
  const event: WebSocketAuthorizerEvent = {
    type: 'REQUEST',
    methodArn: `${ARN_PREFIX}/prod/${routeKey}`,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: queryLines.length > 0 ? query.single : null,
    multiValueQueryStringParameters: queryLines.length > 0 ? query.multi : null,
    stageVariables: {},
    requestContext: {
      routeKey,
      eventType: routeKey === '$connect' ? 'CONNECT' : 'MESSAGE',
      extendedRequestId: randomUUID(),
      requestTime: '09/Apr/2026:12:34:56 +0000',
      messageDirection: 'IN',
      stage: 'prod',
      connectedAt: Date.now(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '198.51.100.7', userAgent: 'ledger/2.3' },
      requestId: randomUUID(),
      domainName: DOMAIN,
      connectionId: 'Abc123=',
      apiId: API_ID,
    },
  };
  // The aws-lambda type describes REST events; a WebSocket event is the same shape minus the REST-only fields.
  return event as unknown as APIGatewayRequestAuthorizerEvent;
}
