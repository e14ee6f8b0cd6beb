// The progress of `tenant sync` on stderr: a redrawn bar and counter on a terminal, one plain line per tenant in CI (no ANSI).
import type { TenantOutcome } from './sync-tenants.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  start(total: number): void;
  tenantDone(outcome: TenantOutcome): void;
  /** Clears the bar, so the summary that follows starts on a clean line. */
  finish(): void;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** @default performance.now */
  readonly now?: () => number;
  /** The bar's width in characters. @default 30 */
  readonly width?: number;
}

type Counts = Record<'synced' | 'unchanged' | 'planned' | 'failed', number>;

/** A bar when the stream is a terminal, plain lines otherwise (a CI log, a file, a pipe). */
export function createProgress(options: ProgressOptions): Progress {
  return options.stream.isTTY === true ? terminalProgress(options) : lineProgress(options.stream);
}

function lineProgress(stream: ProgressStream): Progress {
  let total = 0;
  let done = 0;
  return {
    start(count) {
      total = count;
      stream.write(`tenant: syncing ${count} ${count === 1 ? 'tenant' : 'tenants'}\n`);
    },
    tenantDone(outcome) {
      done += 1;
      stream.write(`tenant: [${done}/${total}] ${outcome.tenantId}: ${describeOutcome(outcome)}\n`);
    },
    finish() {},
  };
}

const REDRAW_EVERY_MS = 100;

function terminalProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const now = options.now ?? (() => performance.now());
  const width = options.width ?? 30;
  const counts: Counts = { synced: 0, unchanged: 0, planned: 0, failed: 0 };
  let total = 0;
  let done = 0;
  let started = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = () => {
    drawnAt = now();
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const rate = drawnAt > started ? (done * 1000) / (drawnAt - started) : 0;
    const parts = (['synced', 'unchanged', 'planned', 'failed'] as const)
      .filter((key) => counts[key] > 0)
      .map((key) => `${key} ${counts[key]}`);
    // \r and "erase line": the bar is redrawn in place.
    stream.write(
      `\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${parts.join('  ')}  ${rate.toFixed(1)}/s`,
    );
  };
  return {
    start(count) {
      total = count;
      started = now();
      draw();
    },
    tenantDone(outcome) {
      done += 1;
      counts[outcome.status] += 1;
      // A failure is kept on its own line above the bar; the rest only move the counter.
      if (outcome.status === 'failed') {
        stream.write(`\r\u001b[2Ktenant: ${outcome.tenantId}: ${describeOutcome(outcome)}\n`);
        draw();
      } else if (done === total || now() - drawnAt >= REDRAW_EVERY_MS) {
        draw();
      }
    },
    finish() {
      stream.write('\r\u001b[2K');
    },
  };
}

/** `synced (3 writes)`, `unchanged`, `FAILED, rolled back: …` */
export function describeOutcome(outcome: TenantOutcome): string {
  switch (outcome.status) {
    case 'unchanged':
      return 'unchanged';
    case 'synced':
      return `synced (${plural(outcome.writes.length, 'write')})`;
    case 'planned':
      return `would make ${plural(outcome.writes.length, 'write')}`;
    case 'failed':
      return `FAILED, ${outcome.state === 'needs-attention' ? 'NEEDS ATTENTION' : outcome.state}: ${outcome.reason}`;
  }
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
