// Adds up a replay as it streams, in bounded memory: counts by action and by determining policy, flipped requests
// collapsed when identical (up to a cap), and the lines and records that could not be replayed, named up to a cap.
import type { Context } from '@cedar-policy/cedar-wasm/nodejs';
import { formatEntityUid } from '../entity-uid.js';
import type { ReplayableRecord } from '../../runtime/observability/decision-record.js';

export interface Verdict {
  readonly decision: 'allow' | 'deny';
  readonly determining: readonly string[];
  readonly errors: readonly string[];
}

/** What a record asked, as the tally reports it. */
export type RecordRequest = Pick<ReplayableRecord, 'mode' | 'action' | 'principal' | 'resource' | 'context'>;

/** One record's replay: both sides' verdicts, or why it could not be replayed. */
export type RecordOutcome =
  | { readonly kind: 'compared'; readonly request: RecordRequest; readonly before: Verdict; readonly after: Verdict }
  | { readonly kind: 'unreplayable'; readonly reason: string };

export interface FlippedRequest {
  readonly mode: string;
  readonly action: string;
  readonly principal: string;
  readonly resource: string;
  readonly context: Context;
  readonly before: Verdict;
  readonly after: Verdict;
  /** How many records asked exactly this and flipped the same way. */
  readonly records: number;
  /** The first of them, `file:line`. */
  readonly firstSeen: string;
}

export interface ActionCount {
  readonly mode: string;
  readonly action: string;
  readonly replayed: number;
  readonly allowToDeny: number;
  readonly denyToAllow: number;
}

export interface PolicyCount {
  readonly policy: string;
  /** Replayed records it determined before (the recorded or base decision) and after (the working tree's). */
  readonly before: number;
  readonly after: number;
  /** Flipped records it determined before, and after. */
  readonly flippedFrom: number;
  readonly flippedTo: number;
}

export interface NamedCount {
  readonly reason: string;
  readonly count: number;
  /** Up to EXAMPLES_PER_REASON places, `file:line`. */
  readonly examples: readonly string[];
}

export interface ReplayTotals {
  readonly lines: number;
  readonly records: number;
  readonly replayed: number;
  /** Log lines that are not decision records (decision lines, other logs, blank lines): skipped. */
  readonly skippedLines: number;
  readonly allowToDeny: number;
  readonly denyToAllow: number;
  /** Replayed records with the same decision but other determining policies. */
  readonly determiningChanged: number;
  /** Bad lines (not JSON, a field missing), by reason. */
  readonly badLines: readonly NamedCount[];
  readonly badLineCount: number;
  /** Records that could not be replayed (a redacted attribute read, an unknown mode or version), by reason. */
  readonly unreplayable: readonly NamedCount[];
  readonly unreplayableCount: number;
  readonly byAction: readonly ActionCount[];
  readonly byPolicy: readonly PolicyCount[];
  readonly flipped: readonly FlippedRequest[];
  /** Distinct flipped requests beyond the cap, counted but not listed. */
  readonly flippedNotListed: number;
}

const MAX_FLIPPED_ROWS = 1000;
const MAX_REASONS = 100;
const EXAMPLES_PER_REASON = 5;
const MAX_POLICIES = 10_000;
const OTHER_POLICIES = '(other policies)';
const MAX_ACTIONS = 10_000;
const OTHER_ACTIONS = '(other actions)';

interface MutableActionCount {
  mode: string;
  action: string;
  replayed: number;
  allowToDeny: number;
  denyToAllow: number;
}

interface MutablePolicyCount {
  policy: string;
  before: number;
  after: number;
  flippedFrom: number;
  flippedTo: number;
}

class ReasonCounter {
  private readonly reasons = new Map<string, { count: number; examples: string[] }>();
  total = 0;

  add(reason: string, place: string): void {
    this.total++;
    const key = this.reasons.has(reason) || this.reasons.size < MAX_REASONS ? reason : '(other reasons)';
    const entry = this.reasons.get(key) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push(place);
    this.reasons.set(key, entry);
  }

  list(): NamedCount[] {
    return [...this.reasons.entries()]
      .map(([reason, { count, examples }]) => ({ reason, count, examples }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  }
}

export class ReplayTally {
  lines = 0;
  records = 0;
  replayed = 0;
  skippedLines = 0;
  allowToDeny = 0;
  denyToAllow = 0;
  determiningChanged = 0;
  private readonly bad = new ReasonCounter();
  private readonly unreplayable = new ReasonCounter();
  private readonly actions = new Map<string, MutableActionCount>();
  private readonly policies = new Map<string, MutablePolicyCount>();
  private readonly flipped = new Map<string, FlippedRequest>();
  private flippedNotListed = 0;

  line(): void {
    this.lines++;
  }

  skipped(): void {
    this.skippedLines++;
  }

  badLine(reason: string, place: string): void {
    this.bad.add(reason, place);
  }

  notReplayed(reason: string, place: string): void {
    this.records++;
    this.unreplayable.add(reason, place);
  }

  outcome(outcome: RecordOutcome, place: string): void {
    if (outcome.kind === 'compared') this.compared(outcome.request, outcome.before, outcome.after, place);
    else this.notReplayed(outcome.reason, place);
  }

  compared(record: RecordRequest, before: Verdict, after: Verdict, place: string): void {
    this.records++;
    this.replayed++;
    const action = this.actionCount(record.mode, record.action.id);
    action.replayed++;
    const flippedNow = before.decision !== after.decision;
    for (const id of before.determining) {
      const count = this.policyCount(id);
      count.before++;
      if (flippedNow) count.flippedFrom++;
    }
    for (const id of after.determining) {
      const count = this.policyCount(id);
      count.after++;
      if (flippedNow) count.flippedTo++;
    }
    if (!flippedNow) {
      if (before.determining.join() !== after.determining.join()) this.determiningChanged++;
      return;
    }
    if (before.decision === 'allow') {
      this.allowToDeny++;
      action.allowToDeny++;
    } else {
      this.denyToAllow++;
      action.denyToAllow++;
    }
    const row = {
      mode: record.mode,
      action: record.action.id,
      principal: formatEntityUid(record.principal),
      resource: formatEntityUid(record.resource),
      context: record.context,
    };
    const key = JSON.stringify([row, before, after]);
    const known = this.flipped.get(key);
    if (known) this.flipped.set(key, { ...known, records: known.records + 1 });
    else if (this.flipped.size < MAX_FLIPPED_ROWS) this.flipped.set(key, { ...row, before, after, records: 1, firstSeen: place });
    else this.flippedNotListed++;
  }

  totals(): ReplayTotals {
    return {
      lines: this.lines,
      records: this.records,
      replayed: this.replayed,
      skippedLines: this.skippedLines,
      allowToDeny: this.allowToDeny,
      denyToAllow: this.denyToAllow,
      determiningChanged: this.determiningChanged,
      badLines: this.bad.list(),
      badLineCount: this.bad.total,
      unreplayable: this.unreplayable.list(),
      unreplayableCount: this.unreplayable.total,
      byAction: [...this.actions.values()].sort((a, b) => compareText(`${a.mode}/${a.action}`, `${b.mode}/${b.action}`)),
      byPolicy: [...this.policies.values()].sort((a, b) => b.after + b.before - (a.after + a.before) || compareText(a.policy, b.policy)),
      flipped: [...this.flipped.values()].sort(
        (a, b) =>
          compareText(a.action, b.action) || compareText(a.mode, b.mode) || b.records - a.records || compareText(a.principal, b.principal),
      ),
      flippedNotListed: this.flippedNotListed,
    };
  }

  private actionCount(mode: string, actionId: string): MutableActionCount {
    const action = this.actions.size < MAX_ACTIONS || this.actions.has(`${mode}\u0000${actionId}`) ? actionId : OTHER_ACTIONS;
    const key = `${mode}\u0000${action}`;
    let count = this.actions.get(key);
    if (!count) {
      count = { mode, action, replayed: 0, allowToDeny: 0, denyToAllow: 0 };
      this.actions.set(key, count);
    }
    return count;
  }

  private policyCount(id: string): MutablePolicyCount {
    const key = this.policies.has(id) || this.policies.size < MAX_POLICIES ? id : OTHER_POLICIES;
    let count = this.policies.get(key);
    if (!count) {
      count = { policy: key, before: 0, after: 0, flippedFrom: 0, flippedTo: 0 };
      this.policies.set(key, count);
    }
    return count;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
