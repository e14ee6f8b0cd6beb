// A tightened policy takes effect at once after the authorizer cache flush, where it otherwise waits for the cache TTL:
// the local gateway in front of AVP-engine modes backed by the local AVP endpoint, the flush sent by the real SDK.
//
// AWS documentation followed:
// - "FlushStageAuthorizersCache" (REST), API Gateway REST API reference:
//   https://docs.aws.amazon.com/apigateway/latest/api/API_FlushStageAuthorizersCache.html
// - "ResetAuthorizersCache" (HTTP), API Gateway V2 API reference, "AuthorizersCache":
//   https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages-stagename-cache-authorizers.html
// - "UpdatePolicy", Amazon Verified Permissions API reference (an action change is an in-place update):
//   https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_UpdatePolicy.html
// - Lambda retires an environment when the function's code or configuration changes ("Lambda execution environment
//   lifecycle", AWS Lambda developer guide): a deploy that changes the bundle (and POLICY_BUNDLE_VERSION) starts cold.
import { UpdatePolicyCommand } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../common/clock.js';
import { createLocalAvpClient } from '../../local/avp/avp-endpoint.js';
import { demoPrincipal } from '../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../local/demo-world/demo-tokens.js';
import { localPolicyStoreId } from '../../local/demo-world/seed-stores.js';
import { startLocalEnvironment, type LocalEnvironment, type RunningMode } from '../../local/environment.js';
import { CACHE_HEADER, startLocalGateway, type GatewayHandler, type LocalGateway } from '../../local/gateway/local-gateway.js';
import { httpAuthorizer, MemoryTelemetry, restRequestAuthorizer, type ModeConfig, type PolicyBundle } from '../../runtime/index.js';
import { flushAuthorizerCache } from '../../scripts/aws/flush-authorizer-cache.js';
import { fixtureRoot } from '../support/fixture-domain.js';

let env: LocalEnvironment;
/**
 * The one clock of the gateway and the runtime, still unless a test moves it: advancing it stands for waiting, and the
 * real time the steps take never counts towards a TTL. Each test starts it at the real time, where its tokens are minted.
 */
let nowMs = Date.now();
const clock: Clock = { now: () => nowMs };

beforeEach(() => {
  nowMs = Date.now();
});

beforeAll(async () => {
  env = await startLocalEnvironment({
    root: fixtureRoot('billing'),
    modes: ['internal', 'multi-tenant'],
    telemetry: new MemoryTelemetry(),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

interface Reply {
  readonly status: number;
  readonly cache: string | null;
}

/**
 * A gateway in front of one mode whose Lambda can be replaced, as a deploy that changes the function replaces every
 * warm environment (and its in-memory decision cache) with a cold one.
 */
interface Deployment {
  readonly gateway: LocalGateway;
  /** A new Lambda environment started from `bundle`. */
  replaceEnvironment(bundle: PolicyBundle): void;
  close(): Promise<void>;
}

async function deploy(running: RunningMode): Promise<Deployment> {
  const { mode } = running;
  const dependencies = {
    jwksFetcher: env.issuer.fetcher,
    dynamoDb: env.dynamo.client,
    verifiedPermissions: createLocalAvpClient(env.avp.url, { maxAttempts: 1 }),
    env:
      mode.tenancy.kind === 'single'
        ? { [mode.engine.kind === 'avp' ? (mode.engine.policyStore?.env ?? '') : '']: localPolicyStoreId(mode) }
        : {},
    telemetry: new MemoryTelemetry(),
    clock,
  };
  let current = environmentFor(mode, running.bundle, dependencies);
  const handler: GatewayHandler =
    mode.api.type === 'http'
      ? { kind: 'http', handle: (event) => current.http(event) }
      : { kind: 'request', handle: (event) => current.rest(event) };
  const gateway = await startLocalGateway({ mode, handler, backendUrl: env.backend.url, clock });
  return {
    gateway,
    replaceEnvironment: (bundle) => {
      current = environmentFor(mode, bundle, dependencies);
    },
    close: () => gateway.close(),
  };
}

/** One Lambda environment: the handler the generated authorizer builds at init, for the mode's API type. */
function environmentFor(mode: ModeConfig, bundle: PolicyBundle, dependencies: Parameters<typeof restRequestAuthorizer>[0]['dependencies']) {
  const options = { mode, bundle, ...(dependencies ? { dependencies } : {}) };
  const rest = mode.api.type === 'rest' ? restRequestAuthorizer(options) : undefined;
  const http = mode.api.type === 'http' ? httpAuthorizer(options) : undefined;
  return {
    rest: (event: Parameters<ReturnType<typeof restRequestAuthorizer>>[0]) => {
      if (!rest) throw new Error(`mode ${mode.name} is not a REST API`);
      return rest(event);
    },
    http: (event: Parameters<ReturnType<typeof httpAuthorizer>>[0]) => {
      if (!http) throw new Error(`mode ${mode.name} is not an HTTP API`);
      return http(event);
    },
  };
}

function running(name: string): RunningMode {
  const found = env.modes.find((candidate) => candidate.mode.name === name);
  if (!found) throw new Error(`mode ${name} is not running`);
  return found;
}

async function send(gateway: LocalGateway, path: string, token: string): Promise<Reply> {
  const response = await fetch(`${gateway.url}${path}`, { headers: { [gateway.mode.api.tokenHeader]: `Bearer ${token}` } });
  await response.arrayBuffer();
  return { status: response.status, cache: response.headers.get(CACHE_HEADER) };
}

/** The bundle with one action taken out of one policy: the merged change that tightens it. */
function tightened(bundle: PolicyBundle, policyId: string, action: string): PolicyBundle {
  const text = bundle.policies[policyId];
  const line = new RegExp(String.raw`\s*Billing::Action::"${action}",?`);
  if (text === undefined || !line.test(text)) throw new Error(`policy ${policyId} does not name action ${action}`);
  return { ...bundle, policies: { ...bundle.policies, [policyId]: text.replace(line, '').replace(/,(\s*\])/, '$1') } };
}

/** The deploy's store step: UpdatePolicy with the tightened statement (an action change, which AVP updates in place). */
async function updateStorePolicy(policyStoreId: string, policyId: string, bundle: PolicyBundle): Promise<void> {
  const statement = bundle.policies[policyId];
  if (statement === undefined) throw new Error(`no policy ${policyId}`);
  const client = createLocalAvpClient(env.avp.url, { maxAttempts: 1 });
  try {
    await client.send(new UpdatePolicyCommand({ policyStoreId, policyId, definition: { static: { statement } } }));
  } finally {
    client.destroy();
  }
}

async function flush(gateway: LocalGateway): Promise<string> {
  const result = await flushAuthorizerCache({
    apiType: gateway.mode.api.type,
    apiId: gateway.api.apiId,
    stageName: gateway.api.stage,
    region: 'eu-west-1',
    endpoint: gateway.managementUrl,
  });
  return result.kind === 'flushed' ? result.operation : result.kind;
}

describe('a policy change deployed to a REST API with the AVP engine (internal: single-tenant, TTL 60 s)', () => {
  it('is served the cached Allow until the flush, and denied at once after FlushStageAuthorizersCache', async () => {
    const mode = running('internal');
    const deployment = await deploy(mode);
    try {
      const { gateway } = deployment;
      const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'internal', 'sam'));
      const path = '/billing/pay-2';
      const before = [await send(gateway, path, token), await send(gateway, path, token)];

      // The deploy: support staff lose one action. The store gets the update, the function a new bundle.
      const merged = tightened(mode.bundle, 'staff.support-read', 'ViewPayment');
      await updateStorePolicy(localPolicyStoreId(gateway.mode), 'staff.support-read', merged);
      deployment.replaceEnvironment(merged);
      const afterDeploy = await send(gateway, path, token);
      nowMs += 59_000;
      const withinTtl = await send(gateway, path, token);
      const operation = await flush(gateway);
      const afterFlush = await send(gateway, path, token);

      expect({ before, afterDeploy, withinTtl, operation, afterFlush }).toEqual({
        before: [
          { status: 200, cache: 'miss' },
          { status: 200, cache: 'hit' },
        ],
        afterDeploy: { status: 200, cache: 'hit' },
        withinTtl: { status: 200, cache: 'hit' },
        operation: 'FlushStageAuthorizersCache',
        afterFlush: { status: 403, cache: 'miss' },
      });
    } finally {
      await deployment.close();
      await updateStorePolicy(localPolicyStoreId(mode.mode), 'staff.support-read', mode.bundle);
    }
  });

  it('without a flush, waits for the gateway TTL: the cached Allow is served up to 60 s, then the denial', async () => {
    const mode = running('internal');
    const deployment = await deploy(mode);
    try {
      const { gateway } = deployment;
      // A fresh token and another payment: no other test's cached answer is involved.
      const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'internal', 'sam'), { expiresInSeconds: 3600 });
      const path = '/billing/pay-1';
      const first = await send(gateway, path, token);
      const store = localPolicyStoreId(gateway.mode);
      const merged = tightened(mode.bundle, 'staff.support-read', 'ViewPayment');
      await updateStorePolicy(store, 'staff.support-read', merged);
      deployment.replaceEnvironment(merged);

      nowMs += 59_999;
      const justBefore = await send(gateway, path, token);
      nowMs += 1;
      const atTtl = await send(gateway, path, token);

      expect({ first, justBefore, atTtl }).toEqual({
        first: { status: 200, cache: 'miss' },
        justBefore: { status: 200, cache: 'hit' },
        atTtl: { status: 403, cache: 'miss' },
      });
    } finally {
      await deployment.close();
      await updateStorePolicy(localPolicyStoreId(mode.mode), 'staff.support-read', mode.bundle);
    }
  });
});

describe('a policy change reaching an HTTP API with per-tenant AVP stores (multi-tenant, TTL 120 s)', () => {
  it('after the stack deploy, the tenant sync and ResetAuthorizersCache, is denied at once', async () => {
    const mode = running('multi-tenant');
    const deployment = await deploy(mode);
    try {
      const { gateway } = deployment;
      const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'multi-tenant', 'tina'));
      const path = '/tenants/acme-bank/accounts/acct-a1';
      const before = [await send(gateway, path, token), await send(gateway, path, token)];

      // Tenant users may no longer view accounts: the stack deploy replaces the function, then the sync updates the store.
      const merged = tightened(mode.bundle, 'tenant.read-own', 'ViewAccount');
      deployment.replaceEnvironment(merged);
      await updateStorePolicy('ps-acme-bank', 'tenant.read-own', merged);
      const afterSync = await send(gateway, path, token);
      const operation = await flush(gateway);
      const afterFlush = await send(gateway, path, token);

      expect({ before, afterSync, operation, afterFlush }).toEqual({
        before: [
          { status: 200, cache: 'miss' },
          { status: 200, cache: 'hit' },
        ],
        afterSync: { status: 200, cache: 'hit' },
        operation: 'ResetAuthorizersCache',
        afterFlush: { status: 403, cache: 'miss' },
      });
    } finally {
      await deployment.close();
      await updateStorePolicy('ps-acme-bank', 'tenant.read-own', mode.bundle);
    }
  });

  it('after a tenant sync alone (no redeploy), a warm environment keeps its cached Allow up to the TTL despite the flush', async () => {
    const mode = running('multi-tenant');
    const deployment = await deploy(mode);
    try {
      const { gateway } = deployment;
      const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'multi-tenant', 'tina'), { expiresInSeconds: 3600 });
      const path = '/tenants/acme-bank/accounts/acct-a1/billing';
      const first = await send(gateway, path, token);

      const merged = tightened(mode.bundle, 'tenant.read-own', 'ListBilling');
      await updateStorePolicy('ps-acme-bank', 'tenant.read-own', merged);
      await flush(gateway);
      const afterFlush = await send(gateway, path, token);
      nowMs += 120_000;
      const afterTtl = await send(gateway, path, token);

      // The gateway asked the Lambda again (miss), whose own decision cache still held the Allow: the bound is its TTL.
      expect({ first, afterFlush, afterTtl }).toEqual({
        first: { status: 200, cache: 'miss' },
        afterFlush: { status: 200, cache: 'miss' },
        afterTtl: { status: 403, cache: 'miss' },
      });
    } finally {
      await deployment.close();
      await updateStorePolicy('ps-acme-bank', 'tenant.read-own', mode.bundle);
    }
  });
});
