// API Gateway's authorizer cache outlives the token's `exp` by up to the TTL, and the emulator shows it, as AWS does.
//
// AWS documentation this emulation follows:
// - "Configure an API Gateway Lambda authorizer" (REST), Authorization caching: the policy is cached for
//   authorizerResultTtlInSeconds, keyed on the identity sources; nothing in the answer can shorten it:
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html
// - "CreateAuthorizer", authorizerResultTtlInSeconds (0 to 3600, 300 by default):
//   https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
// The README's security model documents the bound this shows (a stale Allow lives up to `cache.ttlSeconds` past exp).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { decodeToken } from '../../../local/issuer/forged-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { CACHE_HEADER, type LocalGateway } from '../../../local/gateway/local-gateway.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

let env: LocalEnvironment;
let gateway: LocalGateway;

beforeAll(async () => {
  env = await startLocalEnvironment({ root: fixtureRoot('billing'), modes: ['customer'], telemetry: new MemoryTelemetry() });
  gateway = env.gateway('customer');
});

afterAll(async () => {
  await env?.close();
});

async function readAccount(token: string): Promise<{ status: number; cache: string | null }> {
  const response = await fetch(`${gateway.url}/accounts/acct-1`, { headers: { Authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return { status: response.status, cache: response.headers.get(CACHE_HEADER) };
}

/** Resolves once the wall clock is past `exp` by a whole second, so no verifier could still accept the token. */
async function waitUntilExpired(token: string): Promise<void> {
  const exp = decodeToken(token).payload['exp'];
  if (typeof exp !== 'number') throw new Error('the minted token has no numeric exp');
  const waitMs = (exp + 1) * 1000 - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

describe("an Allow cached by API Gateway outlives the token's exp by up to the TTL", () => {
  it('a token that expires after its Allow was cached is still served that Allow, and denied (401) once the cache is flushed', async () => {
    expect(gateway.mode.cache.ttlSeconds).toBeGreaterThan(5);
    // exp is counted from the current whole second, so 1 s could leave a token valid for a millisecond, expired before
    // the priming request on a busy machine; 3 s leaves it valid for at least 2 s, far within the 300 s TTL.
    const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', 'alice'), { expiresInSeconds: 3 });
    const primed = await readAccount(token);
    await waitUntilExpired(token);

    const stale = await readAccount(token);
    gateway.flushCache();
    const callsBefore = gateway.stats.authorizerCalls;
    const fresh = await readAccount(token);

    expect({ primed, stale, fresh: fresh.status, authorizerCalled: gateway.stats.authorizerCalls - callsBefore }).toEqual({
      primed: { status: 200, cache: 'miss' },
      stale: { status: 200, cache: 'hit' },
      fresh: 401,
      authorizerCalled: 1,
    });
  });
});
