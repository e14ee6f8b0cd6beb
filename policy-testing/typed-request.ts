// Authorization requests typed by the generated schema: the action decides the principal, resource and context types.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type {
  ActionContext,
  ActionId,
  ActionPrincipal,
  ActionResource,
  EntityAttributes,
  EntityTypeName,
  EntityUid,
} from '../generated/schema.js';
import { toCedarRecord } from './cedar-json.js';
import type { SchemaCheck, TemplateLinkSpec, TestRequest } from './evaluate.js';

/**
 * The types a generated schema.ts declares, as one parameter: requests are typed by the project's generated schema by
 * default, and by any other schema's types when given (the toolkit's own tests type requests of a fixture domain).
 */
export interface SchemaTypes {
  /** Attributes by entity type name. */
  readonly entityAttributes: object;
  /** Principal entity type names by action id. */
  readonly actionPrincipal: object;
  /** Resource entity type names by action id. */
  readonly actionResource: object;
  /** Context record by action id. */
  readonly actionContext: object;
}

export interface GeneratedSchemaTypes extends SchemaTypes {
  readonly entityAttributes: EntityAttributes;
  readonly actionPrincipal: ActionPrincipal;
  readonly actionResource: ActionResource;
  readonly actionContext: ActionContext;
}

export type EntityTypeOf<S extends SchemaTypes> = keyof S['entityAttributes'] & string;
export type ActionOf<S extends SchemaTypes> = keyof S['actionPrincipal'] & keyof S['actionResource'] & keyof S['actionContext'] & string;

export interface TypedEntity<T extends string = EntityTypeName, S extends SchemaTypes = GeneratedSchemaTypes> {
  readonly uid: EntityUid<T>;
  readonly attrs: T extends EntityTypeOf<S> ? S['entityAttributes'][T] : never;
  readonly parents: readonly EntityUid[];
}

export interface TypedTemplateLink {
  readonly id: string;
  readonly template: string;
  readonly principal: EntityUid;
  readonly resource: EntityUid;
}

/** A request of one action. */
export interface ActionRequest<A extends ActionOf<S>, S extends SchemaTypes = GeneratedSchemaTypes> {
  /** The mode whose policies decide: a file name in modes/ without `.yaml`. */
  readonly mode: string;
  readonly principal: EntityUid<S['actionPrincipal'][A] & string>;
  readonly action: A;
  readonly resource: EntityUid<S['actionResource'][A] & string>;
  readonly context: S['actionContext'][A];
  readonly entities: readonly TypedEntity<EntityTypeOf<S>, S>[];
  readonly templateLinks?: readonly TypedTemplateLink[];
  /** @default request */
  readonly schemaCheck?: SchemaCheck;
}

/** One request per action, as a union: `action` picks which principal, resource and context types apply. */
export type PolicyRequest<A extends string = ActionId, S extends SchemaTypes = GeneratedSchemaTypes> = {
  [K in A & ActionOf<S>]: ActionRequest<K, S>;
}[A & ActionOf<S>];

/** What the matchers and the decider need of a request, whichever schema typed it. */
export interface DecidableRequest {
  readonly mode: string;
  readonly principal: EntityUid;
  readonly action: string;
  readonly resource: EntityUid;
  readonly context: object;
  readonly entities: readonly { readonly uid: EntityUid; readonly attrs: object; readonly parents: readonly EntityUid[] }[];
  readonly templateLinks?: readonly TypedTemplateLink[];
  readonly schemaCheck?: SchemaCheck;
}

/** Writes a request with its types inferred from `action`. */
export function policyRequest<A extends ActionOf<S>, S extends SchemaTypes = GeneratedSchemaTypes>(
  request: ActionRequest<A, S>,
): ActionRequest<A, S> {
  return request;
}

/** A typed entity: `entity(uid.Account('acct-1'), { owner: ..., tenant: ..., currency: 'EUR', frozen: false })`. */
export function entity<T extends EntityTypeOf<S>, S extends SchemaTypes = GeneratedSchemaTypes>(
  uid: EntityUid<T>,
  attrs: TypedEntity<T, S>['attrs'],
  parents: readonly EntityUid[] = [],
): TypedEntity<T, S> {
  return { uid, attrs, parents };
}

/** The same request in cedar-wasm's JSON form; actions are entities of `actionEntityType`, the schema's `<namespace>::Action`. */
export function toTestRequest(
  request: DecidableRequest,
  actionEntityType: string,
): { request: TestRequest; entities: EntityJson[]; links: TemplateLinkSpec[] } {
  return {
    request: {
      principal: { type: request.principal.type, id: request.principal.id },
      action: { type: actionEntityType, id: request.action },
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
