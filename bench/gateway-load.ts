// The local gateway under load with autocannon: requests per second and p50/p99 latency, with every answer checked.
import autocannon from 'autocannon';
import { demoPrincipal } from '../local/demo-world/demo-data.js';
import { mintDemoToken } from '../local/demo-world/demo-tokens.js';
import { startLocalEnvironment } from '../local/environment.js';
import type { ModeConfig } from '../runtime/config.js';
import { quietTelemetry } from './lib/quiet-telemetry.js';
import { workloadRoot } from './lib/fixture-workload.js';

export interface GatewayLoadResult {
  readonly label: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly wrongDecisions: number;
  readonly errors: number;
}

/** Alternates an allowed and a denied request (customer mode): a wrong status in either direction is counted. */
export async function benchGatewayLoad(options: { durationSeconds?: number; connections?: number } = {}): Promise<GatewayLoadResult[]> {
  const results: GatewayLoadResult[] = [];
  for (const cached of [true, false]) {
    const environment = await startLocalEnvironment({
      root: workloadRoot(),
      modes: ['customer'],
      telemetry: quietTelemetry,
      ...(cached ? {} : { adjustMode: (mode: ModeConfig) => ({ ...mode, cache: { ...mode.cache, ttlSeconds: 0 } }) }),
    });
    try {
      const running = environment.modes[0];
      if (!running) throw new Error('the customer mode did not start');
      const { mode, gateway } = running;
      const token = mintDemoToken(environment.issuer, mode, demoPrincipal(environment.demo, 'customer', 'alice'));
      let wrong = 0;
      const expect = (status: number) => (actual: number) => {
        if (actual !== status) wrong++;
      };
      const result = await autocannon({
        url: gateway.url,
        connections: options.connections ?? 10,
        duration: options.durationSeconds ?? 5,
        requests: [
          { method: 'GET', path: '/accounts/acct-1', headers: { authorization: `Bearer ${token}` }, onResponse: expect(200) },
          { method: 'GET', path: '/accounts/acct-2', headers: { authorization: `Bearer ${token}` }, onResponse: expect(403) },
        ],
      });
      results.push({
        label: cached ? 'gateway cache on (TTL 300 s)' : 'gateway cache off (every request calls the authorizer)',
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        wrongDecisions: wrong,
        errors: result.errors + result.timeouts,
      });
    } finally {
      await environment.close();
    }
  }
  return results;
}
