// A value the decision reads that arrives more than once is a Deny (401 for the token) with reason `ambiguous-input`,
// for every API type, with the event shapes API Gateway sends; one copy of each still decides as before.
//
// How API Gateway hands repeats over, which these events follow:
// - REST and WebSocket REQUEST authorizers get `headers` / `queryStringParameters` (one value per name, the last copy)
//   and `multiValueHeaders` / `multiValueQueryStringParameters` (every copy): "Input to an API Gateway Lambda
//   authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
// - Payload 2.0 has no multi-value maps: "Duplicate headers are combined with commas", and so are duplicate query
//   strings ("Payload format differences" in "Create AWS Lambda proxy integrations for HTTP APIs in API Gateway",
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
import { randomUUID } from 'node:crypto';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import type { ModeConfig, RouteConfig } from '../../runtime/config.js';
import {
  httpAuthorizer,
  MemoryTelemetry,
  restRequestAuthorizer,
  restTokenAuthorizer,
  UNAUTHORIZED,
  webSocketAuthorizer,
  type RuntimeDependencies,
} from '../../runtime/index.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: M2M, POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');

const ACCOUNT_ID = '123456789012';
const API_ID = 'api-id';
const DOMAIN = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;
const ARN_PREFIX = `arn:aws:execute-api:eu-west-1:${ACCOUNT_ID}:${API_ID}`;
const PAY_ARN = `${ARN_PREFIX}/prod/POST/accounts/acct-1/billing`;
const VIEW_ARN = `${ARN_PREFIX}/prod/GET/accounts/acct-1`;
const CONNECT_ARN = `${ARN_PREFIX}/prod/$connect`;

const ref = (type: string, id: string) => ({ __entity: { type, id } });
const TENANT = ref('Billing::Tenant', 'bank-a');
const ENTITIES: readonly EntityJson[] = [
  { uid: { type: 'Billing::Customer', id: 'cust-1' }, attrs: { tenant: TENANT, country: 'FR' }, parents: [] },
  { uid: { type: 'Billing::Customer', id: 'cust-2' }, attrs: { tenant: TENANT, country: 'DE' }, parents: [] },
  account('acct-1', 'cust-1'),
  account('acct-2', 'cust-2'),
];

function account(id: string, owner: string): EntityJson {
  return {
    uid: { type: 'Billing::Account', id },
    attrs: { owner: ref('Billing::Customer', owner), tenant: TENANT, currency: 'EUR', frozen: false },
    parents: [{ type: 'Billing::Customer', id: owner }],
  };
}

let issuer: LocalIssuer;
let dynamo: LocalDynamo;

beforeAll(async () => {
  [issuer, dynamo] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo()]);
  await createTables(dynamo.client, [{ name: 'billing-entities', keyAttribute: 'uid' }]);
  await putEntities(dynamo.client, 'billing-entities', ENTITIES);
});

afterAll(async () => {
  await Promise.all([issuer.close(), dynamo.close()]);
});

function dependencies(telemetry: MemoryTelemetry): RuntimeDependencies {
  return { jwksFetcher: issuer.fetcher, telemetry, dynamoDb: dynamo.client, env: {} };
}

function customerToken(customer = 'cust-1'): string {
  return issuer.mint(
    CUSTOMER,
    issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { customer, email: 'a@example.com' } }),
  );
}

function serviceToken(): string {
  return issuer.mint(M2M, issuer.claimsFor(M2M, { id: 'ledgerservice01', attributes: { scopes: ['billing/events.read'] } }));
}

/** The decision line says why: the reason the context carries and the error kind the log line carries. */
function expectAmbiguousLine(telemetry: MemoryTelemetry, result: 'deny' | 'unauthorized'): void {
  expect(telemetry.records.map((record) => [record.result, record.errorKind])).toEqual([[result, 'ambiguous-input']]);
}

async function refusal(answer: Promise<unknown>): Promise<unknown> {
  try {
    await answer;
  } catch (error) {
    return error;
  }
  throw new Error('the handler answered instead of refusing');
}

const requestContext = (method: string, path: string, resource: string) => ({
  accountId: ACCOUNT_ID,
  apiId: API_ID,
  authorizer: undefined,
  domainName: DOMAIN,
  domainPrefix: API_ID,
  extendedRequestId: randomUUID(),
  httpMethod: method,
  identity: {
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
  },
  path: `/prod${path}`,
  protocol: 'HTTP/1.1',
  requestId: randomUUID(),
  requestTime: '09/Apr/2026:12:34:56 +0000',
  requestTimeEpoch: Date.now(),
  resourceId: 'res123',
  resourcePath: resource,
  stage: 'prod',
});

/**
 * A REST REQUEST event for `POST /accounts/acct-1/billing` from the client's header lines, in order. API Gateway keeps
 * each name as the client spelled it; `headers` holds the last copy of a name, `multiValueHeaders` every copy.
 */
function restPayEvent(lines: readonly (readonly [string, string])[]): APIGatewayRequestAuthorizerEvent {
  const headers: Record<string, string> = { Host: DOMAIN };
  const multiValueHeaders: Record<string, string[]> = { Host: [DOMAIN] };
  for (const [name, value] of lines) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return {
    type: 'REQUEST',
    methodArn: PAY_ARN,
    resource: '/accounts/{accountId}/billing',
    path: '/accounts/acct-1/billing',
    httpMethod: 'POST',
    headers,
    multiValueHeaders,
    pathParameters: { accountId: 'acct-1' },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: requestContext('POST', '/accounts/acct-1/billing', '/accounts/{accountId}/billing'),
  };
}

/**
 * A payload 2.0 event. Header names are lower case, and a repeated header or query value reaches the authorizer as
 * one comma-joined string, exactly as these tests pass it.
 */
function httpEvent(
  request: { method: string; path: string; resource: string; pathParameters: Record<string, string> },
  headers: Record<string, string>,
  query?: Record<string, string>,
): APIGatewayRequestAuthorizerEventV2 {
  const routeKey = `${request.method} ${request.resource}`;
  const rawQueryString = query ? new URLSearchParams(query).toString() : '';
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `${ARN_PREFIX}/$default/${request.method}${request.path}`,
    identitySource: headers.authorization !== undefined ? [headers.authorization] : [],
    routeKey,
    rawPath: request.path,
    rawQueryString,
    cookies: [],
    headers: { host: DOMAIN, 'user-agent': 'billing-web/1.0', ...headers },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'billing-web/1.0' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: Date.now(),
    },
    pathParameters: request.pathParameters,
    stageVariables: {},
  };
}

const PAY = {
  method: 'POST',
  path: '/accounts/acct-1/billing',
  resource: '/accounts/{accountId}/billing',
  pathParameters: { accountId: 'acct-1' },
};

/** A WebSocket `$connect` REQUEST event from the client's header lines and query pairs, in order. */
function connectEvent(
  headerLines: readonly (readonly [string, string])[],
  queryPairs: readonly (readonly [string, string])[],
): APIGatewayRequestAuthorizerEvent {
  const headers: Record<string, string> = { Host: DOMAIN, 'Sec-WebSocket-Version': '13' };
  const multiValueHeaders: Record<string, string[]> = { Host: [DOMAIN], 'Sec-WebSocket-Version': ['13'] };
  for (const [name, value] of headerLines) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of queryPairs) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = queryPairs.length > 0;
  const event = {
    type: 'REQUEST',
    methodArn: CONNECT_ARN,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    stageVariables: {},
    requestContext: {
      routeKey: '$connect',
      eventType: 'CONNECT',
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

function effectOf(result: APIGatewayAuthorizerResult): string | undefined {
  return result.policyDocument.Statement[0]?.Effect;
}

// ------------------------------------------------------------------ REST v1 REQUEST

describe('REST REQUEST authorizer: a repeated value is ambiguous-input', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    return {
      handler: restRequestAuthorizer({ mode: CUSTOMER, bundle: CUSTOMER_BUNDLE, dependencies: dependencies(telemetry) }),
      telemetry,
    };
  }

  it('still allows a payment whose amount and currency headers each arrive once', async () => {
    const { handler } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const result = await handler(event);

    expect(effectOf(result)).toBe('Allow');
    expect(result.context).toMatchObject({ decision: 'allow' });
  });

  it('denies an amount header sent twice (multiValueHeaders has two copies, headers only the last)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '5000000'],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);
    expect(event.headers?.['X-Payment-Amount']).toBe('100');

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('denies an amount header sent in two casings (X-Payment-Amount and x-payment-amount)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '5000000'],
      ['x-payment-amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('answers 401 when the Authorization header arrives twice', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken('cust-2')}`],
      ['Authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  it('answers 401 when the token header arrives in two casings (Authorization and authorization)', async () => {
    const { handler, telemetry } = build();
    const event = restPayEvent([
      ['Authorization', `Bearer ${customerToken('cust-2')}`],
      ['authorization', `Bearer ${customerToken()}`],
      ['X-Payment-Amount', '100'],
      ['X-Payment-Currency', 'EUR'],
    ]);

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });
});

// ------------------------------------------------------------------ REST v1 TOKEN

describe('REST TOKEN authorizer: nothing can arrive twice', () => {
  // A TOKEN event is `{ type, authorizationToken, methodArn }`: one string from the token source, no headers, no query.
  // There is no second copy to refuse, so the ambiguity rule has nothing to do here; this shows the answer is unchanged.
  const UNCACHED: ModeConfig = { ...CUSTOMER, api: { ...CUSTOMER.api, authorizer: 'token' }, cache: { ...CUSTOMER.cache, ttlSeconds: 0 } };

  it('still allows with the one token the event carries', async () => {
    const handler = restTokenAuthorizer({ mode: UNCACHED, bundle: CUSTOMER_BUNDLE, dependencies: dependencies(new MemoryTelemetry()) });
    const event: APIGatewayTokenAuthorizerEvent = { type: 'TOKEN', methodArn: VIEW_ARN, authorizationToken: `Bearer ${customerToken()}` };

    const result = await handler(event);

    expect(effectOf(result)).toBe('Allow');
  });
});

// ------------------------------------------------------------------ HTTP API payload 2.0

describe('HTTP API authorizer, payload 2.0: a comma in a scalar value is ambiguous-input', () => {
  function build(mode: ModeConfig = CUSTOMER) {
    const telemetry = new MemoryTelemetry();
    return { handler: httpAuthorizer({ mode, bundle: CUSTOMER_BUNDLE, dependencies: dependencies(telemetry) }), telemetry };
  }

  it('still allows a payment whose headers each arrive once', async () => {
    const { handler } = build();
    const event = httpEvent(PAY, { authorization: `Bearer ${customerToken()}`, 'x-payment-amount': '100', 'x-payment-currency': 'EUR' });

    const result = await handler(event);

    expect(result).toMatchObject({ isAuthorized: true, context: { decision: 'allow' } });
  });

  it('denies an amount (Long) that API Gateway joined from two copies: "5000000,100"', async () => {
    const { handler, telemetry } = build();
    const event = httpEvent(PAY, {
      authorization: `Bearer ${customerToken()}`,
      'x-payment-amount': '5000000,100',
      'x-payment-currency': 'EUR',
    });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('denies a currency (String) with a comma in it, since a single comma-joined text cannot be told from two copies', async () => {
    const { handler, telemetry } = build();
    const event = httpEvent(PAY, {
      authorization: `Bearer ${customerToken()}`,
      'x-payment-amount': '100',
      'x-payment-currency': 'EUR,USD',
    });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('refuses two joined tokens in authorization as it refuses a missing one (isAuthorized false, logged unauthorized)', async () => {
    const { handler, telemetry } = build();
    const authorization = `Bearer ${customerToken('cust-2')},Bearer ${customerToken()}`;
    const event = httpEvent(PAY, { authorization, 'x-payment-amount': '100', 'x-payment-currency': 'EUR' });

    const result = await handler(event);

    expect(result).toEqual({ isAuthorized: false, context: { decision: 'unauthorized', reason: 'ambiguous-input' } });
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  describe('a resource id read from the query string', () => {
    // The customer mode reads its account from the path; this variant reads it from `?accountId=` to show the query rule.
    const FROM_QUERY: ModeConfig = {
      ...CUSTOMER,
      routes: CUSTOMER.routes.map(
        (route): RouteConfig =>
          route.key === 'GET /accounts/{accountId}'
            ? { ...route, resource: { type: route.resource.type, queryParameter: 'accountId' } }
            : route,
      ),
    };
    const VIEW = { method: 'GET', path: '/accounts/acct-1', resource: '/accounts/{accountId}', pathParameters: { accountId: 'acct-1' } };

    it('still allows the one account id the query carries', async () => {
      const { handler } = build(FROM_QUERY);

      const result = await handler(httpEvent(VIEW, { authorization: `Bearer ${customerToken()}` }, { accountId: 'acct-1' }));

      expect(result).toMatchObject({ isAuthorized: true, context: { decision: 'allow' } });
    });

    it('denies ?accountId=acct-2&accountId=acct-1, which payload 2.0 carries as "acct-2,acct-1"', async () => {
      const { handler, telemetry } = build(FROM_QUERY);

      const result = await handler(httpEvent(VIEW, { authorization: `Bearer ${customerToken()}` }, { accountId: 'acct-2,acct-1' }));

      expect(result).toEqual({ isAuthorized: false, context: { decision: 'deny', reason: 'ambiguous-input' } });
      expectAmbiguousLine(telemetry, 'deny');
    });
  });
});

// ------------------------------------------------------------------ WebSocket $connect

describe('WebSocket $connect authorizer: a repeated value is ambiguous-input', () => {
  function build() {
    const telemetry = new MemoryTelemetry();
    return { handler: webSocketAuthorizer({ mode: M2M, bundle: M2M_BUNDLE, dependencies: dependencies(telemetry) }), telemetry };
  }

  it('still allows one token and one account id', async () => {
    const { handler } = build();

    const result = await handler(connectEvent([['Authorization', `Bearer ${serviceToken()}`]], [['accountId', 'acct-1']]));

    expect(effectOf(result)).toBe('Allow');
  });

  it('denies ?accountId=acct-2&accountId=acct-1 (two copies in multiValueQueryStringParameters)', async () => {
    const { handler, telemetry } = build();
    const event = connectEvent(
      [['Authorization', `Bearer ${serviceToken()}`]],
      [
        ['accountId', 'acct-2'],
        ['accountId', 'acct-1'],
      ],
    );

    const result = await handler(event);

    expect(effectOf(result)).toBe('Deny');
    expect(result.context).toEqual({ decision: 'deny', reason: 'ambiguous-input' });
    expectAmbiguousLine(telemetry, 'deny');
  });

  it('answers 401 when the token header arrives in two casings', async () => {
    const { handler, telemetry } = build();
    const token = `Bearer ${serviceToken()}`;
    const event = connectEvent(
      [
        ['Authorization', token],
        ['authorization', token],
      ],
      [['accountId', 'acct-1']],
    );

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });

  it('answers 401 when the access_token query parameter arrives twice', async () => {
    const { handler, telemetry } = build();
    const token = serviceToken();
    const event = connectEvent(
      [],
      [
        ['accountId', 'acct-1'],
        ['access_token', token],
        ['access_token', token],
      ],
    );

    const error = await refusal(handler(event));

    expect((error as Error).message).toBe(UNAUTHORIZED);
    expectAmbiguousLine(telemetry, 'unauthorized');
  });
});
