// What AVP checks in a submitted policy or template, done with cedar-wasm: one statement, its scope, STRICT validation.
import {
  policySetTextToParts,
  policyToJson,
  templateToJson,
  validate,
  type ActionConstraint,
  type DetailedError,
  type EntityUidJson,
  type PolicyJson,
  type PolicySet,
  type PrincipalConstraint,
  type ResourceConstraint,
  type SchemaJson,
} from '@cedar-policy/cedar-wasm/nodejs';
import { asUid } from '../../runtime/engine/avp-values.js';
import { ValidationException } from './errors.js';
import type { Uid } from './wire.js';

/** What AVP reports about a policy's scope: its effect, and the entities its scope names. */
export interface PolicyScope {
  readonly effect: 'Permit' | 'Forbid';
  readonly principal?: Uid;
  readonly resource?: Uid;
  readonly actions?: readonly { readonly actionType: string; readonly actionId: string }[];
  readonly principalSlot: boolean;
  readonly resourceSlot: boolean;
}

/** A static policy statement holds exactly one policy and no template slot. */
export function parseStaticPolicy(statement: string): PolicyScope {
  const parts = splitStatement(statement);
  if (parts.policies.length !== 1 || parts.templates.length !== 0) {
    throw new ValidationException(
      `a static policy statement must hold exactly one policy without slots (found ${parts.policies.length} policies, ` +
        `${parts.templates.length} templates)`,
    );
  }
  const json = policyToJson(statement);
  if (json.type === 'failure') throw new ValidationException(messages('the policy does not parse', json.errors));
  return scopeOf(json.json);
}

/**
 * A template statement holds exactly one template. AVP, unlike Cedar, also refuses a template whose principal or
 * resource is unconstrained.
 */
export function parseTemplate(statement: string): PolicyScope {
  const parts = splitStatement(statement);
  if (parts.templates.length !== 1 || parts.policies.length !== 0) {
    throw new ValidationException(
      `a policy template statement must hold exactly one template with a slot (found ` +
        `${parts.templates.length} templates, ${parts.policies.length} policies)`,
    );
  }
  const json = templateToJson(statement);
  if (json.type === 'failure') throw new ValidationException(messages('the template does not parse', json.errors));
  if (json.json.principal.op === 'All' || json.json.resource.op === 'All') {
    throw new ValidationException('a policy template must constrain both its principal and its resource');
  }
  return scopeOf(json.json);
}

/** Validation mode STRICT: the policies must type-check against the schema; warnings do not block. */
export function validateStrict(schema: SchemaJson<string>, policies: PolicySet): void {
  const answer = validate({ schema, policies, validationSettings: { mode: 'strict' } });
  if (answer.type === 'failure') throw new ValidationException(messages('validation failed', answer.errors));
  if (answer.validationErrors.length > 0) {
    throw new ValidationException(
      messages(
        'the policy does not conform to the schema',
        answer.validationErrors.map((e) => e.error),
      ),
    );
  }
}

function splitStatement(statement: string): { policies: string[]; templates: string[] } {
  const parts = policySetTextToParts(statement);
  if (parts.type === 'failure') throw new ValidationException(messages('the statement does not parse', parts.errors));
  return { policies: parts.policies, templates: parts.policy_templates };
}

function scopeOf(policy: PolicyJson): PolicyScope {
  const principal = scopeEntity(policy.principal);
  const resource = scopeEntity(policy.resource);
  const actions = actionsOf(policy.action);
  return {
    effect: policy.effect === 'permit' ? 'Permit' : 'Forbid',
    ...(principal.uid ? { principal: principal.uid } : {}),
    ...(resource.uid ? { resource: resource.uid } : {}),
    ...(actions ? { actions: actions.map((a) => ({ actionType: asUid(a).type, actionId: asUid(a).id })) } : {}),
    principalSlot: principal.slot,
    resourceSlot: resource.slot,
  };
}

function actionsOf(action: ActionConstraint): EntityUidJson[] | undefined {
  if (action.op === 'All') return undefined;
  if ('entities' in action) return action.entities;
  return 'entity' in action ? [action.entity] : undefined;
}

/** The entity or slot a principal or resource constraint names (`== E`, `in E`, `is T in E`). */
function scopeEntity(constraint: PrincipalConstraint | ResourceConstraint): { uid?: Uid; slot: boolean } {
  const target = constraint.op === '==' || constraint.op === 'in' ? constraint : constraint.op === 'is' ? constraint.in : undefined;
  if (target === undefined) return { slot: false };
  if ('slot' in target) return { slot: true };
  return { uid: toUid(target.entity), slot: false };
}

function toUid(uid: EntityUidJson): Uid {
  const { type, id } = asUid(uid);
  return { entityType: type, entityId: id };
}

/** Sorted and deduplicated: cedar-wasm reports validation errors in no fixed order. */
function messages(prefix: string, errors: readonly DetailedError[]): string {
  return `${prefix}: ${[...new Set(errors.map((e) => e.message))].sort().join('; ')}`;
}
