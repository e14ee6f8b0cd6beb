// Authorization requests typed by the generated schema: the action decides the principal, resource and context types.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import {
  ACTION_ENTITY_TYPE,
  type ActionContext,
  type ActionId,
  type ActionPrincipal,
  type ActionResource,
  type EntityAttributes,
  type EntityTypeName,
  type EntityUid,
} from '../generated/schema.js';
import { toCedarRecord } from './cedar-json.js';
import type { SchemaCheck, TemplateLinkSpec, TestRequest } from './evaluate.js';

export interface TypedEntity<T extends EntityTypeName = EntityTypeName> {
  readonly uid: EntityUid<T>;
  readonly attrs: EntityAttributes[T];
  readonly parents: readonly EntityUid<EntityTypeName>[];
}

export interface TypedTemplateLink {
  readonly id: string;
  readonly template: string;
  readonly principal: EntityUid<EntityTypeName>;
  readonly resource: EntityUid<EntityTypeName>;
}

/** A request of one action. */
export interface ActionRequest<A extends ActionId> {
  /** The mode whose policies decide: a file name in modes/ without `.yaml`. */
  readonly mode: string;
  readonly principal: EntityUid<ActionPrincipal[A]>;
  readonly action: A;
  readonly resource: EntityUid<ActionResource[A]>;
  readonly context: ActionContext[A];
  readonly entities: readonly TypedEntity[];
  readonly templateLinks?: readonly TypedTemplateLink[];
  /** @default request */
  readonly schemaCheck?: SchemaCheck;
}

/** One request per action, as a union: `action` picks which principal, resource and context types apply. */
export type PolicyRequest<A extends ActionId = ActionId> = { [K in A]: ActionRequest<K> }[A];

/** Writes a request with its types inferred from `action`. */
export function policyRequest<A extends ActionId>(request: ActionRequest<A>): ActionRequest<A> {
  return request;
}

/** A typed entity: `entity(uid.Account('acct-1'), { owner: ..., tenant: ..., currency: 'EUR', frozen: false })`. */
export function entity<T extends EntityTypeName>(
  uid: EntityUid<T>,
  attrs: EntityAttributes[T],
  parents: readonly EntityUid<EntityTypeName>[] = [],
): TypedEntity<T> {
  return { uid, attrs, parents };
}

/** The same request in cedar-wasm's JSON form. */
export function toTestRequest(request: PolicyRequest): { request: TestRequest; entities: EntityJson[]; links: TemplateLinkSpec[] } {
  return {
    request: {
      principal: { type: request.principal.type, id: request.principal.id },
      action: { type: ACTION_ENTITY_TYPE, id: request.action },
      resource: { type: request.resource.type, id: request.resource.id },
      context: toCedarRecord(request.context, 'context'),
    },
    entities: request.entities.map((typed) => ({
      uid: { type: typed.uid.type, id: typed.uid.id },
      attrs: toCedarRecord(typed.attrs, `${typed.uid.type}::"${typed.uid.id}".attrs`),
      parents: typed.parents.map((parent) => ({ type: parent.type, id: parent.id })),
    })),
    links: (request.templateLinks ?? []).map((link) => ({
      id: link.id,
      templateId: link.template,
      principal: { type: link.principal.type, id: link.principal.id },
      resource: { type: link.resource.type, id: link.resource.id },
    })),
  };
}
