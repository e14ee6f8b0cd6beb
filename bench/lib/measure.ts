// Latency sampling for benchmarks: warm up, time each call with hrtime, and report percentiles and throughput.

export interface LatencyStats {
  readonly samples: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  /** Calls per second, measured over the sampled calls back to back. */
  readonly perSecond: number;
}

export interface MeasureOptions {
  readonly warmup?: number;
  readonly iterations: number;
}

export async function measure(call: (i: number) => unknown, options: MeasureOptions): Promise<LatencyStats> {
  for (let i = 0; i < (options.warmup ?? Math.min(1000, options.iterations / 10)); i++) await call(i);
  const durations = new Float64Array(options.iterations);
  const started = process.hrtime.bigint();
  for (let i = 0; i < options.iterations; i++) {
    const t0 = process.hrtime.bigint();
    await call(i);
    durations[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return summarize(durations, totalSeconds);
}

export function summarize(durationsUs: Float64Array, totalSeconds: number): LatencyStats {
  const sorted = Float64Array.from(durationsUs).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    samples: sorted.length,
    p50Us: round(at(0.5)),
    p99Us: round(at(0.99)),
    meanUs: round(sum / Math.max(1, sorted.length)),
    perSecond: Math.round(sorted.length / totalSeconds),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function formatStats(stats: LatencyStats): string {
  return `p50 ${stats.p50Us} µs, p99 ${stats.p99Us} µs, ${stats.perSecond.toLocaleString('en-US')}/s`;
}
