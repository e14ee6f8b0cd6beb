// The context every handler returns reaches the backend unambiguously: lists JSON-encoded, every value a scalar.
//
// API Gateway takes only strings, numbers and booleans as context values: "Output from an API Gateway Lambda
// authorizer", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
// ("you cannot set a JSON object or array as a valid value of any key in the context map"); a value that breaks this
// turns the request into a 500. HTTP APIs read the same map as `$context.authorizer.lambda.<key>`: "Control access to
// HTTP APIs with AWS Lambda authorizers", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { APIGatewayRequestAuthorizerEvent, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectRoute, ModeConfig } from '../../../runtime/config.js';
import { httpAuthorizer, restRequestAuthorizer, restTokenAuthorizer, webSocketAuthorizer } from '../../../runtime/index.js';
import {
  account,
  ARN_PREFIX,
  connectEvent as webSocketConnectEvent,
  customer,
  CUSTOMER,
  CUSTOMER_BUNDLE as BUNDLE,
  fixedRoute,
  httpEvent as payload2Event,
  M2M,
  restRequestEvent,
  startHandlerWorld,
  viewAccount,
  type HandlerWorld,
} from '../support/handler-events.js';

/** The customer mode behind a WebSocket API: `$connect` asks ViewAccount on acct-1, so the groups decide as on REST. */
const CONNECT: ConnectRoute = {
  kind: 'connect',
  key: '$connect',
  routeKey: '$connect',
  action: 'ViewAccount',
  resource: { type: 'Billing::Account', id: 'acct-1' },
  context: [],
};
const WEBSOCKET: ModeConfig = { ...CUSTOMER, api: M2M.api, routes: [CONNECT] };
/** A TOKEN authorizer whose answer is cached on the token: the context also lists the routes the token may call. */
const TOKEN_CACHED: ModeConfig = {
  ...CUSTOMER,
  api: { ...CUSTOMER.api, authorizer: 'token' },
  cache: { ...CUSTOMER.cache, ttlSeconds: 300 },
  routes: [fixedRoute('GET', '/house-account', 'ViewAccount', 'acct-1')],
};

const GROUPS = ['payer', 'support,admin'] as const;
const ENTITIES: readonly EntityJson[] = [customer('cust-1', { inBank: false }), account('acct-1', 'cust-1')];

let world: HandlerWorld;

beforeAll(async () => {
  world = await startHandlerWorld(ENTITIES);
});

afterAll(async () => {
  await world?.close();
});

const options = (mode: ModeConfig) => ({ mode, bundle: BUNDLE, dependencies: world.dependencies() });

const token = (groups: readonly string[] = GROUPS) => world.customerToken({ groups });

/** GET /accounts/{accountId} with this Authorization header (or none): `path` may name another account. */
function restEvent(authorization: string | undefined, path = '/accounts/acct-1'): APIGatewayRequestAuthorizerEvent {
  const route = { ...viewAccount(path.split('/')[2] ?? ''), path };
  return restRequestEvent(route, { headers: authorization !== undefined ? { Authorization: authorization } : {} });
}

function httpEvent(authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 {
  return payload2Event(viewAccount('acct-1'), { headers: authorization !== undefined ? { authorization } : {} });
}

function connectEvent(authorization: string | undefined): APIGatewayRequestAuthorizerEvent {
  return webSocketConnectEvent({ headers: authorization !== undefined ? [['Authorization', authorization]] : [] });
}

/** What a backend does with a list value: parse it. Never a split on commas. */
function listOf(context: Readonly<Record<string, unknown>> | undefined | null, key: string): unknown {
  const value = context?.[key];
  return typeof value === 'string' ? JSON.parse(value) : value;
}

describe('a group containing a comma', () => {
  it('round-trips through a REST REQUEST authorizer IAM policy context exactly', async () => {
    const answer = await restRequestAuthorizer(options(CUSTOMER))(restEvent(`Bearer ${token()}`));

    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(answer.context?.['roles']).toBe('["payer","support,admin"]');
    expect(listOf(answer.context, 'roles')).toEqual(GROUPS);
    expect(listOf(answer.context, 'determiningPolicies')).toEqual(['customer.read-own']);
  });

  it('round-trips through an HTTP API simple response context exactly', async () => {
    const answer = await httpAuthorizer(options({ ...CUSTOMER, api: { ...CUSTOMER.api, type: 'http' } }))(httpEvent(`Bearer ${token()}`));

    expect(answer.isAuthorized).toBe(true);
    expect(answer.context?.['roles']).toBe('["payer","support,admin"]');
    expect(listOf(answer.context, 'roles')).toEqual(GROUPS);
  });

  it('round-trips through a WebSocket $connect authorizer IAM policy context exactly', async () => {
    const answer = await webSocketAuthorizer(options(WEBSOCKET))(connectEvent(`Bearer ${token()}`));

    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(answer.context?.['roles']).toBe('["payer","support,admin"]');
    expect(listOf(answer.context, 'roles')).toEqual(GROUPS);
  });

  it('stays apart from two groups that a comma join would make the same', async () => {
    const answer = await restRequestAuthorizer(options(CUSTOMER))(restEvent(`Bearer ${token(['payer,support', 'admin'])}`));

    // Groups are sorted, so the list is stable across tokens that name the same groups in another order.
    expect(listOf(answer.context, 'roles')).toEqual(['admin', 'payer,support']);
    expect(answer.context?.['roles']).not.toBe('["payer","support,admin"]');
  });

  it('round-trips through a cached TOKEN authorizer context, with the allowed routes JSON-encoded too', async () => {
    const answer = await restTokenAuthorizer(options(TOKEN_CACHED))({
      type: 'TOKEN',
      methodArn: `${ARN_PREFIX}/prod/GET/house-account`,
      authorizationToken: `Bearer ${token()}`,
    });

    expect(listOf(answer.context, 'roles')).toEqual(GROUPS);
    expect(listOf(answer.context, 'allowedRoutes')).toEqual(['GET /house-account']);
    expect(listOf(answer.context, 'determiningPolicies')).toEqual([]);
  });
});

describe('every context value', () => {
  const scalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);

  /** Allow, policy Deny, method-arn Deny, 401 as a simple response, and error Denies, on every API type. */
  const answers = async (): Promise<[string, Record<string, unknown> | null | undefined][]> => {
    const rest = restRequestAuthorizer(options(CUSTOMER));
    const http = httpAuthorizer(options({ ...CUSTOMER, api: { ...CUSTOMER.api, type: 'http' } }));
    const ws = webSocketAuthorizer(options(WEBSOCKET));
    const cached = restTokenAuthorizer(options(TOKEN_CACHED));
    return [
      ['REST allow', (await rest(restEvent(`Bearer ${token()}`))).context],
      ['REST policy deny', (await rest(restEvent(`Bearer ${token([])}`))).context],
      ['REST no route', (await rest(restEvent(`Bearer ${token()}`, '/nowhere/x'))).context],
      ['REST wildcard ARN', (await rest(restEvent(`Bearer ${token()}`, '/accounts/*'))).context],
      ['HTTP allow', (await http(httpEvent(`Bearer ${token()}`))).context],
      ['HTTP no token', (await http(httpEvent(undefined))).context],
      ['HTTP bad token', (await http(httpEvent('Bearer not.a.jwt'))).context],
      ['WebSocket allow', (await ws(connectEvent(`Bearer ${token()}`))).context],
      ['WebSocket deny', (await ws(connectEvent(`Bearer ${token([])}`))).context],
      [
        'TOKEN cached',
        (await cached({ type: 'TOKEN', methodArn: `${ARN_PREFIX}/prod/GET/house-account`, authorizationToken: `Bearer ${token()}` }))
          .context,
      ],
    ];
  };

  it('is a string, number or boolean for every key of every answer, never an object, array, null or undefined', async () => {
    const seen = await answers();

    const offending = seen.flatMap(([name, context]) =>
      Object.entries(context ?? {}).flatMap(([key, value]) => (scalar(value) ? [] : [`${name}: ${key} = ${JSON.stringify(value)}`])),
    );
    expect(offending).toEqual([]);
    // Every answer carried a context, so the check above looked at something.
    expect(seen.filter(([, context]) => context === undefined || context === null || Object.keys(context).length === 0)).toEqual([]);
  });
});
