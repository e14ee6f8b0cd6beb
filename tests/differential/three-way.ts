// The differential oracle: each request decided by the runtime's local engine, by the AVP engine through the real SDK
// and the local AVP endpoint, and by a direct cedar-wasm isAuthorized given the schema, every policy and all entities.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { isAuthorized, type TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { createAvpEngine } from '../../runtime/engine/avp-engine.js';
import {
  failClosed,
  type AuthorizationRequest,
  type Decision,
  type Engine,
  type TemplateLinkRecord,
} from '../../runtime/engine/decision.js';
import { createLocalEngine } from '../../runtime/engine/local-engine.js';
import { LAB_BUNDLE, LAB_SCHEMA } from './lab-domain.js';
import { LINK_SETS, type Scenario } from './lab-generator.js';

/** What one engine made of one request. */
export type Outcome =
  | {
      readonly kind: 'decided';
      readonly decision: Decision['decision'];
      readonly determiningPolicies: readonly string[];
      readonly errorCount: number;
    }
  /** Refused as not conforming to the schema (cedar-wasm's failure, AVP's ValidationException). */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Anything else: a transport failure, an unexpected error. Never agrees with anything. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface Disagreement {
  readonly scenario: Pick<Scenario, 'linkSet' | 'principal' | 'graphDeparture'>;
  readonly links: readonly TemplateLinkRecord[];
  readonly request: AuthorizationRequest;
  readonly reference: Outcome;
  readonly local: Outcome;
  readonly avp: Outcome;
}

export interface Tally {
  cases: number;
  allows: number;
  denies: number;
  withErrors: number;
  refused: number;
  readonly determining: Map<string, number>;
}

export interface ThreeWay {
  /** Decides every request of the scenario three ways; the disagreements, if any, in request order. */
  check(scenario: Scenario): Promise<Disagreement[]>;
  readonly tally: Tally;
  close(): Promise<void>;
}

/** The reference fills the slots the way the templates declare them; lab.audit-read has only ?resource. */
const RESOURCE_ONLY_TEMPLATES = new Set(['lab.audit-read']);

function referenceLink(link: TemplateLinkRecord): TemplateLink {
  return {
    templateId: link.templateId,
    newId: link.id,
    values: RESOURCE_ONLY_TEMPLATES.has(link.templateId)
      ? { '?resource': link.resource }
      : { '?principal': link.principal, '?resource': link.resource },
  };
}

function reference(request: AuthorizationRequest, links: readonly TemplateLinkRecord[]): Outcome {
  const answer = isAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: { ...request.context },
    schema: LAB_SCHEMA,
    policies: {
      staticPolicies: { ...LAB_BUNDLE.policies },
      templates: { ...LAB_BUNDLE.templates },
      templateLinks: links.map(referenceLink),
    },
    entities: [...request.entities],
  });
  if (answer.type === 'failure') return { kind: 'refused', reason: answer.errors.map((e) => e.message).join('; ') };
  const { decision, diagnostics } = answer.response;
  return decided(
    failClosed({ decision, determiningPolicies: [...diagnostics.reason].sort(), errors: diagnostics.errors.map((e) => e.policyId) }),
  );
}

function decided(decision: Decision): Outcome {
  return {
    kind: 'decided',
    decision: decision.decision,
    determiningPolicies: decision.determiningPolicies,
    errorCount: decision.errors.length,
  };
}

/** One engine's batch, or each request alone; a refusal of the batch refuses every request in it. */
async function decide(
  engine: Engine,
  requests: readonly AuthorizationRequest[],
  options: Parameters<Engine['isAuthorized']>[1],
  refusal: (error: unknown) => Outcome,
): Promise<Outcome[]> {
  try {
    return (await engine.isAuthorizedBatch(requests, options)).map(decided);
  } catch (error) {
    return requests.map(() => refusal(error));
  }
}

function localRefusal(error: unknown): Outcome {
  const reason = error instanceof Error ? error.message : String(error);
  return reason.startsWith('cedar-wasm refused the request: ') ? { kind: 'refused', reason } : { kind: 'failed', reason };
}

function avpRefusal(error: unknown): Outcome {
  const reason = error instanceof Error ? error.message : String(error);
  return reason.startsWith('Verified Permissions failed (ValidationException): ') ||
    reason.startsWith('Verified Permissions batch failed (ValidationException): ')
    ? { kind: 'refused', reason }
    : { kind: 'failed', reason };
}

function agree(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'decided' || b.kind !== 'decided') return a.kind === 'refused';
  return (
    a.decision === b.decision &&
    a.errorCount === b.errorCount &&
    JSON.stringify(a.determiningPolicies) === JSON.stringify(b.determiningPolicies)
  );
}

export async function startThreeWay(): Promise<ThreeWay> {
  const endpoint: LocalAvpEndpoint = await startLocalAvpEndpoint();
  const client: VerifiedPermissionsClient = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  const storeIds = LINK_SETS.map((templateLinks) => endpoint.seedPolicyStore({ bundle: LAB_BUNDLE, templateLinks }));
  const local = createLocalEngine(LAB_BUNDLE);
  const avp = createAvpEngine({ client, timeoutMs: 10_000 });
  const tally: Tally = { cases: 0, allows: 0, denies: 0, withErrors: 0, refused: 0, determining: new Map() };

  function count(outcome: Outcome): void {
    tally.cases++;
    if (outcome.kind !== 'decided') {
      tally.refused++;
      return;
    }
    if (outcome.decision === 'allow') tally.allows++;
    else tally.denies++;
    if (outcome.errorCount > 0) tally.withErrors++;
    for (const id of outcome.determiningPolicies) tally.determining.set(id, (tally.determining.get(id) ?? 0) + 1);
  }

  return {
    tally,
    async check(scenario) {
      const links = LINK_SETS[scenario.linkSet] ?? [];
      const policyStoreId = storeIds[scenario.linkSet];
      const localOptions = { templateLinks: links };
      const avpOptions = { policyStoreId };
      const batches = [scenario.requests, ...scenario.refusals.map((request) => [request])];
      const disagreements: Disagreement[] = [];
      for (const requests of batches) {
        const [viaLocal, viaAvp] = await Promise.all([
          decide(local, requests, localOptions, localRefusal),
          decide(avp, requests, avpOptions, avpRefusal),
        ]);
        requests.forEach((request, index) => {
          const expected = reference(request, links);
          const localOutcome = viaLocal[index] ?? { kind: 'failed', reason: 'no answer' };
          const avpOutcome = viaAvp[index] ?? { kind: 'failed', reason: 'no answer' };
          count(expected);
          if (!agree(expected, localOutcome) || !agree(expected, avpOutcome) || !agree(localOutcome, avpOutcome)) {
            disagreements.push({
              scenario: { linkSet: scenario.linkSet, principal: scenario.principal, graphDeparture: scenario.graphDeparture },
              links,
              request,
              reference: expected,
              local: localOutcome,
              avp: avpOutcome,
            });
          }
        });
      }
      return disagreements;
    },
    async close() {
      client.destroy();
      await endpoint.close();
    },
  };
}

/** The whole case, entities included, for a failure message. */
export function describeDisagreement(disagreement: Disagreement): string {
  return `the engines disagree:\n${JSON.stringify(disagreement, null, 2)}`;
}
