// The policy stores the local endpoint holds in memory, their rules (STRICT validation), and their preparsed policy sets.
import { randomBytes } from 'node:crypto';
import { preparsePolicySet, preparseSchema, type SchemaJson, type TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import { parseStaticPolicy, parseTemplate, validateStrict, type PolicyScope } from './cedar-checks.js';
import {
  ConflictException,
  InternalServerException,
  InvalidStateException,
  ResourceNotFoundException,
  ValidationException,
} from './errors.js';
import { assertFixedScopeKept, templateLinkedUpdateRefusal } from './update-rules.js';
import { isJsonObject, type Uid } from './wire.js';

export const LOCAL_ACCOUNT_ID = '000000000000';

export type ValidationMode = 'OFF' | 'STRICT';
export type DeletionProtection = 'ENABLED' | 'DISABLED';

export interface StoredSchema {
  /** The `cedarJson` text exactly as it was put. */
  readonly text: string;
  readonly json: SchemaJson<string>;
  readonly namespaces: readonly string[];
  /**
   * The name of this schema in cedar-wasm's process-wide registry. AVP evaluates every request with its store's
   * schema, so the endpoint does too: action groups, enum entities, typed attributes and request validation.
   */
  readonly preparsedName: string;
  readonly createdDate: Date;
  readonly lastUpdatedDate: Date;
}

export interface StoredTemplate {
  readonly id: string;
  readonly statement: string;
  readonly description?: string;
  readonly name?: string;
  readonly scope: PolicyScope;
  readonly createdDate: Date;
  readonly lastUpdatedDate: Date;
}

interface StoredPolicyCommon {
  readonly id: string;
  readonly name?: string;
  readonly scope: PolicyScope;
  readonly createdDate: Date;
  readonly lastUpdatedDate: Date;
}

export type StoredPolicy = StoredPolicyCommon &
  (
    | { readonly type: 'STATIC'; readonly statement: string; readonly description?: string }
    | { readonly type: 'TEMPLATE_LINKED'; readonly templateId: string; readonly principal?: Uid; readonly resource?: Uid }
  );

export interface PolicyStore {
  readonly id: string;
  readonly arn: string;
  description?: string;
  validationMode: ValidationMode;
  deletionProtection: DeletionProtection;
  readonly createdDate: Date;
  lastUpdatedDate: Date;
  schema?: StoredSchema;
  readonly policies: Map<string, StoredPolicy>;
  readonly templates: Map<string, StoredTemplate>;
  /** The id of this store's policy set in cedar-wasm's process-wide registry. */
  readonly policySetId: string;
  /** False after any change to policies or templates, until the set is preparsed again. */
  preparsed: boolean;
}

export interface NewPolicyStore {
  readonly id?: string;
  readonly validationMode: ValidationMode;
  readonly description?: string;
  readonly deletionProtection?: DeletionProtection;
}

/** UpdatePolicyStore's members: validation is required, the others stay unchanged when absent. */
export interface PolicyStoreUpdate {
  readonly validationMode: ValidationMode;
  readonly description?: string;
  readonly deletionProtection?: DeletionProtection;
}

export type NewPolicy =
  | { readonly id?: string; readonly name?: string; readonly kind: 'static'; readonly statement: string; readonly description?: string }
  | {
      readonly id?: string;
      readonly name?: string;
      readonly kind: 'templateLinked';
      readonly templateId: string;
      readonly principal?: Uid;
      readonly resource?: Uid;
    };

/** UpdatePolicy's static definition and UpdatePolicyTemplate's members: the description stays unchanged when absent. */
export interface StatementUpdate {
  readonly statement: string;
  readonly description?: string;
}

export interface NewTemplate {
  readonly id?: string;
  readonly statement: string;
  readonly description?: string;
  readonly name?: string;
}

/** Reserved by AVP: a schema namespace may not be empty nor one of these. */
const RESERVED_NAMESPACES = ['aws', 'amazon', 'cedar'] as const;

// cedar-wasm's registry is process-wide: two endpoints in one process must not share policy set ids.
let nextEndpointNumber = 0;

export class PolicyStores {
  private readonly stores = new Map<string, PolicyStore>();
  private readonly registryPrefix = `local-avp#${nextEndpointNumber++}`;

  create(input: NewPolicyStore): PolicyStore {
    const id = input.id ?? newId();
    if (this.stores.has(id)) throw new ConflictException(`policy store ${id} already exists`);
    const now = new Date();
    const store: PolicyStore = {
      id,
      arn: `arn:aws:verifiedpermissions::${LOCAL_ACCOUNT_ID}:policy-store/${id}`,
      ...(input.description !== undefined ? { description: input.description } : {}),
      validationMode: input.validationMode,
      deletionProtection: input.deletionProtection ?? 'DISABLED',
      createdDate: now,
      lastUpdatedDate: now,
      policies: new Map(),
      templates: new Map(),
      policySetId: `${this.registryPrefix}:${id}`,
      preparsed: false,
    };
    this.stores.set(id, store);
    return store;
  }

  get(id: string): PolicyStore {
    const store = this.stores.get(id);
    if (!store) throw new ResourceNotFoundException('POLICY_STORE', id);
    return store;
  }

  list(): PolicyStore[] {
    return [...this.stores.values()];
  }

  /** AVP deletes idempotently: an unknown id is not an error. */
  delete(id: string): void {
    const store = this.stores.get(id);
    if (!store) return;
    if (store.deletionProtection === 'ENABLED') throw new InvalidStateException(`policy store ${id} has deletion protection enabled`);
    this.stores.delete(id);
    // The registry has no removal; an empty set frees what the store's policies held.
    preparsePolicySet(store.policySetId, {});
  }

  /** Unlike AVP, turning STRICT on does not validate the policies already in the store. */
  update(store: PolicyStore, input: PolicyStoreUpdate): PolicyStore {
    store.validationMode = input.validationMode;
    if (input.description !== undefined) store.description = input.description;
    if (input.deletionProtection !== undefined) store.deletionProtection = input.deletionProtection;
    store.lastUpdatedDate = new Date();
    return store;
  }

  putSchema(store: PolicyStore, cedarJson: string): StoredSchema {
    let parsed: unknown;
    try {
      parsed = JSON.parse(cedarJson);
    } catch (error) {
      throw new ValidationException(`definition.cedarJson is not JSON: ${(error as Error).message}`);
    }
    if (!isSchemaJson(parsed)) throw new ValidationException('definition.cedarJson must be an object of namespaces');
    const namespaces = Object.keys(parsed);
    if (namespaces.length !== 1) throw new ValidationException(`a schema must declare exactly one namespace, found ${namespaces.length}`);
    const [namespace] = namespaces;
    if (
      namespace === undefined ||
      namespace === '' ||
      RESERVED_NAMESPACES.some((reserved) => namespace.toLowerCase().split('::').includes(reserved))
    ) {
      throw new ValidationException(`the namespace ${JSON.stringify(namespace)} is empty or reserved`);
    }
    // Preparsing replaces the store's schema in the registry only when the new one parses (it is side-effect free on error).
    const preparsedName = `${store.policySetId}:schema`;
    const checked = preparseSchema(preparsedName, parsed);
    if (checked.type === 'failure')
      throw new ValidationException(`the schema does not parse: ${checked.errors.map((e) => e.message).join('; ')}`);
    const now = new Date();
    const schema: StoredSchema = {
      text: cedarJson,
      json: parsed,
      namespaces,
      preparsedName,
      createdDate: store.schema?.createdDate ?? now,
      lastUpdatedDate: now,
    };
    store.schema = schema;
    store.lastUpdatedDate = now;
    return schema;
  }

  addTemplate(store: PolicyStore, input: NewTemplate): StoredTemplate {
    const id = input.id ?? newId();
    if (store.templates.has(id)) throw new ConflictException(`policy template ${id} already exists in ${store.id}`);
    const scope = parseTemplate(input.statement);
    if (store.validationMode === 'STRICT') validateStrict(requireSchema(store), { templates: { [id]: input.statement } });
    const now = new Date();
    const template: StoredTemplate = {
      id,
      statement: input.statement,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      scope,
      createdDate: now,
      lastUpdatedDate: now,
    };
    store.templates.set(id, template);
    store.preparsed = false;
    return template;
  }

  addPolicy(store: PolicyStore, input: NewPolicy): StoredPolicy {
    const id = input.id ?? newId();
    if (store.policies.has(id)) throw new ConflictException(`policy ${id} already exists in ${store.id}`);
    const now = new Date();
    const common = { id, ...(input.name !== undefined ? { name: input.name } : {}), createdDate: now, lastUpdatedDate: now };
    let policy: StoredPolicy;
    if (input.kind === 'static') {
      const scope = parseStaticPolicy(input.statement);
      if (store.validationMode === 'STRICT') validateStrict(requireSchema(store), { staticPolicies: { [id]: input.statement } });
      policy = {
        ...common,
        type: 'STATIC',
        statement: input.statement,
        ...(input.description !== undefined ? { description: input.description } : {}),
        scope,
      };
    } else {
      const template = this.getTemplate(store, input.templateId);
      assertSlotsFilled(template, input);
      const link = templateLink(id, template.id, input);
      if (store.validationMode === 'STRICT' && store.schema) {
        validateStrict(store.schema.json, { templates: { [template.id]: template.statement }, templateLinks: [link] });
      }
      const scope = linkedScope(template, input);
      policy = {
        ...common,
        type: 'TEMPLATE_LINKED',
        templateId: template.id,
        ...(input.principal ? { principal: input.principal } : {}),
        ...(input.resource ? { resource: input.resource } : {}),
        scope,
      };
    }
    store.policies.set(id, policy);
    store.preparsed = false;
    return policy;
  }

  /**
   * UpdatePolicy: a static policy's new statement keeps its effect and scope (AVP's update rules), and in STRICT mode
   * conforms to the schema. Nothing changes when a check fails.
   */
  updatePolicy(store: PolicyStore, id: string, update: StatementUpdate): StoredPolicy {
    const policy = this.getPolicy(store, id);
    if (policy.type !== 'STATIC') throw templateLinkedUpdateRefusal();
    const scope = parseStaticPolicy(update.statement);
    assertFixedScopeKept({ before: policy.statement, after: update.statement, kind: 'policy' });
    if (store.validationMode === 'STRICT') validateStrict(requireSchema(store), { staticPolicies: { [id]: update.statement } });
    const updated: StoredPolicy = {
      ...policy,
      statement: update.statement,
      ...(update.description !== undefined ? { description: update.description } : {}),
      scope,
      lastUpdatedDate: later(policy.lastUpdatedDate),
    };
    store.policies.set(id, updated);
    store.preparsed = false;
    return updated;
  }

  /**
   * UpdatePolicyTemplate, under the same rules as UpdatePolicy. Every policy linked to the template evaluates with the
   * new statement from the next request on ("Updates to the policy template are reflected across all policies that use
   * the template": AVP user guide, "Policy templates and template-linked policies").
   */
  updateTemplate(store: PolicyStore, id: string, update: StatementUpdate): StoredTemplate {
    const template = this.getTemplate(store, id);
    const scope = parseTemplate(update.statement);
    assertFixedScopeKept({ before: template.statement, after: update.statement, kind: 'template' });
    if (store.validationMode === 'STRICT') validateStrict(requireSchema(store), { templates: { [id]: update.statement } });
    const updated: StoredTemplate = {
      ...template,
      statement: update.statement,
      ...(update.description !== undefined ? { description: update.description } : {}),
      scope,
      lastUpdatedDate: later(template.lastUpdatedDate),
    };
    store.templates.set(id, updated);
    // The links report the template's effect and actions (GetPolicy, ListPolicies): they follow the new statement.
    for (const policy of store.policies.values()) {
      if (policy.type === 'TEMPLATE_LINKED' && policy.templateId === id) {
        store.policies.set(policy.id, { ...policy, scope: linkedScope(updated, policy) });
      }
    }
    store.preparsed = false;
    return updated;
  }

  /**
   * DeletePolicyTemplate: "This operation also deletes any policies that were created from the specified policy
   * template" (AVP API reference, DeletePolicyTemplate). An unknown template is ResourceNotFoundException: unlike
   * DeletePolicyStore, AVP does not document this call as idempotent.
   */
  deleteTemplate(store: PolicyStore, id: string): void {
    this.getTemplate(store, id);
    for (const policy of [...store.policies.values()]) {
      if (policy.type === 'TEMPLATE_LINKED' && policy.templateId === id) store.policies.delete(policy.id);
    }
    store.templates.delete(id);
    store.preparsed = false;
  }

  getTemplate(store: PolicyStore, id: string): StoredTemplate {
    const template = store.templates.get(id);
    if (!template) throw new ResourceNotFoundException('POLICY_TEMPLATE', id);
    return template;
  }

  getPolicy(store: PolicyStore, id: string): StoredPolicy {
    const policy = store.policies.get(id);
    if (!policy) throw new ResourceNotFoundException('POLICY', id);
    return policy;
  }

  /** AVP documents DeletePolicy as idempotent: a policy that does not exist is answered with success. */
  deletePolicy(store: PolicyStore, id: string): void {
    if (store.policies.delete(id)) store.preparsed = false;
  }

  /** The registry id to evaluate this store with, parsing its policies again only after a change. */
  policySetId(store: PolicyStore): string {
    if (store.preparsed) return store.policySetId;
    const staticPolicies: Record<string, string> = {};
    const templateLinks: TemplateLink[] = [];
    for (const policy of store.policies.values()) {
      if (policy.type === 'STATIC') staticPolicies[policy.id] = policy.statement;
      else templateLinks.push(templateLink(policy.id, policy.templateId, policy));
    }
    const templates: Record<string, string> = {};
    for (const template of store.templates.values()) templates[template.id] = template.statement;
    const answer = preparsePolicySet(store.policySetId, { staticPolicies, templates, templateLinks });
    if (answer.type === 'failure') {
      throw new InternalServerException(
        `the policies of ${store.id} do not parse together: ${answer.errors.map((e) => e.message).join('; ')}`,
      );
    }
    store.preparsed = true;
    return store.policySetId;
  }
}

/** Now, or 1 ms after `previous` when the clock has not moved on: an update always changes lastUpdatedDate. */
function later(previous: Date): Date {
  return new Date(Math.max(Date.now(), previous.getTime() + 1));
}

/** A link reports its template's effect and actions, with the linked entities in the slots. */
function linkedScope(template: StoredTemplate, link: { readonly principal?: Uid; readonly resource?: Uid }): PolicyScope {
  return {
    ...template.scope,
    ...(link.principal ? { principal: link.principal } : {}),
    ...(link.resource ? { resource: link.resource } : {}),
  };
}

/** AVP-like ids: 22 letters and digits. */
function newId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(22)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function requireSchema(store: PolicyStore): SchemaJson<string> {
  if (!store.schema) {
    throw new ValidationException(
      `policy store ${store.id} validates in STRICT mode and has no schema: put a schema first, or turn validation off`,
    );
  }
  return store.schema.json;
}

function assertSlotsFilled(template: StoredTemplate, link: { readonly principal?: Uid; readonly resource?: Uid }): void {
  for (const [slot, hasSlot, value] of [
    ['principal', template.scope.principalSlot, link.principal],
    ['resource', template.scope.resourceSlot, link.resource],
  ] as const) {
    if (hasSlot && value === undefined)
      throw new ValidationException(`template ${template.id} has a ?${slot} slot: templateLinked.${slot} is required`);
    if (!hasSlot && value !== undefined)
      throw new ValidationException(`template ${template.id} has no ?${slot} slot: remove templateLinked.${slot}`);
  }
}

function templateLink(newId: string, templateId: string, values: { readonly principal?: Uid; readonly resource?: Uid }): TemplateLink {
  const slots: TemplateLink['values'] = {};
  if (values.principal) slots['?principal'] = { type: values.principal.entityType, id: values.principal.entityId };
  if (values.resource) slots['?resource'] = { type: values.resource.entityType, id: values.resource.entityId };
  return { templateId, newId, values: slots };
}

/** The outer shape only; cedar-wasm's checkParseSchema checks the rest. */
function isSchemaJson(value: unknown): value is SchemaJson<string> {
  return isJsonObject(value) && Object.values(value).every(isJsonObject);
}
