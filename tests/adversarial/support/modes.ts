// The four generated modes as API Gateway drives them: each one's real handler factory, the event its API type sends, and its exact
// answers.
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { expect } from 'vitest';
import {
  httpRequestEvent,
  methodArn,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type IncomingRequest,
} from '../../../local/gateway/authorizer-events.js';
import type { ModeConfig, PolicyBundle } from '../../../runtime/config.js';
import {
  httpAuthorizer,
  restRequestAuthorizer,
  restTokenAuthorizer,
  UNAUTHORIZED,
  webSocketAuthorizer,
  type AuthorizerContext,
  type Telemetry,
} from '../../../runtime/index.js';
import { RouteTable } from '../../../runtime/routes/route-table.js';
import type { World } from './world.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL, POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
const { MODE_CONFIG: M2M, POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');
const { MODE_CONFIG: MULTI_TENANT, POLICY_BUNDLE: MULTI_TENANT_BUNDLE } = fixtureMode('billing', 'multi-tenant');

export const MODE_NAMES = ['customer', 'internal', 'm2m', 'multi-tenant'] as const;
export type ModeName = (typeof MODE_NAMES)[number];

/** A request as a client sends it; WebSocket $connect only reads `query` and `headers`. */
export interface Target {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (event: unknown) => Promise<unknown>;

export interface ModeUnderTest {
  readonly name: ModeName;
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  /** A fresh handler, as the generated file builds it, on the world's loopback services; `mode` overrides the generated one. */
  handler(world: World, telemetry: Telemetry, mode?: ModeConfig): Handler;
  /** The event API Gateway sends for `target`, `authorization` being the raw Authorization header value. */
  event(target: Target, authorization: string | undefined): unknown;
  /** The resource an IAM policy answer names (REST and WebSocket). */
  methodArn(target: Target): string;
}

const REST_API: ApiIdentity = { apiId: 'api-id', stage: 'prod' };
const HTTP_API: ApiIdentity = { apiId: 'api-id', stage: '$default' };

function incoming(target: Target, authorization: string | undefined): IncomingRequest {
  return {
    method: target.method,
    path: target.path,
    rawQuery: new URLSearchParams(target.query ?? {}).toString(),
    headers: {
      Host: 'api-id.execute-api.eu-west-1.amazonaws.com',
      ...target.headers,
      ...(authorization !== undefined ? { Authorization: authorization } : {}),
    },
    sourceIp: '198.51.100.7',
  };
}

/** The API resource (`/accounts/{accountId}`) and path parameters API Gateway would match, or the raw path when none does. */
function matched(mode: ModeConfig, target: Target): { resource: string; pathParameters: Record<string, string> } {
  const match = new RouteTable(mode.routes).match(target.method, target.path);
  return match
    ? { resource: match.route.path, pathParameters: { ...match.pathParameters } }
    : { resource: target.path, pathParameters: {} };
}

function restMode(name: ModeName, mode: ModeConfig, bundle: PolicyBundle): ModeUnderTest {
  return {
    name,
    mode,
    bundle,
    handler: (world, telemetry, override = mode) =>
      restRequestAuthorizer({ mode: override, bundle, dependencies: world.dependencies(telemetry) }) as Handler,
    event(target, authorization) {
      const { resource, pathParameters } = matched(mode, target);
      return restRequestEvent(REST_API, incoming(target, authorization), resource, pathParameters);
    },
    methodArn: (target) => methodArn(REST_API, target.method, target.path),
  };
}

export const CUSTOMER_MODE: ModeUnderTest = restMode('customer', CUSTOMER, CUSTOMER_BUNDLE);
export const INTERNAL_MODE: ModeUnderTest = restMode('internal', INTERNAL, INTERNAL_BUNDLE);

export const M2M_MODE: ModeUnderTest = {
  name: 'm2m',
  mode: M2M,
  bundle: M2M_BUNDLE,
  handler: (world, telemetry, override = M2M) =>
    webSocketAuthorizer({ mode: override, bundle: M2M_BUNDLE, dependencies: world.dependencies(telemetry) }) as Handler,
  event: (target, authorization) => webSocketConnectEvent(REST_API, incoming(target, authorization), 'Abc123='),
  methodArn: () => `arn:aws:execute-api:eu-west-1:123456789012:${REST_API.apiId}/${REST_API.stage}/$connect`,
};

export const MULTI_TENANT_MODE: ModeUnderTest = {
  name: 'multi-tenant',
  mode: MULTI_TENANT,
  bundle: MULTI_TENANT_BUNDLE,
  handler: (world, telemetry, override = MULTI_TENANT) =>
    httpAuthorizer({ mode: override, bundle: MULTI_TENANT_BUNDLE, dependencies: world.dependencies(telemetry) }) as Handler,
  event(target, authorization) {
    const { resource, pathParameters } = matched(MULTI_TENANT, target);
    return httpRequestEvent(
      HTTP_API,
      incoming(target, authorization),
      `${target.method} ${resource}`,
      pathParameters,
      authorization !== undefined ? [authorization] : [],
    );
  },
  methodArn: (target) => methodArn(HTTP_API, target.method, target.path),
};

export const MODES: Readonly<Record<ModeName, ModeUnderTest>> = {
  customer: CUSTOMER_MODE,
  internal: INTERNAL_MODE,
  m2m: M2M_MODE,
  'multi-tenant': MULTI_TENANT_MODE,
};

/** The customer mode behind a REST TOKEN authorizer, uncached: the only way validation lets it take resource ids. */
export const CUSTOMER_TOKEN_MODE: ModeConfig = {
  ...CUSTOMER,
  api: { ...CUSTOMER.api, authorizer: 'token' },
  cache: { ...CUSTOMER.cache, ttlSeconds: 0 },
};

export function customerTokenHandler(world: World, telemetry: Telemetry): Handler {
  return restTokenAuthorizer({
    mode: CUSTOMER_TOKEN_MODE,
    bundle: CUSTOMER_BUNDLE,
    dependencies: world.dependencies(telemetry),
  }) as Handler;
}

export function customerTokenEvent(target: Target, authorization: string): unknown {
  return restTokenEvent(REST_API, incoming(target, undefined), authorization);
}

// ------------------------------------------------------------------ exact answers

/** The context of a decision the policies made. */
export interface PolicyContext {
  readonly principalId: string;
  readonly principalType: string;
  readonly tenantId?: string;
  readonly roles: readonly string[];
  readonly determiningPolicies: readonly string[];
}

export type Expected =
  | { readonly outcome: 'unauthorized' }
  | { readonly outcome: 'allow' | 'deny'; readonly by: PolicyContext }
  /** A Deny before any policy ran: the error kind is the context's `reason`. */
  | { readonly outcome: 'deny'; readonly reason: string };

export const unauthorized: Expected = { outcome: 'unauthorized' };
export const allow = (by: PolicyContext): Expected => ({ outcome: 'allow', by });
export const deny = (by: PolicyContext): Expected => ({ outcome: 'deny', by });
export const denyFor = (reason: string): Expected => ({ outcome: 'deny', reason });

/**
 * REST and WebSocket: 401 is the handler throwing exactly `Unauthorized`; a decision is an IAM policy on exactly the
 * methodArn. HTTP API: 401 is `isAuthorized: false` with reason `token`; a decision is a simple response.
 */
export async function expectAnswer(m: ModeUnderTest, target: Target, answer: Promise<unknown>, expected: Expected): Promise<void> {
  if (expected.outcome === 'unauthorized') {
    if (m.mode.api.type === 'http') {
      expect(await answer).toEqual({ isAuthorized: false, context: { decision: 'unauthorized', reason: 'token' } });
      return;
    }
    const settled = await answer.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect(settled).not.toHaveProperty('value');
    const { error } = settled as { error: unknown };
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(UNAUTHORIZED);
    return;
  }
  const context: AuthorizerContext =
    'by' in expected
      ? {
          principalId: expected.by.principalId,
          principalType: expected.by.principalType,
          ...(expected.by.tenantId !== undefined ? { tenantId: expected.by.tenantId } : {}),
          roles: JSON.stringify(expected.by.roles),
          decision: expected.outcome,
          determiningPolicies: JSON.stringify(expected.by.determiningPolicies),
        }
      : { decision: 'deny', reason: expected.reason };
  if (m.mode.api.type === 'http') {
    expect(await answer).toEqual({ isAuthorized: expected.outcome === 'allow', context });
    return;
  }
  const policy: APIGatewayAuthorizerResult = {
    principalId: 'by' in expected ? expected.by.principalId : 'anonymous',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: expected.outcome === 'allow' ? 'Allow' : 'Deny', Resource: [m.methodArn(target)] },
      ],
    },
    context,
  };
  expect(await answer).toEqual(policy);
}
