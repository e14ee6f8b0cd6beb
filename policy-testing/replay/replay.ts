// `npm run replay`: re-decides every decision record of a log with the working tree's policies and tallies what
// flips against the recorded decision, or against a base revision's policies. Streams; memory stays flat.
import { hash } from 'node:crypto';
import { readProjectSources } from '../../generator/load/source-files.js';
import type { ReplayableRecord } from '../../runtime/observability/decision-record.js';
import { readRevisionSources, resolveRevision, type Revision } from '../git-sources.js';
import { DecisionLru } from './decision-lru.js';
import { listLogFiles, readLogLines } from './read-records.js';
import { readRecordLine } from './record-line.js';
import { replaySide, type SideAnswer } from './side.js';
import { ReplayTally, type ReplayTotals, type Verdict } from './tally.js';

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

interface Answers {
  readonly after: SideAnswer;
  readonly before: SideAnswer | undefined;
}

const PROGRESS_EVERY_MS = 200;
export const DEFAULT_CACHE_ENTRIES = 100_000;

export async function replayRecords(options: ReplayOptions): Promise<ReplayReport> {
  const started = performance.now();
  const input = listLogFiles(options.log);
  const revision = options.against.kind === 'base' ? resolveRevision(options.root, options.against.ref) : undefined;
  const head = replaySide('working tree', readProjectSources(options.root));
  const base = revision ? replaySide(`${revision.ref} (${revision.commit})`, readRevisionSources(options.root, revision.ref)) : undefined;
  const cache = new DecisionLru<Answers>(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
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
    const read = readRecordLine(line.text);
    const place = `${line.file}:${line.line}`;
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
        const { record } = read;
        const answers = cache.getOrCompute(requestKey(record), () => ({ after: head.decide(record), before: base?.decide(record) }));
        const before = answers.before ?? recordedVerdict(record);
        const after = answers.after;
        if (before.kind === 'unreplayable') tally.notReplayed(before.reason, place);
        else if (after.kind === 'unreplayable') tally.notReplayed(after.reason, place);
        else tally.compared(record, verdictOf(before), verdictOf(after), place);
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
    evaluations: cache.misses * (base ? 2 : 1),
    cacheHits: cache.hits,
    elapsedMs,
  };
}

/**
 * Everything the decision depends on, hashed: records of the same request with the same entities and links are
 * decided once while they stay among the most recent distinct requests. The time and the recorded answer are left out.
 */
function requestKey(record: ReplayableRecord): string {
  const { mode, principal, action, resource, context, entities, templateLinks, redacted } = record;
  return hash('sha1', JSON.stringify([mode, principal, action, resource, context, entities, templateLinks, redacted]), 'base64');
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
