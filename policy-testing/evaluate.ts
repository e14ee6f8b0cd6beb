// Decides test requests with cedar-wasm on the slice of the policy set that may apply, as the local engine decides.
import { createHash } from 'node:crypto';
import {
  preparsePolicySet,
  preparseSchema,
  schemaToJson,
  statefulIsAuthorized,
  type Context,
  type EntityJson,
  type TemplateLink,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import { failClosed } from '../runtime/engine/decision.js';
import { readActionHierarchy, type ActionHierarchy } from '../runtime/engine/slicing/action-hierarchy.js';
import { PolicySlicer } from '../runtime/engine/slicing/policy-slicer.js';
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
const preparsedSchemas = new Map<string, PreparsedSchema>();

interface PreparsedSchema {
  readonly name: string;
  readonly actions: ActionHierarchy;
}

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
  // The whole set was preparsed above to refuse, with Cedar's message, policies or links that do not parse; requests
  // are decided on slices (runtime/engine/slicing/policy-slicer.ts), so its registry entry is emptied.
  preparsePolicySet(policySetId, {});
  const schema = preparsedSchema(schemaText);
  const slicer = new PolicySlicer({
    baseId: policySetId,
    staticPolicies: policySet.staticPolicies,
    templates: policySet.templates,
    actions: schema.actions,
  });
  const linkRecords = [...links];
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
        preparsedPolicySetId: slicer.policySetId({ ...request, entities }, linkRecords),
        ...(schemaCheck === 'request' ? { preparsedSchemaName: schema.name, validateRequest: true } : {}),
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
      // Sorted: Cedar lists errors in its policy set's order, which differs between a slice and the whole set.
      const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).sort();
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

/** Preparses each distinct schema text once per process, and reads its action groups for the slicer. */
function preparsedSchema(schemaText: string): PreparsedSchema {
  const hash = createHash('sha256').update(schemaText).digest('hex').slice(0, 16);
  const known = preparsedSchemas.get(hash);
  if (known) return known;
  const name = `policy-testing/schema-${hash}`;
  const parsed = preparseSchema(name, schemaText);
  if (parsed.type === 'failure')
    throw new PolicySetError(`the Cedar schema does not preparse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const json = schemaToJson(schemaText);
  const actions: ActionHierarchy =
    json.type === 'success' ? readActionHierarchy(json.json) : { kind: 'unknown', why: 'the schema does not convert to JSON' };
  const schema = { name, actions };
  preparsedSchemas.set(hash, schema);
  return schema;
}
