// A policy's scope (its principal, action and resource constraints) read from Cedar text, and whether a request may satisfy it.
import {
  policyToJson,
  templateToJson,
  type ActionConstraint,
  type EntityUidJson,
  type PrincipalConstraint,
  type ResourceConstraint,
  type TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';
import { EngineError } from '../../errors.js';
import type { RequestAncestry } from './request-ancestry.js';

export type Slot = '?principal' | '?resource';

/** An entity a scope names: a concrete one, or a template's slot that a link fills. */
export type Target = { readonly kind: 'entity'; readonly key: string } | { readonly kind: 'slot'; readonly slot: Slot };

/** A principal or resource constraint; `T` is `string` (an entity key) once linked, `Target` in a template. */
export type EntityScope<T = string> =
  | { readonly op: 'any' }
  | { readonly op: 'eq'; readonly target: T }
  | { readonly op: 'in'; readonly target: T }
  | { readonly op: 'is'; readonly type: string }
  | { readonly op: 'is-in'; readonly type: string; readonly target: T };

export type ActionScope =
  | { readonly op: 'any' }
  | { readonly op: 'eq'; readonly key: string }
  | { readonly op: 'in'; readonly keys: readonly string[] };

export interface Scope<T = string> {
  readonly principal: EntityScope<T>;
  readonly action: ActionScope;
  readonly resource: EntityScope<T>;
}

/** Entity types are Cedar names (no NUL), so type + NUL + id is unique for every uid. */
export function entityKey(uid: TypeAndId): string {
  return `${uid.type}\u0000${uid.id}`;
}

/** The key of a uid in any of the JSON forms entities use, or undefined for a form this reader does not know. */
export function entityKeyOfJson(uid: EntityUidJson): string | undefined {
  const plain = '__entity' in uid ? uid.__entity : uid;
  return typeof plain.type === 'string' && typeof plain.id === 'string' ? entityKey(plain) : undefined;
}

export function staticScope(id: string, text: string): Scope {
  const json = policyToJson(text);
  if (json.type === 'failure') throw new EngineError(`policy ${id} does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  return {
    principal: linkScope(entityScope(id, json.json.principal), {}),
    action: actionScope(id, json.json.action),
    resource: linkScope(entityScope(id, json.json.resource), {}),
  };
}

export function templateScope(id: string, text: string): Scope<Target> {
  const json = templateToJson(text);
  if (json.type === 'failure') throw new EngineError(`template ${id} does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  return {
    principal: entityScope(id, json.json.principal),
    action: actionScope(id, json.json.action),
    resource: entityScope(id, json.json.resource),
  };
}

/** A template's scope with its slots filled by a link's values. */
export function linkScope(scope: EntityScope<Target>, values: Partial<Record<Slot, TypeAndId>>): EntityScope {
  const resolve = (target: Target): string => {
    if (target.kind === 'entity') return target.key;
    const value = values[target.slot];
    if (value === undefined) throw new EngineError(`the link gives no value for the template's ${target.slot}`);
    return entityKey(value);
  };
  switch (scope.op) {
    case 'any':
    case 'is':
      return scope;
    case 'eq':
    case 'in':
      return { op: scope.op, target: resolve(scope.target) };
    case 'is-in':
      return { op: 'is-in', type: scope.type, target: resolve(scope.target) };
  }
}

/** The slots a template's scope names: cedar-wasm refuses a link value for a slot the template lacks. */
export function slotsOf(scope: Scope<Target>): ReadonlySet<Slot> {
  const slots = new Set<Slot>();
  for (const side of [scope.principal, scope.resource]) {
    if ((side.op === 'eq' || side.op === 'in' || side.op === 'is-in') && side.target.kind === 'slot') slots.add(side.target.slot);
  }
  return slots;
}

/**
 * Whether the request satisfies the scope, decided as Cedar decides it: `==` is equality, `in` is equality or
 * ancestry through the request's entities (and, for actions, the schema's action groups), `is` compares the type.
 * `actionGroupsKnown: false` (the schema's action hierarchy could not be read) counts every `action in` as satisfied,
 * so the answer may say yes wrongly but never no wrongly.
 */
export function mayApply(scope: Scope, request: RequestAncestry, actionGroupsKnown: boolean): boolean {
  return (
    entityMayApply(scope.principal, request.principal) &&
    entityMayApply(scope.resource, request.resource) &&
    actionMayApply(scope.action, request.action, actionGroupsKnown)
  );
}

function entityMayApply(scope: EntityScope, side: RequestAncestry['principal']): boolean {
  switch (scope.op) {
    case 'any':
      return true;
    case 'eq':
      return scope.target === side.key;
    case 'in':
      return side.keys.has(scope.target);
    case 'is':
      return scope.type === side.type;
    case 'is-in':
      return scope.type === side.type && side.keys.has(scope.target);
  }
}

function actionMayApply(scope: ActionScope, side: RequestAncestry['action'], groupsKnown: boolean): boolean {
  switch (scope.op) {
    case 'any':
      return true;
    case 'eq':
      return scope.key === side.key;
    case 'in':
      return !groupsKnown || scope.keys.some((key) => side.keys.has(key));
  }
}

function entityScope(id: string, constraint: PrincipalConstraint | ResourceConstraint): EntityScope<Target> {
  switch (constraint.op) {
    case 'All':
      return { op: 'any' };
    case '==':
      return { op: 'eq', target: targetOf(id, constraint) };
    case 'in':
      return { op: 'in', target: targetOf(id, constraint) };
    case 'is':
      return constraint.in === undefined
        ? { op: 'is', type: constraint.entity_type }
        : { op: 'is-in', type: constraint.entity_type, target: targetOf(id, constraint.in) };
  }
}

function targetOf(id: string, constraint: { entity: EntityUidJson } | { slot: string }): Target {
  if ('slot' in constraint) {
    if (constraint.slot === '?principal' || constraint.slot === '?resource') return { kind: 'slot', slot: constraint.slot };
    throw new EngineError(`policy ${id} names a slot ${constraint.slot} that Cedar does not have`);
  }
  const key = entityKeyOfJson(constraint.entity);
  if (key === undefined) throw new EngineError(`policy ${id} names an entity in a form the slicer cannot read`);
  return { kind: 'entity', key };
}

function actionScope(id: string, constraint: ActionConstraint): ActionScope {
  if (constraint.op === 'All') return { op: 'any' };
  if (constraint.op === '==') {
    if ('slot' in constraint) throw new EngineError(`policy ${id} has a slot in its action scope, which Cedar does not allow`);
    return { op: 'eq', key: keyOrThrow(id, constraint.entity) };
  }
  const entities = 'entities' in constraint ? constraint.entities : [constraint.entity];
  return { op: 'in', keys: entities.map((entity) => keyOrThrow(id, entity)) };
}

function keyOrThrow(id: string, uid: EntityUidJson): string {
  const key = entityKeyOfJson(uid);
  if (key === undefined) throw new EngineError(`policy ${id} names an action in a form the slicer cannot read`);
  return key;
}
