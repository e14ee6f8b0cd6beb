// Differential property: on random lab graphs and requests, the runtime's local engine, the AVP engine through the local
// AVP endpoint, and a direct cedar-wasm isAuthorized with the schema and every entity all agree.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_BUNDLE } from './lab-domain.js';
import { LINK_SETS, scenarioArb } from './lab-generator.js';
import { describeDisagreement, startThreeWay, type ThreeWay } from './three-way.js';

const SEED = 20_261_206;
const SCENARIOS = 400;
const REQUESTS_PER_SCENARIO = 25;

let threeWay: ThreeWay;

beforeAll(async () => {
  threeWay = await startThreeWay();
});

afterAll(async () => {
  await threeWay.close();
});

describe("the local engine, the AVP engine and cedar-wasm's isAuthorized", () => {
  it(`agree on decision, determining policies and error count for ${SCENARIOS * REQUESTS_PER_SCENARIO}+ random requests (seed ` +
    `${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(REQUESTS_PER_SCENARIO), async (scenario) => {
        const [first] = await threeWay.check(scenario);
        if (first) throw new Error(describeDisagreement(first));
      }),
      // No shrinking: each step costs real HTTP round trips, and the failure message already holds the whole case.
      { seed: SEED, numRuns: SCENARIOS, endOnFailure: true },
    );

    expect(threeWay.tally.cases).toBeGreaterThanOrEqual(10_000);
  }, 600_000);

  // Runs after the property: a generator that stopped reaching a feature would make the agreement above hollow.
  it('reached every outcome: allows, denies, evaluation errors, refusals, and every policy and link as a determining policy', () => {
    const { allows, denies, withErrors, refused, determining, cases } = threeWay.tally;
    const decidable = [...Object.keys(LAB_BUNDLE.policies), ...LINK_SETS.flat().map((link) => link.id)];

    expect(Math.min(allows, denies, withErrors, refused)).toBeGreaterThanOrEqual(cases / 100);
    expect(decidable.filter((id) => (determining.get(id) ?? 0) === 0)).toEqual([]);
  });
});
