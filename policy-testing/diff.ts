// Compares the decisions of a git revision's policies with the working tree's over one request space, and lists what flipped.
import type { Context } from '@cedar-policy/cedar-wasm/nodejs';
import { createEvaluator, type Evaluator, type Outcome, type TemplateLinkSpec } from './evaluate.js';
import { PolicySetError } from './errors.js';
import { readRevisionSources, resolveRevision, type Revision } from './git-sources.js';
import { loadPolicyTests } from './load-tests.js';
import { loadPolicyCatalog, policySetOf, type PolicyCatalog } from './policy-catalog.js';
import { buildRequestSpace, canonical, describeOrigin, type RequestOrigin, type SpaceRequest } from './request-space.js';
import { formatEntityUid } from './entity-uid.js';
import { comparePolicyCatalogs } from './policy-changes.js';
import { findUnexplored, withDeterminingCounts, type ChangedPolicy, type Unexplored } from './diff-findings.js';
import { countEvaluated, DeterminingTally, RedeterminedGroups, type EvaluatedCounts, type RedeterminedGroup } from './diff-tally.js';
import { DEFAULT_CAP_PER_POLICY, deriveRequests } from './widening/derive-requests.js';

export interface DiffOptions {
  readonly root: string;
  /** The git ref to compare with, such as `main`. */
  readonly base: string;
  /** @default tests/policies */
  readonly suitesDir?: string;
}

export interface SideDecision {
  readonly decision: 'allow' | 'deny';
  readonly determining: readonly string[];
  readonly errors: readonly string[];
}

export interface DecisionChange {
  readonly mode: string;
  readonly action: string;
  readonly principal: string;
  readonly principalUid: string;
  readonly resource: string;
  readonly resourceUid: string;
  readonly context: Context;
  /**
   * Where the request came from: test cases (`case <file>:<line> <id>`) first, then `fixtures` for the cross product,
   * then requests derived from a changed policy (`from <id>: <what>`).
   */
  readonly origins: readonly string[];
  /** `derived` when only derived requests asked it: the report lists those apart from the suites' requests. */
  readonly listedWith: 'suites' | 'derived';
  readonly before: SideDecision;
  readonly after: SideDecision;
}

export interface DecisionDiff {
  readonly base: Revision;
  /** Every request evaluated on both sides. */
  readonly requests: number;
  readonly modes: readonly string[];
  /** The requests evaluated per mode and per origin kind (case, fixtures, derived). */
  readonly evaluated: EvaluatedCounts;
  /** Every policy and template the change adds, removes, modifies or moves between modes, with the requests it determines. */
  readonly policyChanges: readonly ChangedPolicy[];
  readonly changes: readonly DecisionChange[];
  readonly allowToDeny: number;
  readonly denyToAllow: number;
  /** Requests that kept their decision but now rest on other policies. */
  readonly determiningChanged: number;
  /** Those requests, collapsed by policy pair. */
  readonly redetermined: readonly RedeterminedGroup[];
  /** What the space misses: empty, a working-tree file that did not load, a changed policy's mode with no request. */
  readonly unexplored: readonly Unexplored[];
  /** What the reader should know: modes or templates missing on one side, base files that do not load. */
  readonly notes: readonly string[];
}

export function diffDecisions({ root, base, suitesDir }: DiffOptions): DecisionDiff {
  const revision = resolveRevision(root, base);
  const head = loadPolicyTests({ root, ...(suitesDir ? { suitesDir } : {}) });
  const baseSources = readRevisionSources(root, base);
  const baseCatalog = loadPolicyCatalog(baseSources);
  // The working tree's load errors are unexplored parts of the space (diff.unexplored); the base's are notes.
  const notes: string[] = baseCatalog.diagnostics.map((d) => `${base}: ${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`);
  const policyChanges = comparePolicyCatalogs(baseCatalog, head.catalog);
  const before = new SideEvaluators(baseCatalog, baseSources.schemaFiles[0]?.text, base, notes);
  const after = new SideEvaluators(head.catalog, head.schema?.file.text, 'working tree', notes);

  const fixtureSpace = buildRequestSpace(head);
  // Requests derived from the changed policies' scopes and conditions reach what no fixture does (see widening/).
  const widened = deriveRequests({ changes: policyChanges, tests: head, space: fixtureSpace, capPerPolicy: DEFAULT_CAP_PER_POLICY });
  notes.push(...widened.notes);
  const space = [...fixtureSpace, ...widened.requests];
  // Suites that share fixtures ask some requests more than once, with other entities or links that change nothing
  // here; the report shows each distinct request and outcome once, with every place it came from.
  const byRow = new Map<string, { item: SpaceRequest; before: SideDecision; after: SideDecision; origins: RequestOrigin[] }>();
  const redetermined = new RedeterminedGroups();
  for (const item of space) {
    const was = before.evaluate(item);
    const now = after.evaluate(item);
    if (was.decision === now.decision) {
      if (was.determining.join() !== now.determining.join()) redetermined.add(item, was.decision, was.determining, now.determining);
      continue;
    }
    const row = canonical({ ...toChange(item, was, now, []), origins: [] });
    const known = byRow.get(row);
    byRow.set(row, { item, before: was, after: now, origins: [...(known?.origins ?? []), item.origin] });
  }
  const changes = [...byRow.values()].map((row) => toChange(row.item, row.before, row.after, row.origins)).sort(compareChanges);
  const evaluated = countEvaluated(space);
  const groups = redetermined.list();
  return {
    base: revision,
    requests: space.length,
    modes: [...new Set(space.map((item) => item.mode))].sort(),
    evaluated,
    policyChanges: withDeterminingCounts(policyChanges, before.tally, after.tally),
    changes,
    allowToDeny: changes.filter((change) => change.before.decision === 'allow').length,
    denyToAllow: changes.filter((change) => change.before.decision === 'deny').length,
    determiningChanged: groups.reduce((sum, group) => sum + group.count, 0),
    redetermined: groups,
    unexplored: findUnexplored({ evaluated, diagnostics: head.diagnostics, policyChanges }),
    notes: [...new Set(notes)],
  };
}

/** The evaluators of one side, one per mode and set of template links, made on first use. */
class SideEvaluators {
  private readonly cache = new Map<string, Evaluator | undefined>();
  /** The requests each policy and template determines on this side, over every request evaluated. */
  readonly tally = new DeterminingTally();

  constructor(
    private readonly catalog: PolicyCatalog,
    private readonly schemaText: string | undefined,
    private readonly side: string,
    private readonly notes: string[],
  ) {}

  evaluate(item: SpaceRequest): SideDecision {
    const evaluator = this.evaluatorFor(item.mode, item.suite.links);
    if (!evaluator) return { decision: 'deny', determining: [], errors: [`${this.side} cannot evaluate mode ${item.mode}`] };
    const outcome: Outcome = evaluator.evaluate(item.request, item.entities, item.schemaCheck);
    // A template determines a request through any of its links.
    this.tally.add(
      outcome.determining.flatMap((id) => {
        const template = evaluator.templateOf(id);
        return template === undefined ? [id] : [id, template];
      }),
    );
    return { decision: outcome.decision, determining: outcome.determining, errors: outcome.errors };
  }

  private evaluatorFor(mode: string, links: readonly TemplateLinkSpec[]): Evaluator | undefined {
    const key = canonical({ mode, links });
    if (this.cache.has(key)) return this.cache.get(key);
    const policySet = policySetOf(this.catalog, mode);
    let evaluator: Evaluator | undefined;
    if (!policySet) {
      this.notes.push(`${this.side} has no mode ${mode}: every request of it counts as deny there`);
    } else if (this.schemaText === undefined) {
      this.notes.push(`${this.side} has no schema: every request counts as deny there`);
    } else {
      const usable = links.filter((link) => {
        if (link.templateId in policySet.templates) return true;
        this.notes.push(`${this.side} has no template ${link.templateId} in mode ${mode}: link ${link.id} is left out there`);
        return false;
      });
      try {
        evaluator = createEvaluator({ policySet, links: usable, schemaText: this.schemaText });
      } catch (error) {
        if (!(error instanceof PolicySetError)) throw error;
        this.notes.push(`${this.side}: ${error.message}; every request of mode ${mode} counts as deny there`);
      }
    }
    this.cache.set(key, evaluator);
    return evaluator;
  }
}

function toChange(item: SpaceRequest, before: SideDecision, after: SideDecision, origins: readonly RequestOrigin[]): DecisionChange {
  const sorted = [...new Map(origins.map((origin) => [describeOrigin(origin), origin]))].sort(compareOrigins);
  return {
    mode: item.mode,
    action: item.request.action.id,
    principal: item.principalName,
    principalUid: formatEntityUid(item.request.principal),
    resource: item.resourceName,
    resourceUid: formatEntityUid(item.request.resource),
    context: item.request.context,
    origins: sorted.map(([text]) => text),
    listedWith: origins.length > 0 && origins.every((origin) => origin.kind === 'derived') ? 'derived' : 'suites',
    before,
    after,
  };
}

function compareChanges(a: DecisionChange, b: DecisionChange): number {
  const keys = (change: DecisionChange): string[] => [
    change.action,
    change.mode,
    change.principalUid,
    change.resourceUid,
    canonical(change.context),
    change.origins.join(),
  ];
  const [x, y] = [keys(a), keys(b)];
  for (let i = 0; i < x.length; i++) {
    const left = x[i] ?? '';
    const right = y[i] ?? '';
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

const ORIGIN_RANK: Record<RequestOrigin['kind'], number> = { case: 0, fixtures: 1, derived: 2 };

/** Test cases before the cross product, derived requests last, then by text. */
function compareOrigins([a, x]: [string, RequestOrigin], [b, y]: [string, RequestOrigin]): number {
  return ORIGIN_RANK[x.kind] - ORIGIN_RANK[y.kind] || (a < b ? -1 : a > b ? 1 : 0);
}
