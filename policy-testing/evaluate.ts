// Decides test requests with cedar-wasm: the policy set and the schema are preparsed once, then each request is one call.
import { createHash } from 'node:crypto';
import {
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
  type Context,
  type EntityJson,
  type TemplateLink,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import { failClosed } from '../runtime/engine/decision.js';
import { PolicySetError } from './errors.js';
import type { ModePolicySet } from './policy-catalog.js';

export const SCHEMA_CHECKS = ['request', 'none'] as const;
/** `request`: entities, request and context must conform to the schema (as AVP checks); `none`: as the local engine runs. */
export type SchemaCheck = (typeof SCHEMA_CHECKS)[number];

export interface TestRequest {
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Context;
}

export interface TemplateLinkSpec {
  /** The policy id of the link, as decisions name it. */
  readonly id: string;
  readonly templateId: string;
  readonly principal: TypeAndId;
  readonly resource: TypeAndId;
}

export interface Outcome {
  /** What the authorizer does: Cedar's answer, except that an allow that came with any error is a deny. */
  readonly decision: 'allow' | 'deny';
  /** Cedar's own answer; `refused` when cedar-wasm rejected the request (it does not conform to the schema). */
  readonly cedarDecision: 'allow' | 'deny' | 'refused';
  /** The policies (or template links) that determined `decision`, sorted. */
  readonly determining: readonly string[];
  /** The policies Cedar named, even when fail-closed overruled its allow. */
  readonly cedarDetermining: readonly string[];
  readonly errors: readonly string[];
}

export interface EvaluatorOptions {
  readonly policySet: ModePolicySet;
  readonly links?: readonly TemplateLinkSpec[];
  readonly schemaText: string;
}

export interface Evaluator {
  evaluate(request: TestRequest, entities: readonly EntityJson[], schemaCheck: SchemaCheck): Outcome;
  /** The template a link id instantiates; undefined for a static policy id. */
  templateOf(policyId: string): string | undefined;
}

// cedar-wasm keeps preparsed sets and schemas in one registry per process; numbered ids keep evaluators apart.
let nextPolicySetNumber = 0;
const preparsedSchemas = new Map<string, string>();

export function createEvaluator({ policySet, links = [], schemaText }: EvaluatorOptions): Evaluator {
  const policySetId = `policy-testing/${policySet.mode}#${nextPolicySetNumber++}`;
  const templateLinks: TemplateLink[] = links.map((link) => ({
    templateId: link.templateId,
    newId: link.id,
    values: { '?principal': link.principal, '?resource': link.resource },
  }));
  const parsed = preparsePolicySet(policySetId, {
    staticPolicies: { ...policySet.staticPolicies },
    templates: { ...policySet.templates },
    templateLinks,
  });
  if (parsed.type === 'failure') {
    throw new PolicySetError(`the policies of mode ${policySet.mode} do not preparse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  const schemaName = preparsedSchemaName(schemaText);
  const templateByLink = new Map(links.map((link) => [link.id, link.templateId]));

  return {
    templateOf: (policyId) => templateByLink.get(policyId),
    evaluate(request, entities, schemaCheck) {
      const answer = statefulIsAuthorized({
        principal: request.principal,
        action: request.action,
        resource: request.resource,
        context: request.context,
        entities: [...entities],
        preparsedPolicySetId: policySetId,
        ...(schemaCheck === 'request' ? { preparsedSchemaName: schemaName, validateRequest: true } : {}),
      });
      if (answer.type === 'failure') {
        return {
          decision: 'deny',
          cedarDecision: 'refused',
          determining: [],
          cedarDetermining: [],
          errors: answer.errors.map((e) => e.message),
        };
      }
      const { decision, diagnostics } = answer.response;
      const cedarDetermining = [...diagnostics.reason].sort();
      const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
      const effective = failClosed({ decision, determiningPolicies: cedarDetermining, errors });
      return {
        decision: effective.decision,
        cedarDecision: decision,
        determining: effective.determiningPolicies,
        cedarDetermining,
        errors,
      };
    },
  };
}

/** Preparses each distinct schema text once per process. */
function preparsedSchemaName(schemaText: string): string {
  const hash = createHash('sha256').update(schemaText).digest('hex').slice(0, 16);
  const known = preparsedSchemas.get(hash);
  if (known) return known;
  const name = `policy-testing/schema-${hash}`;
  const parsed = preparseSchema(name, schemaText);
  if (parsed.type === 'failure')
    throw new PolicySetError(`the Cedar schema does not preparse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  preparsedSchemas.set(hash, name);
  return name;
}
