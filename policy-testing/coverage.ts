// Measures what the suites exercised: how many cases each policy determined, and the actions, entity types and routes never tried.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { CoverageConfig } from './coverage-config.js';
import type { PolicyTests } from './load-tests.js';
import type { CaseResult } from './run-suites.js';
import { overriddenPermits } from './overridden-permits.js';
import { runtimeReachability, type RuntimeReachability } from './runtime-parity/reachability.js';

export interface PolicyCoverage {
  readonly id: string;
  readonly kind: 'policy' | 'template';
  /** Where the policy is declared, `policies/customer/roles.cedar:5`. */
  readonly location: string;
  /** Cases whose decision this policy (or, for a template, one of its links) determined: `allowCases + denyCases`. */
  readonly determiningCases: number;
  /** Cases it determined that ended in Allow (a permit that held, with no forbid holding). */
  readonly allowCases: number;
  /** Cases it determined that ended in Deny (a forbid that held). */
  readonly denyCases: number;
  /** Cases where it is a permit that held, but a forbid that also held denied the request (overridden-permits.ts). */
  readonly overriddenCases: number;
  /** The modes of those cases, sorted. */
  readonly modes: readonly string[];
}

interface PolicyCounts {
  allow: number;
  deny: number;
  overridden: number;
  /** The modes of the cases it determined. */
  readonly modes: Set<string>;
}

export interface RouteGap {
  readonly mode: string;
  readonly action: string;
  /** The decisions no case of this mode and action produced. */
  readonly missing: readonly ('allow' | 'deny')[];
}

export interface CoverageReport {
  readonly cases: number;
  readonly failedCases: number;
  readonly suites: number;
  readonly casesByMode: Readonly<Record<string, number>>;
  readonly policies: readonly PolicyCoverage[];
  readonly actionsNeverExercised: readonly string[];
  readonly entityTypesNeverExercised: readonly string[];
  /** Routed actions of a mode that lack an allow case or a deny case. */
  readonly routeGaps: readonly RouteGap[];
  /**
   * The cases the runtime parity run can send through their mode's real runtime, and those it cannot, by reason (no
   * route for the action, a principal attribute no claim carries...). Null when the project does not generate.
   */
  readonly runtimeReachability: RuntimeReachability | null;
}

export interface GateResult {
  readonly pass: boolean;
  readonly minimumDeterminingCases: number;
  /** Why the gate fails: policies under the minimum, routes without both decisions. */
  readonly failures: readonly string[];
  /** Waivers that no longer do anything. */
  readonly warnings: readonly string[];
  readonly waived: readonly { readonly id: string; readonly reason: string; readonly determiningCases: number }[];
}

export function computeCoverage(tests: PolicyTests, results: readonly CaseResult[]): CoverageReport {
  const templateOfLink = new Map(
    tests.suites.flatMap((suite) => suite.links.map((link) => [`${suite.file}#${link.id}`, link.templateId] as const)),
  );
  const counts = new Map<string, PolicyCounts>();
  const countOf = (id: string): PolicyCounts => {
    const known = counts.get(id);
    if (known) return known;
    const fresh = { allow: 0, deny: 0, overridden: 0, modes: new Set<string>() };
    counts.set(id, fresh);
    return fresh;
  };
  const overridden = overriddenPermits(tests, results);
  const exercisedActions = new Set<string>();
  const exercisedTypes = new Set<string>();
  const decisions = new Map<string, Set<string>>();
  const casesByMode: Record<string, number> = {};

  for (const result of results) {
    const { testCase, outcome } = result;
    const { request, mode } = testCase;
    const policyIds = (ids: readonly string[]): Set<string> =>
      new Set(ids.map((id) => templateOfLink.get(`${testCase.suite}#${id}`) ?? id));
    casesByMode[mode] = (casesByMode[mode] ?? 0) + 1;
    exercisedActions.add(request.action.id);
    for (const type of [request.principal.type, request.resource.type, ...testCase.entities.map(entityType)]) exercisedTypes.add(type);
    const key = `${mode} ${request.action.id}`;
    decisions.set(key, (decisions.get(key) ?? new Set()).add(outcome.decision));
    for (const id of policyIds(outcome.determining)) {
      const count = countOf(id);
      count[outcome.decision]++;
      count.modes.add(mode);
    }
    for (const id of policyIds(overridden.get(result) ?? [])) countOf(id).overridden++;
  }

  const policies = tests.catalog.policies
    .filter((policy): policy is typeof policy & { id: string } => policy.id !== undefined)
    .map((policy): PolicyCoverage => {
      const count = counts.get(policy.id);
      return {
        id: policy.id,
        kind: policy.kind,
        location: `${policy.file.path}:${policy.idPosition.line}`,
        determiningCases: (count?.allow ?? 0) + (count?.deny ?? 0),
        allowCases: count?.allow ?? 0,
        denyCases: count?.deny ?? 0,
        overriddenCases: count?.overridden ?? 0,
        modes: [...(count?.modes ?? [])].sort(),
      };
    })
    .sort((a, b) => compare(a.id, b.id));

  const routeGaps = [...tests.catalog.modes.values()].flatMap((mode) =>
    [...new Set(mode.routeActions)].sort().flatMap((action) => {
      const seen = decisions.get(`${mode.name} ${action}`) ?? new Set();
      const missing = (['allow', 'deny'] as const).filter((decision) => !seen.has(decision));
      return missing.length > 0 ? [{ mode: mode.name, action, missing }] : [];
    }),
  );

  return {
    cases: results.length,
    failedCases: results.filter((result) => !result.verdict.pass).length,
    suites: new Set(results.map((result) => result.testCase.suite)).size,
    casesByMode: Object.fromEntries(Object.entries(casesByMode).sort(([a], [b]) => compare(a, b))),
    policies,
    actionsNeverExercised: [...(tests.schema?.actions.keys() ?? [])].filter((action) => !exercisedActions.has(action)).sort(),
    entityTypesNeverExercised: [...(tests.schema?.entityTypes.keys() ?? [])].filter((type) => !exercisedTypes.has(type)).sort(),
    routeGaps,
    runtimeReachability: runtimeReachability(
      tests.sources,
      tests.suites,
      results.map((result) => result.testCase),
    ),
  };
}

export function applyGate(report: CoverageReport, config: CoverageConfig): GateResult {
  const minimum = config.minimumDeterminingCases;
  const waiverOf = new Map(config.waivers.map((waiver) => [waiver.id, waiver]));
  const failures: string[] = [];
  const warnings: string[] = [];
  const waived: GateResult['waived'][number][] = [];
  for (const policy of report.policies) {
    const waiver = waiverOf.get(policy.id);
    const below = policy.determiningCases < minimum;
    if (waiver) {
      waived.push({ id: policy.id, reason: waiver.reason, determiningCases: policy.determiningCases });
      if (!below) warnings.push(`${policy.id} determines ${plural(policy.determiningCases, 'case')} now; its waiver can go`);
    } else if (below) {
      failures.push(
        `${policy.id} (${policy.location}) determined ${plural(policy.determiningCases, 'case')}; the minimum is ${minimum}. ` +
          `Add a case it decides, or a waiver with a reason in tests/policies/coverage.yaml.`,
      );
    }
  }
  for (const gap of report.routeGaps) {
    failures.push(`mode ${gap.mode} routes ${gap.action}, but no case of it ends in ${gap.missing.join(' or ')}`);
  }
  return { pass: failures.length === 0, minimumDeterminingCases: minimum, failures, warnings, waived };
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

function entityType(entity: EntityJson): string {
  return '__entity' in entity.uid ? entity.uid.__entity.type : entity.uid.type;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
