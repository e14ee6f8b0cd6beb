// The local gateway's control plane answers the real SDK's authorizer-cache operations as API Gateway does.
//
// AWS documentation followed:
// - "FlushStageAuthorizersCache", Amazon API Gateway REST API reference (operation
//   `DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers`, "Flushes all authorizer cache entries on a
//   stage"; errors include NotFoundException): https://docs.aws.amazon.com/apigateway/latest/api/API_FlushStageAuthorizersCache.html
// - "AuthorizersCache", Amazon API Gateway V2 API reference (`DELETE /v2/apis/{apiId}/stages/{stageName}/cache/authorizers`,
//   operation ResetAuthorizersCache, 204 on success, 404 NotFoundException with `message` and `resourceType`; "Supported
//   only for HTTP API Lambda authorizers"):
//   https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename-cache-authorizers.html
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, ResetAuthorizersCacheCommand } from '@aws-sdk/client-apigatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { CACHE_HEADER, type LocalGateway } from '../../../local/gateway/local-gateway.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const LOCAL = { region: 'eu-west-1', credentials: { accessKeyId: 'LOCALTEST', secretAccessKey: 'local' }, maxAttempts: 1 };

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment({
    root: fixtureRoot('billing'),
    modes: ['customer', 'm2m', 'multi-tenant'],
    telemetry: new MemoryTelemetry(),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const PROBES = {
  customer: { principal: 'alice', path: '/accounts/acct-1' },
  'multi-tenant': { principal: 'tina', path: '/tenants/acme-bank/accounts/acct-a1' },
} as const;

/** Sends the mode's allowed GET twice with one token, so its answer is in the gateway cache; returns a resend. */
async function cachedRequest(mode: keyof typeof PROBES): Promise<() => Promise<string | null>> {
  const gateway = env.gateway(mode);
  const probe = PROBES[mode];
  const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, mode, probe.principal));
  const send = async () => {
    const response = await fetch(`${gateway.url}${probe.path}`, { headers: { [gateway.mode.api.tokenHeader]: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.headers.get(CACHE_HEADER);
  };
  expect(await send()).toBe('miss');
  expect(await send()).toBe('hit');
  return send;
}

function restClient(gateway: LocalGateway): APIGatewayClient {
  return new APIGatewayClient({ ...LOCAL, endpoint: gateway.managementUrl });
}

function v2Client(gateway: LocalGateway): ApiGatewayV2Client {
  return new ApiGatewayV2Client({ ...LOCAL, endpoint: gateway.managementUrl });
}

async function failureOf(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
  throw new Error('the call succeeded');
}

describe('FlushStageAuthorizersCache on a REST API (customer)', () => {
  it('answers 202 and clears the stage cache: the next identical request calls the authorizer again', async () => {
    const gateway = env.gateway('customer');
    const resend = await cachedRequest('customer');

    const output = await restClient(gateway).send(
      new FlushStageAuthorizersCacheCommand({ restApiId: gateway.api.apiId, stageName: gateway.api.stage }),
    );

    expect({ status: output.$metadata.httpStatusCode, next: await resend() }).toEqual({ status: 202, next: 'miss' });
  });

  it('names the REST API and stage the gateway emulates: local-<mode>, stage prod', () => {
    expect(env.gateway('customer').api).toEqual({ apiId: 'local-customer', stage: 'prod' });
  });

  it('refuses an unknown API id with NotFoundException (404) and keeps the cache', async () => {
    const gateway = env.gateway('customer');
    const resend = await cachedRequest('customer');

    const failure = await failureOf(
      restClient(gateway).send(new FlushStageAuthorizersCacheCommand({ restApiId: 'no-such-api', stageName: gateway.api.stage })),
    );

    expect({ ...failure, next: await resend() }).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid API identifier specified 123456789012:no-such-api',
      next: 'hit',
    });
  });

  it('refuses an unknown stage of a known API with NotFoundException (404)', async () => {
    const gateway = env.gateway('customer');

    const failure = await failureOf(
      restClient(gateway).send(new FlushStageAuthorizersCacheCommand({ restApiId: gateway.api.apiId, stageName: 'staging' })),
    );

    expect(failure).toEqual({ name: 'NotFoundException', status: 404, message: 'Invalid Stage identifier specified' });
  });

  it("does not know an HTTP API's id: the REST control plane answers NotFoundException", async () => {
    const http = env.gateway('multi-tenant');

    const failure = await failureOf(
      restClient(http).send(new FlushStageAuthorizersCacheCommand({ restApiId: http.api.apiId, stageName: http.api.stage })),
    );

    expect({ name: failure.name, status: failure.status }).toEqual({ name: 'NotFoundException', status: 404 });
  });
});

describe('ResetAuthorizersCache on an HTTP API (multi-tenant)', () => {
  it('answers 204 and clears the stage cache: the next identical request calls the authorizer again', async () => {
    const gateway = env.gateway('multi-tenant');
    const resend = await cachedRequest('multi-tenant');

    const output = await v2Client(gateway).send(new ResetAuthorizersCacheCommand({ ApiId: gateway.api.apiId, StageName: '$default' }));

    expect({ status: output.$metadata.httpStatusCode, next: await resend() }).toEqual({ status: 204, next: 'miss' });
  });

  it('refuses an unknown API id with NotFoundException (404, resourceType Api) and keeps the cache', async () => {
    const gateway = env.gateway('multi-tenant');
    const resend = await cachedRequest('multi-tenant');

    let resourceType: unknown;
    const failure = await failureOf(
      v2Client(gateway)
        .send(new ResetAuthorizersCacheCommand({ ApiId: 'no-such-api', StageName: '$default' }))
        .catch((error: { ResourceType?: unknown }) => {
          resourceType = error.ResourceType;
          throw error;
        }),
    );

    expect({ ...failure, resourceType, next: await resend() }).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid API identifier specified no-such-api',
      resourceType: 'Api',
      next: 'hit',
    });
  });

  it('refuses an unknown stage with NotFoundException (404)', async () => {
    const gateway = env.gateway('multi-tenant');

    const failure = await failureOf(
      v2Client(gateway).send(new ResetAuthorizersCacheCommand({ ApiId: gateway.api.apiId, StageName: 'prod' })),
    );

    expect(failure).toEqual({ name: 'NotFoundException', status: 404, message: 'Invalid stage identifier specified prod' });
  });
});

describe('ResetAuthorizersCache on a WebSocket API (m2m)', () => {
  it('is refused with BadRequestException: API Gateway caches no WebSocket authorizer result', async () => {
    const gateway = env.gateway('m2m');

    const failure = await failureOf(
      v2Client(gateway).send(new ResetAuthorizersCacheCommand({ ApiId: gateway.api.apiId, StageName: gateway.api.stage })),
    );

    expect({ name: failure.name, status: failure.status }).toEqual({ name: 'BadRequestException', status: 400 });
  });
});

describe('the control plane listener', () => {
  it("is not the API's own listener: the API's port does not serve the flush path", async () => {
    const gateway = env.gateway('customer');

    const response = await fetch(`${gateway.url}/restapis/${gateway.api.apiId}/stages/prod/cache/authorizers`, { method: 'DELETE' });
    await response.arrayBuffer();

    expect({ separate: gateway.managementUrl !== gateway.url, status: response.status }).toEqual({ separate: true, status: 403 });
  });
});
