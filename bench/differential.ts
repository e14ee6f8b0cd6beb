// The differential property at bench scale: the same lab generator and three-way oracle as
// tests/differential/engines.property.test.ts, for 100,000 requests (4,000 scenarios of 25), counting disagreements.
import fc from 'fast-check';
import { scenarioArb } from '../tests/differential/lab-generator.js';
import { describeDisagreement, startThreeWay, type Disagreement } from '../tests/differential/three-way.js';

export interface DifferentialBenchResult {
  readonly seed: number;
  readonly cases: number;
  readonly disagreements: number;
  /** The first disagreement in full, when there is one. */
  readonly firstDisagreement?: string;
  readonly allows: number;
  readonly denies: number;
  readonly withErrors: number;
  readonly refused: number;
  readonly seconds: number;
}

const REQUESTS_PER_SCENARIO = 25;

export async function benchDifferential(options: { readonly cases: number; readonly seed?: number }): Promise<DifferentialBenchResult> {
  const seed = options.seed ?? 20_261_206;
  const threeWay = await startThreeWay();
  const started = performance.now();
  let disagreements = 0;
  let first: Disagreement | undefined;
  try {
    // The test's generator and seed, ten times the scenarios; every scenario is checked, a disagreement stops nothing.
    const scenarios = fc.sample(scenarioArb(REQUESTS_PER_SCENARIO), { seed, numRuns: Math.ceil(options.cases / REQUESTS_PER_SCENARIO) });
    for (const scenario of scenarios) {
      const found = await threeWay.check(scenario);
      disagreements += found.length;
      first ??= found[0];
    }
  } finally {
    await threeWay.close();
  }
  const { cases, allows, denies, withErrors, refused } = threeWay.tally;
  return {
    seed,
    cases,
    disagreements,
    ...(first ? { firstDisagreement: describeDisagreement(first) } : {}),
    allows,
    denies,
    withErrors,
    refused,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
