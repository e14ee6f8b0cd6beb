// Counts, without running anything, the suite cases each mode's runtime cannot express, by reason: what the coverage
// report adds to its numbers.
import type { LoadedSuite, PolicyCase } from '../load-suites.js';
import type { ProjectSources } from '../../generator/load/source-files.js';
import { planCase } from './case-plan.js';
import { ParityProjectError } from '../errors.js';
import { buildParityModes } from './parity-modes.js';
import { countByKind, type Unreachable, type UnreachableKind } from './unreachable.js';

export interface RuntimeReachability {
  /** Cases a token, a route and the seeded stores can carry through their mode's runtime. */
  readonly reachable: number;
  readonly unreachable: number;
  /** Every kind, zero when no case has it. */
  readonly unreachableByReason: Readonly<Record<UnreachableKind, number>>;
}

/** Null when the project does not generate: then no mode exists to reach anything through. */
export function runtimeReachability(
  sources: ProjectSources,
  suites: readonly LoadedSuite[],
  cases: readonly PolicyCase[],
): RuntimeReachability | null {
  let modes;
  try {
    modes = buildParityModes(sources);
  } catch (error) {
    if (error instanceof ParityProjectError) return null;
    throw error;
  }
  const linksOf = new Map(suites.map((suite) => [suite.file, suite.links]));
  const unreachable: Unreachable[] = [];
  for (const testCase of cases) {
    const mode = modes.get(testCase.mode);
    // A suite's mode always generates when the project does; a missing one reaches nothing all the same.
    const plan = mode ? planCase(mode, linksOf.get(testCase.suite) ?? [], testCase) : undefined;
    if (!plan) unreachable.push({ kind: 'no-route', reason: `mode ${testCase.mode} was not generated` });
    else if (!plan.ok) unreachable.push(plan.unreachable);
  }
  return { reachable: cases.length - unreachable.length, unreachable: unreachable.length, unreachableByReason: countByKind(unreachable) };
}
