// Decides in-process with cedar-wasm: the policy set is parsed once at init, never per request.
import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyBundle } from '../config.js';
import { EngineError } from '../errors.js';
import { failClosed, type AuthorizationRequest, type Decision, type Engine } from './decision.js';

let nextPolicySetNumber = 0;

export function createLocalEngine(bundle: PolicyBundle): Engine {
  // cedar-wasm keeps preparsed sets in a process-wide registry; a unique id keeps two engines apart.
  const policySetId = `${bundle.mode}#${nextPolicySetNumber++}`;
  const parsed = preparsePolicySet(policySetId, { staticPolicies: { ...bundle.policies }, templates: { ...bundle.templates }, templateLinks: [] });
  if (parsed.type === 'failure') {
    throw new EngineError(`the policy bundle of ${bundle.mode} does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  return {
    kind: 'local',
    async isAuthorized(request: AuthorizationRequest): Promise<Decision> {
      return decideLocally(policySetId, request);
    },
    async isAuthorizedBatch(requests: readonly AuthorizationRequest[]): Promise<Decision[]> {
      return requests.map((request) => decideLocally(policySetId, request));
    },
  };
}

export function decideLocally(policySetId: string, request: AuthorizationRequest): Decision {
  const answer = statefulIsAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: { ...request.context },
    entities: [...request.entities],
    preparsedPolicySetId: policySetId,
  });
  if (answer.type === 'failure') {
    throw new EngineError(`cedar-wasm refused the request: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const { decision, diagnostics } = answer.response;
  return failClosed({
    decision,
    determiningPolicies: [...diagnostics.reason].sort(),
    errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`),
  });
}
