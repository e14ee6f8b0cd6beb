// Side-by-side sampling: several paths measured in turns, block by block, so drift in a shared machine's load falls on
// every path alike. A ratio of two figures from one interleaved run is what a check should read.
import { summarize, type LatencyStats } from './measure.js';

export type Calls<K extends string> = Readonly<Record<K, (i: number) => unknown>>;

export interface InterleaveOptions {
  readonly iterations: number;
  /** Calls of one path in a row before the next path takes its turn; small enough to alternate often. @default 50 */
  readonly blockSize?: number;
  /** Calls of each path before timing starts. @default min(1000, iterations / 10) */
  readonly warmup?: number;
}

export async function interleave<K extends string>(calls: Calls<K>, options: InterleaveOptions): Promise<Record<K, LatencyStats>> {
  const names = Object.keys(calls) as K[];
  const block = options.blockSize ?? 50;
  const warmup = options.warmup ?? Math.min(1000, Math.floor(options.iterations / 10));
  for (const name of names) for (let i = 0; i < warmup; i++) await calls[name](i);
  const durations = new Map(names.map((name) => [name, new Float64Array(options.iterations)]));
  const seconds = new Map(names.map((name) => [name, 0]));
  for (let start = 0; start < options.iterations; start += block) {
    const end = Math.min(options.iterations, start + block);
    for (const name of names) {
      const call = calls[name];
      const into = durations.get(name) ?? new Float64Array(0);
      let spent = 0;
      for (let i = start; i < end; i++) {
        const t0 = process.hrtime.bigint();
        await call(i);
        const us = Number(process.hrtime.bigint() - t0) / 1000;
        into[i] = us;
        spent += us;
      }
      seconds.set(name, (seconds.get(name) ?? 0) + spent / 1e6);
    }
  }
  const result = {} as Record<K, LatencyStats>;
  for (const name of names) result[name] = summarize(durations.get(name) ?? new Float64Array(0), seconds.get(name) ?? 1);
  return result;
}
