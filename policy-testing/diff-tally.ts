// Counts what a decision diff evaluated: requests per mode and origin kind, the requests each policy determines on
// either side, and the requests that kept their decision on other policies, collapsed by policy pair.
import type { Context } from '@cedar-policy/cedar-wasm/nodejs';
import { formatEntityUid } from './entity-uid.js';
import { canonical, describeOrigin, type RequestOrigin, type SpaceRequest } from './request-space.js';

/** Requests evaluated, by where they came from. */
export interface OriginCounts {
  readonly case: number;
  readonly fixtures: number;
  readonly derived: number;
  readonly total: number;
}

export interface EvaluatedCounts {
  readonly all: OriginCounts;
  /** Every mode that has suites, sorted by name. */
  readonly byMode: Readonly<Record<string, OriginCounts>>;
}

/** One request, as the report shows it. */
export interface RequestExample {
  readonly mode: string;
  readonly action: string;
  readonly principal: string;
  readonly resource: string;
  readonly context: Context;
  readonly origin: string;
}

/** Requests that kept one decision while the policies determining it changed, e.g. `[a] → [a, b]`. */
export interface RedeterminedGroup {
  readonly decision: 'allow' | 'deny';
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly count: number;
  /** The first request of the group in the space's order: cases first, then fixtures, then derived requests. */
  readonly example: RequestExample;
}

export function countEvaluated(space: readonly Pick<SpaceRequest, 'mode' | 'origin'>[]): EvaluatedCounts {
  const byMode = new Map<string, Record<RequestOrigin['kind'], number>>();
  const all: Record<RequestOrigin['kind'], number> = { case: 0, fixtures: 0, derived: 0 };
  for (const item of space) {
    const mode = byMode.get(item.mode) ?? { case: 0, fixtures: 0, derived: 0 };
    mode[item.origin.kind]++;
    all[item.origin.kind]++;
    byMode.set(item.mode, mode);
  }
  const withTotal = (counts: Record<RequestOrigin['kind'], number>): OriginCounts => ({
    ...counts,
    total: counts.case + counts.fixtures + counts.derived,
  });
  return {
    all: withTotal(all),
    byMode: Object.fromEntries([...byMode].sort(([a], [b]) => (a < b ? -1 : 1)).map(([mode, counts]) => [mode, withTotal(counts)])),
  };
}

/** Tallies, per policy or template @id, the requests whose decision it determines. */
export class DeterminingTally {
  private readonly counts = new Map<string, number>();

  /** `ids` are the policies a decision names, with the template of each link among them: a template counts once. */
  add(ids: readonly string[]): void {
    for (const id of new Set(ids)) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  of(id: string): number {
    return this.counts.get(id) ?? 0;
  }
}

/** Collapses requests that kept their decision on other determining policies into one group per policy pair. */
export class RedeterminedGroups {
  private readonly groups = new Map<string, RedeterminedGroup>();

  add(item: SpaceRequest, decision: 'allow' | 'deny', before: readonly string[], after: readonly string[]): void {
    const key = canonical([decision, before, after]);
    const known = this.groups.get(key);
    this.groups.set(key, known ? { ...known, count: known.count + 1 } : { decision, before, after, count: 1, example: exampleOf(item) });
  }

  /** Largest groups first, then by policy names, so the report leads with what moved most. */
  list(): RedeterminedGroup[] {
    return [...this.groups.values()].sort(
      (a, b) => b.count - a.count || compareText(a.before.join(), b.before.join()) || compareText(a.after.join(), b.after.join()),
    );
  }
}

function exampleOf(item: SpaceRequest): RequestExample {
  return {
    mode: item.mode,
    action: item.request.action.id,
    principal: item.principalName || formatEntityUid(item.request.principal),
    resource: item.resourceName || formatEntityUid(item.request.resource),
    context: item.request.context,
    origin: describeOrigin(item.origin),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
