// One structured log line and a few EMF metrics per decision, through Powertools. Never the raw token.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ReplayableRecord } from './decision-record.js';

export interface DecisionRecord {
  readonly mode: string;
  readonly result: 'allow' | 'deny' | 'unauthorized';
  readonly principal?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly determiningPolicies: readonly string[];
  readonly latencyMs: number;
  readonly cacheHit: boolean;
  /** Why a request was denied or refused, when it was not the policies' own answer. */
  readonly reason?: string;
  /**
   * The error kind: an AuthorizerError's kind (runtime/errors.ts: token, jwks, claims, route, route-mismatch,
   * ambiguous-input, entity-store, entity-limit, template-links, config, tenant, engine, event), or `internal`,
   * `evaluation` (an Allow that came with an evaluation error) or `method-arn` (an Allow the answer cannot carry).
   */
  readonly errorKind?: string;
}

/** How full one cache is, under the name its metrics carry. */
export interface CacheSizeRecord {
  readonly name: string;
  readonly entries: number;
  readonly bytes: number;
}

export interface Telemetry {
  record(decision: DecisionRecord): void;
  /** The size of each cache, sent now and then (runtime/observability/cache-metrics.ts), never per decision. */
  recordCacheSizes(sizes: readonly CacheSizeRecord[]): void;
  /** A replayable decision record (runtime/observability/decision-record.ts): only modes with records on write them. */
  recordReplayable(record: ReplayableRecord): void;
}

export function powertoolsTelemetry(mode: string): Telemetry {
  const logger = new Logger({ serviceName: `authorizer-${mode}` });
  // The namespace is the project's: Powertools reads POWERTOOLS_METRICS_NAMESPACE, which the stack sets from
  // project.yaml (infra/authorizer-function.ts), so the runtime names no application.
  const metrics = new Metrics({ serviceName: `authorizer-${mode}`, defaultDimensions: { mode } });
  return {
    record(decision) {
      logger.info('authorization decision', { decision: { ...decision } });
      metrics.addMetric(`Decision.${decision.result}`, MetricUnit.Count, 1);
      metrics.addMetric('DecisionLatency', MetricUnit.Milliseconds, decision.latencyMs);
      if (decision.cacheHit) metrics.addMetric('DecisionCacheHit', MetricUnit.Count, 1);
      if (decision.errorKind) metrics.addMetric(`Error.${decision.errorKind}`, MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
    // Its own line, message and key: a log query or `npm run replay` tells it from the decision line by `record.type`.
    recordReplayable(record) {
      logger.info('decision record', { record });
    },
    recordCacheSizes(sizes) {
      for (const { name, entries, bytes } of sizes) {
        metrics.addMetric(`Cache.${name}.Entries`, MetricUnit.Count, entries);
        metrics.addMetric(`Cache.${name}.Bytes`, MetricUnit.Bytes, bytes);
      }
      metrics.publishStoredMetrics();
    },
  };
}

/** Keeps decisions in memory: for tests and benchmarks that must not write to stdout. */
export class MemoryTelemetry implements Telemetry {
  readonly records: DecisionRecord[] = [];
  readonly cacheSizes: (readonly CacheSizeRecord[])[] = [];
  readonly replayable: ReplayableRecord[] = [];

  record(decision: DecisionRecord): void {
    this.records.push(decision);
  }

  recordCacheSizes(sizes: readonly CacheSizeRecord[]): void {
    this.cacheSizes.push(sizes);
  }

  recordReplayable(record: ReplayableRecord): void {
    this.replayable.push(record);
  }
}
