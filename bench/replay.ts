// `npm run bench -- --only replay`: decision records from a soak through the local gateways, multiplied into a large
// log with varied principal ids, replayed at two sizes (10× apart) for records/s and the heap's peak (flat memory).
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayRecords } from '../policy-testing/replay/replay.js';
import type { ReplayableRecord } from '../runtime/observability/decision-record.js';
import { MemoryTelemetry } from '../runtime/observability/telemetry.js';
import { round } from './lib/measure.js';
import { workloadRoot } from './lib/fixture-workload.js';
import { benchSoak } from './soak.js';

export interface ReplayBenchOptions {
  /** Records of the large run; the small run has a tenth. @default 1_000_000 */
  readonly records?: number;
  /** Soak requests that produce the seed records. @default 3000 */
  readonly soakRequests?: number;
  /** Copies of each seed record under other principal ids: distinct requests ≈ seeds × variants. @default 20 */
  readonly variants?: number;
}

export interface ReplayRun {
  readonly records: number;
  readonly fileBytes: number;
  readonly replayed: number;
  readonly flipped: number;
  readonly notReplayed: number;
  readonly evaluations: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** User + system CPU time of this process during the replay: what the figure is on a machine others share. */
  readonly cpuSeconds: number;
  readonly recordsPerCpuSecond: number;
  /** The largest heapUsed seen while replaying, garbage included: it follows V8's collection schedule. */
  readonly heapPeakBytes: number;
  /** The largest heapUsed right after a full gc (every 2 s): what the replay holds. */
  readonly retainedPeakBytes: number;
  readonly heapBeforeBytes: number;
}

export interface ReplayBenchResult {
  readonly seedRecords: number;
  readonly variants: number;
  readonly small: ReplayRun;
  readonly large: ReplayRun;
  /** Every record a distinct request: the cost of deciding, with nothing to reuse. */
  readonly allDistinct: ReplayRun;
  /** large over small: heap peak, and heap held after gc. */
  readonly heapPeakRatio: number;
  readonly retainedPeakRatio: number;
  readonly gcAvailable: boolean;
}

export async function benchReplay(options: ReplayBenchOptions = {}): Promise<ReplayBenchResult> {
  const large = options.records ?? 1_000_000;
  const variants = options.variants ?? 20;
  const telemetry = new MemoryTelemetry();
  await benchSoak({
    requests: options.soakRequests ?? 3000,
    concurrency: 8,
    telemetry,
    adjustMode: (mode) => ({ ...mode, decisionRecords: { redactClaims: [] } }),
  });
  const seeds = telemetry.replayable;
  if (seeds.length === 0) throw new Error('the soak wrote no decision record');
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  try {
    const smallRun = await measure(join(dir, 'small.log'), large / 10, seeds, variants);
    const largeRun = await measure(join(dir, 'large.log'), large, seeds, variants);
    const distinctRun = await measure(join(dir, 'distinct.log'), Math.min(20_000, large / 10), seeds, Number.MAX_SAFE_INTEGER);
    return {
      seedRecords: seeds.length,
      variants,
      small: smallRun,
      large: largeRun,
      allDistinct: distinctRun,
      heapPeakRatio: round(largeRun.heapPeakBytes / smallRun.heapPeakBytes, 2),
      retainedPeakRatio: round(largeRun.retainedPeakBytes / smallRun.retainedPeakBytes, 2),
      gcAvailable: typeof globalThis.gc === 'function',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(path: string, count: number, seeds: readonly ReplayableRecord[], variants: number): Promise<ReplayRun> {
  writeRecords(path, count, seeds, variants);
  globalThis.gc?.();
  const heapBeforeBytes = process.memoryUsage().heapUsed;
  let heapPeakBytes = heapBeforeBytes;
  let retainedPeakBytes = heapBeforeBytes;
  let ticks = 0;
  const cpuBefore = process.cpuUsage();
  const report = await replayRecords({
    root: workloadRoot(),
    log: path,
    against: { kind: 'recorded' },
    onProgress: () => {
      heapPeakBytes = Math.max(heapPeakBytes, process.memoryUsage().heapUsed);
      // Progress comes every 200 ms: a full gc every tenth reading measures what is held, at a small cost in speed.
      if (++ticks % 10 === 0 && globalThis.gc) {
        globalThis.gc();
        retainedPeakBytes = Math.max(retainedPeakBytes, process.memoryUsage().heapUsed);
      }
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const fileBytes = statSync(path).size;
  rmSync(path);
  const { totals } = report;
  return {
    records: totals.records,
    fileBytes,
    replayed: totals.replayed,
    flipped: totals.allowToDeny + totals.denyToAllow,
    notReplayed: totals.unreplayableCount + totals.badLineCount,
    evaluations: report.evaluations,
    seconds: round(report.elapsedMs / 1000, 2),
    recordsPerSecond: Math.round(totals.records / (report.elapsedMs / 1000)),
    cpuSeconds: round(cpuSeconds, 2),
    recordsPerCpuSecond: Math.round(totals.records / cpuSeconds),
    heapPeakBytes,
    retainedPeakBytes,
    heapBeforeBytes,
  };
}

/**
 * `count` record lines as Powertools logs them, each followed by a decision line (as a real log interleaves them),
 * cycling through the seeds; copy k of a seed renames its principal's id everywhere in the record (`user-1~k`), so
 * the copies are distinct requests with the same meaning. With `variants` past the count, every record is distinct.
 */
function writeRecords(path: string, count: number, seeds: readonly ReplayableRecord[], variants: number): void {
  const texts = seeds.map((record) => ({ text: JSON.stringify(record), id: JSON.stringify(record.principal.id) }));
  const fd = openSync(path, 'w');
  let chunk = '';
  try {
    for (let i = 0; i < count; i++) {
      const seed = texts[i % texts.length];
      if (!seed) continue;
      const copy = Math.floor(i / texts.length) % variants;
      const record = seed.text.replaceAll(seed.id, `${seed.id.slice(0, -1)}~${copy}"`);
      const time = new Date(Date.UTC(2026, 11, 6) + i).toISOString();
      chunk +=
        `{"level":"INFO","message":"decision record","timestamp":"${time}","service":"authorizer","record":${record}}\n` +
        `{"level":"INFO","message":"authorization decision","timestamp":"${time}","decision":{"result":"allow"}}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
