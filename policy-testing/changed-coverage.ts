// Narrows the coverage report to the policies and templates a change touched since a git revision, as a PR review needs.
import type { PolicyCoverage, CoverageReport } from './coverage.js';
import { readRevisionSources, resolveRevision, type Revision } from './git-sources.js';
import type { PolicyTests } from './load-tests.js';
import { loadPolicyCatalog, type PolicyCatalog } from './policy-catalog.js';
import { comparePolicyCatalogs, type PolicyChange } from './policy-changes.js';

/** A policy the change removed: no case can exercise it any more. */
export interface RemovedPolicyCoverage {
  readonly change: 'removed';
  readonly id: string;
  readonly kind: 'policy' | 'template';
  /** Where its text started at the base revision (its doc comment or first annotation). */
  readonly location: string;
}

/** A policy the change added, modified or moved to other modes, with the working tree's counts. */
export interface PresentPolicyCoverage {
  readonly change: Exclude<PolicyChange['kind'], 'removed'>;
  readonly id: string;
  readonly kind: 'policy' | 'template';
  /** Where its @id is in the working tree, as the coverage table says. */
  readonly location: string;
  readonly allowCases: number;
  readonly denyCases: number;
  readonly overriddenCases: number;
  /** False when no case exercises it: it determines no case and no forbid overrides it anywhere. */
  readonly exercised: boolean;
}

export type ChangedPolicyCoverage = RemovedPolicyCoverage | PresentPolicyCoverage;

export interface ChangedCoverage {
  readonly base: Revision;
  /** Sorted by id. */
  readonly policies: readonly ChangedPolicyCoverage[];
  /** The ids of the changed policies no case exercises. */
  readonly unexercised: readonly string[];
  /** Policy or mode files of the base revision that do not load: what they held cannot be compared. */
  readonly notes: readonly string[];
}

/** A git revision's policies and modes, read without a checkout, as `npm run diff` reads its base. */
export interface BaseCatalog {
  readonly revision: Revision;
  readonly catalog: PolicyCatalog;
}

/** Throws GitRevisionError when `ref` is not a revision of the repository at `root`. */
export function readBaseCatalog(root: string, ref: string): BaseCatalog {
  return { revision: resolveRevision(root, ref), catalog: loadPolicyCatalog(readRevisionSources(root, ref)) };
}

/** The policies and templates that differ between the base and the working tree, with the working tree's counts. */
export function changedCoverage(base: BaseCatalog, tests: PolicyTests, report: CoverageReport): ChangedCoverage {
  const byId = new Map(report.policies.map((policy) => [policy.id, policy]));
  const policies = comparePolicyCatalogs(base.catalog, tests.catalog).map((change) => coverageOf(change, byId.get(change.id)));
  const { ref } = base.revision;
  return {
    base: base.revision,
    policies,
    unexercised: policies.flatMap((policy) => (policy.change !== 'removed' && !policy.exercised ? [policy.id] : [])),
    notes: base.catalog.diagnostics.map((d) => `${ref}: ${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`),
  };
}

function coverageOf(change: PolicyChange, coverage: PolicyCoverage | undefined): ChangedPolicyCoverage {
  if (change.kind === 'removed') {
    return { change: 'removed', id: change.id, kind: change.before.kind, location: change.before.location };
  }
  const allowCases = coverage?.allowCases ?? 0;
  const denyCases = coverage?.denyCases ?? 0;
  const overriddenCases = coverage?.overriddenCases ?? 0;
  return {
    change: change.kind,
    id: change.id,
    kind: change.after.kind,
    location: coverage?.location ?? change.after.location,
    allowCases,
    denyCases,
    overriddenCases,
    exercised: allowCases + denyCases + overriddenCases > 0,
  };
}
