// Sends the size of every cache (entries and estimated bytes) through the telemetry, at most once a minute by the
// authorizer's clock: often enough to see a cache fill, rare enough to add nothing to a decision's latency.
import type { Clock } from '../../common/clock.js';
import type { SizedCache } from '../cache/ttl-lru.js';
import type { Telemetry } from './telemetry.js';

export const CACHE_METRICS_INTERVAL_MS = 60_000;

export interface CacheMetricsOptions {
  readonly telemetry: Telemetry;
  readonly caches: readonly SizedCache[];
  readonly clock: Clock;
}

/** Call after each decision: the first call reports, then one call per interval does. */
export function cacheMetricsReporter({ telemetry, caches, clock }: CacheMetricsOptions): () => void {
  let reportedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const now = clock.now();
    if (now - reportedAt < CACHE_METRICS_INTERVAL_MS) return;
    reportedAt = now;
    try {
      telemetry.recordCacheSizes(caches.map((cache) => ({ name: cache.name, ...cache.size() })));
    } catch {
      // Telemetry never changes an answer.
    }
  };
}
