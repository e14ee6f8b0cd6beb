// Compares the decisions of a git revision's policies with the working tree's over one request space, and lists what flipped.
import type { Context } from '@cedar-policy/cedar-wasm/nodejs';
import { createEvaluator, type Evaluator, type Outcome, type TemplateLinkSpec } from './evaluate.js';
import { PolicySetError } from './errors.js';
import { readRevisionSources, resolveRevision, type Revision } from './git-sources.js';
import { loadPolicyTests } from './load-tests.js';
import { loadPolicyCatalog, policySetOf, type PolicyCatalog } from './policy-catalog.js';
import { buildRequestSpace, canonical, describeOrigin, type SpaceRequest } from './request-space.js';
import { formatEntityUid } from './entity-uid.js';

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
  /** Where the request came from: test cases (`case <file>:<line> <id>`) first, then `fixtures` for the cross product. */
  readonly origins: readonly string[];
  readonly before: SideDecision;
  readonly after: SideDecision;
}

export interface DecisionDiff {
  readonly base: Revision;
  readonly requests: number;
  readonly modes: readonly string[];
  readonly changes: readonly DecisionChange[];
  readonly allowToDeny: number;
  readonly denyToAllow: number;
  /** Requests that kept their decision but now rest on other policies. */
  readonly determiningChanged: number;
  /** What the reader should know: modes or templates missing on one side, files that do not load. */
  readonly notes: readonly string[];
}

export function diffDecisions({ root, base, suitesDir }: DiffOptions): DecisionDiff {
  const revision = resolveRevision(root, base);
  const head = loadPolicyTests({ root, ...(suitesDir ? { suitesDir } : {}) });
  const baseSources = readRevisionSources(root, base);
  const baseCatalog = loadPolicyCatalog(baseSources);
  const notes: string[] = [
    ...head.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `working tree: ${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`),
    ...baseCatalog.diagnostics.map((d) => `${base}: ${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`),
  ];
  const before = new SideEvaluators(baseCatalog, baseSources.schemaFiles[0]?.text, base, notes);
  const after = new SideEvaluators(head.catalog, head.schema?.file.text, 'working tree', notes);

  const space = buildRequestSpace(head);
  // Suites that share fixtures ask some requests more than once, with other entities or links that change nothing
  // here; the report shows each distinct request and outcome once, with every place it came from.
  const byRow = new Map<string, DecisionChange>();
  let determiningChanged = 0;
  for (const item of space) {
    const was = before.evaluate(item);
    const now = after.evaluate(item);
    if (was.decision === now.decision) {
      if (was.determining.join() !== now.determining.join()) determiningChanged++;
      continue;
    }
    const change = toChange(item, was, now);
    const row = canonical({ ...change, origins: [] });
    const known = byRow.get(row);
    byRow.set(row, known ? { ...known, origins: [...new Set([...known.origins, ...change.origins])].sort(compareOrigins) } : change);
  }
  const changes = [...byRow.values()].sort(compareChanges);
  return {
    base: revision,
    requests: space.length,
    modes: [...new Set(space.map((item) => item.mode))].sort(),
    changes,
    allowToDeny: changes.filter((change) => change.before.decision === 'allow').length,
    denyToAllow: changes.filter((change) => change.before.decision === 'deny').length,
    determiningChanged,
    notes: [...new Set(notes)],
  };
}

/** The evaluators of one side, one per mode and set of template links, made on first use. */
class SideEvaluators {
  private readonly cache = new Map<string, Evaluator | undefined>();

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

function toChange(item: SpaceRequest, before: SideDecision, after: SideDecision): DecisionChange {
  return {
    mode: item.mode,
    action: item.request.action.id,
    principal: item.principalName,
    principalUid: formatEntityUid(item.request.principal),
    resource: item.resourceName,
    resourceUid: formatEntityUid(item.request.resource),
    context: item.request.context,
    origins: [describeOrigin(item.origin)],
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

/** Test cases before the cross product, then by text. */
function compareOrigins(a: string, b: string): number {
  const rank = (origin: string): number => (origin === 'fixtures' ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
