// `npm run replay`: re-decides every decision record of a log with the working tree's policies and tallies what
// flips against the recorded decision, or against a base revision's policies. Streams; memory stays flat.
import { hash } from 'node:crypto';
import { readProjectSources } from '../../generator/load/source-files.js';
import type { ReplayableRecord } from '../../runtime/observability/decision-record.js';
import { readRevisionSources, resolveRevision, type Revision } from '../git-sources.js';
import { DecisionLru } from './decision-lru.js';
import { listLogFiles, readLogLines } from './read-records.js';
import { readRecordLine } from './record-line.js';
import { recordText } from './record-text.js';
import { replaySide, type ReplaySide, type SideAnswer } from './side.js';
import { ReplayTally, type RecordOutcome, type ReplayTotals, type Verdict } from './tally.js';

/** What the working tree's decisions are compared with. */
export type ReplayBaseline = { readonly kind: 'recorded' } | { readonly kind: 'base'; readonly ref: string };

export interface ReplayProgress {
  readonly lines: number;
  readonly records: number;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

export interface ReplayOptions {
  readonly root: string;
  /** A file of decision records, or a folder of such files. */
  readonly log: string;
  readonly against: ReplayBaseline;
  /** Called now and then (at most every 200 ms) while lines stream; the CLI draws its progress bar with it. */
  readonly onProgress: (progress: ReplayProgress) => void;
  /** Distinct requests whose decisions are kept. @default 100_000 */
  readonly cacheEntries?: number;
}

export type ReplayAgainst = { readonly kind: 'recorded' } | { readonly kind: 'base'; readonly revision: Revision };

export interface ReplayReport {
  readonly against: ReplayAgainst;
  readonly log: string;
  readonly files: number;
  readonly totals: ReplayTotals;
  /** Requests decided by cedar-wasm (per side), against records answered from the bounded cache. */
  readonly evaluations: number;
  readonly cacheHits: number;
  readonly elapsedMs: number;
}

const PROGRESS_EVERY_MS = 200;
export const DEFAULT_CACHE_ENTRIES = 100_000;

export async function replayRecords(options: ReplayOptions): Promise<ReplayReport> {
  const started = performance.now();
  const input = listLogFiles(options.log);
  const revision = options.against.kind === 'base' ? resolveRevision(options.root, options.against.ref) : undefined;
  const head = replaySide('working tree', readProjectSources(options.root));
  const base = revision ? replaySide(`${revision.ref} (${revision.commit})`, readRevisionSources(options.root, revision.ref)) : undefined;
  const cache = new DecisionLru<RecordOutcome>(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  let evaluations = 0;
  const tally = new ReplayTally();
  let bytesRead = 0;
  let lastProgress = started;

  for await (const line of readLogLines(input)) {
    tally.line();
    bytesRead += line.bytes;
    if ((tally.lines & 1023) === 0) {
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        options.onProgress({
          lines: tally.lines,
          records: tally.records,
          bytesRead,
          totalBytes: input.totalBytes,
          elapsedMs: now - started,
        });
      }
    }
    const place = `${line.file}:${line.line}`;
    // A record seen before (same text but its time) is tallied from the cache with no JSON.parse.
    const text = recordText(line.text);
    const key = text === undefined ? undefined : hash('sha1', text, 'base64');
    const known = key === undefined ? undefined : cache.get(key);
    if (known) {
      tally.outcome(known, place);
      continue;
    }
    const read = readRecordLine(line.text);
    switch (read.kind) {
      case 'other':
        tally.skipped();
        break;
      case 'bad':
        tally.badLine(read.reason, place);
        break;
      case 'unknown-version':
        tally.notReplayed(`record version ${JSON.stringify(read.version)} is not one this replay reads`, place);
        break;
      case 'record': {
        const outcome = decide(read.record, head, base);
        evaluations += base ? 2 : 1;
        if (key !== undefined) cache.set(key, outcome);
        tally.outcome(outcome, place);
        break;
      }
    }
  }
  const elapsedMs = performance.now() - started;
  options.onProgress({ lines: tally.lines, records: tally.records, bytesRead, totalBytes: input.totalBytes, elapsedMs });
  return {
    against: revision ? { kind: 'base', revision } : { kind: 'recorded' },
    log: options.log,
    files: input.files.length,
    totals: tally.totals(),
    evaluations,
    cacheHits: cache.hits,
    elapsedMs,
  };
}

/** Both sides' answers for one record, in the form the tally and the cache keep (no entities: the cache stays small). */
function decide(record: ReplayableRecord, head: ReplaySide, base: ReplaySide | undefined): RecordOutcome {
  const before = base ? base.decide(record) : recordedVerdict(record);
  const after = head.decide(record);
  if (before.kind === 'unreplayable') return { kind: 'unreplayable', reason: before.reason };
  if (after.kind === 'unreplayable') return { kind: 'unreplayable', reason: after.reason };
  const { mode, action, principal, resource, context } = record;
  return { kind: 'compared', request: { mode, action, principal, resource, context }, before: verdictOf(before), after: verdictOf(after) };
}

function recordedVerdict(record: ReplayableRecord): SideAnswer {
  return {
    kind: 'decided',
    decision: record.decision,
    determining: record.determiningPolicies,
    errors: Array.isArray(record.errors) ? record.errors : [],
  };
}

function verdictOf(answer: SideAnswer & { kind: 'decided' }): Verdict {
  return { decision: answer.decision, determining: answer.determining, errors: answer.errors };
}
