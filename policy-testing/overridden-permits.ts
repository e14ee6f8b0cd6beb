// Finds the permits a forbid overrode: in each case a forbid denied, the permits whose scope and conditions held.
//
// Cedar names only the forbids in a Deny's reasons, so the satisfied permits are found by deciding the case a second
// time on the suite's permits alone. That is exact: Cedar evaluates every policy on its own (a policy's value never
// depends on another policy), and an Allow's reasons are every permit that is satisfied, so the permit-only answer
// names exactly the permits that held in the first evaluation. A permit that errored is not satisfied in either.
// cedar-wasm 4.x offers nothing shorter: `isAuthorized` reports reasons for the decision's side only, and partial
// evaluation answers with residual policies, not with the policies that held.
import { policyToJson, templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { createEvaluator, type Evaluator } from './evaluate.js';
import type { PolicyTests } from './load-tests.js';
import type { LoadedSuite } from './load-suites.js';
import type { CaseResult } from './run-suites.js';

/**
 * For each result whose Cedar decision is a Deny that a forbid determined, the permits (or template links) that were
 * satisfied, sorted; other results are absent.
 */
export function overriddenPermits(tests: PolicyTests, results: readonly CaseResult[]): Map<CaseResult, readonly string[]> {
  const schemaText = tests.schema?.file.text;
  const overridden = new Map<CaseResult, readonly string[]>();
  if (schemaText === undefined) return overridden;
  const suiteByFile = new Map(tests.suites.map((suite) => [suite.file, suite]));
  const evaluators = new Map<LoadedSuite, Evaluator>();
  for (const result of results) {
    const { outcome, testCase } = result;
    if (outcome.cedarDecision !== 'deny' || outcome.cedarDetermining.length === 0) continue;
    const suite = suiteByFile.get(testCase.suite);
    if (!suite) continue;
    const evaluator = evaluators.get(suite) ?? permitsOnly(suite, schemaText);
    evaluators.set(suite, evaluator);
    const permits = evaluator.evaluate(testCase.request, testCase.entities, testCase.schemaCheck);
    if (permits.cedarDecision === 'allow') overridden.set(result, permits.cedarDetermining);
  }
  return overridden;
}

function permitsOnly(suite: LoadedSuite, schemaText: string): Evaluator {
  const { policySet } = suite;
  const staticPolicies = Object.fromEntries(Object.entries(policySet.staticPolicies).filter(([, text]) => isPermit(text, 'policy')));
  const templates = Object.fromEntries(Object.entries(policySet.templates).filter(([, text]) => isPermit(text, 'template')));
  return createEvaluator({
    policySet: { mode: policySet.mode, staticPolicies, templates },
    links: suite.links.filter((link) => link.templateId in templates),
    schemaText,
  });
}

/** The effect as Cedar reads it; a policy it cannot read never reached a decision, so it is left out. */
function isPermit(text: string, kind: 'policy' | 'template'): boolean {
  const answer = kind === 'policy' ? policyToJson(text) : templateToJson(text);
  return answer.type === 'success' && answer.json.effect === 'permit';
}
