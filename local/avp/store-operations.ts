// The policy-store calls tenant onboarding needs: stores, schema, policies and templates, in AVP's request and reply shapes.
import type {
  CreatePolicyOutput,
  CreatePolicyStoreOutput,
  CreatePolicyTemplateOutput,
  DeletePolicyOutput,
  DeletePolicyStoreOutput,
  GetPolicyOutput,
  GetPolicyStoreOutput,
  GetPolicyTemplateOutput,
  GetSchemaOutput,
  ListPoliciesOutput,
  ListPolicyStoresOutput,
  ListPolicyTemplatesOutput,
  PolicyItem,
  PolicyStoreItem,
  PolicyTemplateItem,
  PutSchemaOutput,
  UpdatePolicyStoreOutput,
} from '@aws-sdk/client-verifiedpermissions';
import { ResourceNotFoundException, ValidationException } from './errors.js';
import type { DeletionProtection, NewPolicy, PolicyStores, StoredPolicy, ValidationMode } from './policy-stores.js';
import {
  entityIdentifier,
  isJsonObject,
  optionalInteger,
  optionalObject,
  optionalString,
  requiredObject,
  requiredString,
  unionMember,
  type JsonObject,
  type Wire,
} from './wire.js';

const VALIDATION_MODES = ['OFF', 'STRICT'] as const satisfies readonly ValidationMode[];
const DELETION_PROTECTION = ['ENABLED', 'DISABLED'] as const satisfies readonly DeletionProtection[];
const POLICY_TYPES = ['STATIC', 'TEMPLATE_LINKED'] as const;

export function createPolicyStore(stores: PolicyStores, body: JsonObject): Wire<CreatePolicyStoreOutput> {
  const validationMode = oneOf(requiredObject(body, 'validationSettings'), 'mode', VALIDATION_MODES, 'validationSettings.mode');
  const description = optionalString(body, 'description');
  const deletionProtection = body['deletionProtection'] === undefined ? undefined : oneOf(body, 'deletionProtection', DELETION_PROTECTION);
  const store = stores.create({
    validationMode,
    ...(description !== undefined ? { description } : {}),
    ...(deletionProtection !== undefined ? { deletionProtection } : {}),
  });
  return { policyStoreId: store.id, arn: store.arn, createdDate: iso(store.createdDate), lastUpdatedDate: iso(store.lastUpdatedDate) };
}

export function getPolicyStore(stores: PolicyStores, body: JsonObject): Wire<GetPolicyStoreOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  return {
    policyStoreId: store.id,
    arn: store.arn,
    validationSettings: { mode: store.validationMode },
    createdDate: iso(store.createdDate),
    lastUpdatedDate: iso(store.lastUpdatedDate),
    ...(store.description !== undefined ? { description: store.description } : {}),
    deletionProtection: store.deletionProtection,
    cedarVersion: 'CEDAR_4',
  };
}

export function listPolicyStores(stores: PolicyStores, body: JsonObject): Wire<ListPolicyStoresOutput> {
  const page = paginate(stores.list(), body);
  const policyStores: Wire<PolicyStoreItem>[] = page.items.map((store) => ({
    policyStoreId: store.id,
    arn: store.arn,
    createdDate: iso(store.createdDate),
    lastUpdatedDate: iso(store.lastUpdatedDate),
    ...(store.description !== undefined ? { description: store.description } : {}),
  }));
  return { policyStores, ...page.next };
}

export function updatePolicyStore(stores: PolicyStores, body: JsonObject): Wire<UpdatePolicyStoreOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const validationMode = oneOf(requiredObject(body, 'validationSettings'), 'mode', VALIDATION_MODES, 'validationSettings.mode');
  const description = optionalString(body, 'description');
  const deletionProtection = body['deletionProtection'] === undefined ? undefined : oneOf(body, 'deletionProtection', DELETION_PROTECTION);
  stores.update(store, {
    validationMode,
    ...(description !== undefined ? { description } : {}),
    ...(deletionProtection !== undefined ? { deletionProtection } : {}),
  });
  return { policyStoreId: store.id, arn: store.arn, createdDate: iso(store.createdDate), lastUpdatedDate: iso(store.lastUpdatedDate) };
}

export function deletePolicyStore(stores: PolicyStores, body: JsonObject): Wire<DeletePolicyStoreOutput> {
  stores.delete(requiredString(body, 'policyStoreId'));
  return {};
}

export function putSchema(stores: PolicyStores, body: JsonObject): Wire<PutSchemaOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const definition = requiredObject(body, 'definition');
  const cedarJson = requiredString(definition, 'cedarJson', 'definition.cedarJson');
  const schema = stores.putSchema(store, cedarJson);
  return {
    policyStoreId: store.id,
    namespaces: [...schema.namespaces],
    createdDate: iso(schema.createdDate),
    lastUpdatedDate: iso(schema.lastUpdatedDate),
  };
}

export function getSchema(stores: PolicyStores, body: JsonObject): Wire<GetSchemaOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  if (!store.schema) throw new ResourceNotFoundException('SCHEMA', store.id);
  const { schema } = store;
  return {
    policyStoreId: store.id,
    schema: schema.text,
    namespaces: [...schema.namespaces],
    createdDate: iso(schema.createdDate),
    lastUpdatedDate: iso(schema.lastUpdatedDate),
  };
}

export function createPolicy(stores: PolicyStores, body: JsonObject): Wire<CreatePolicyOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const name = optionalString(body, 'name');
  const { member, value } = unionMember(requiredObject(body, 'definition'), ['static', 'templateLinked'], 'definition');
  if (!isJsonObject(value)) throw new ValidationException(`definition.${member} must be an object`);
  let input: NewPolicy;
  if (member === 'static') {
    const description = optionalString(value, 'description', 'definition.static.description');
    input = {
      kind: 'static',
      statement: requiredString(value, 'statement', 'definition.static.statement'),
      ...(description !== undefined ? { description } : {}),
      ...(name !== undefined ? { name } : {}),
    };
  } else {
    input = {
      kind: 'templateLinked',
      templateId: requiredString(value, 'policyTemplateId', 'definition.templateLinked.policyTemplateId'),
      ...(value['principal'] !== undefined
        ? { principal: entityIdentifier(value['principal'], 'definition.templateLinked.principal') }
        : {}),
      ...(value['resource'] !== undefined ? { resource: entityIdentifier(value['resource'], 'definition.templateLinked.resource') } : {}),
      ...(name !== undefined ? { name } : {}),
    };
  }
  const policy = stores.addPolicy(store, input);
  return {
    policyStoreId: store.id,
    policyId: policy.id,
    policyType: policy.type,
    ...scopeMembers(policy),
    createdDate: iso(policy.createdDate),
    lastUpdatedDate: iso(policy.lastUpdatedDate),
  };
}

export function getPolicy(stores: PolicyStores, body: JsonObject): Wire<GetPolicyOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const policy = stores.getPolicy(store, requiredString(body, 'policyId'));
  return {
    policyStoreId: store.id,
    policyId: policy.id,
    policyType: policy.type,
    ...scopeMembers(policy),
    definition:
      policy.type === 'STATIC'
        ? { static: { statement: policy.statement, ...(policy.description !== undefined ? { description: policy.description } : {}) } }
        : { templateLinked: { policyTemplateId: policy.templateId, ...linkMembers(policy) } },
    createdDate: iso(policy.createdDate),
    lastUpdatedDate: iso(policy.lastUpdatedDate),
    ...(policy.name !== undefined ? { name: policy.name } : {}),
  };
}

/** Filters by policy type or template id; the principal and resource filters are not implemented. */
export function listPolicies(stores: PolicyStores, body: JsonObject): Wire<ListPoliciesOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const filter = optionalObject(body, 'filter') ?? {};
  if (filter['principal'] !== undefined || filter['resource'] !== undefined) {
    throw new ValidationException('filter.principal and filter.resource are not supported by the local endpoint');
  }
  const policyType = filter['policyType'] === undefined ? undefined : oneOf(filter, 'policyType', POLICY_TYPES, 'filter.policyType');
  const templateId = optionalString(filter, 'policyTemplateId', 'filter.policyTemplateId');
  const matching = [...store.policies.values()].filter(
    (policy) =>
      (policyType === undefined || policy.type === policyType) &&
      (templateId === undefined || (policy.type === 'TEMPLATE_LINKED' && policy.templateId === templateId)),
  );
  const page = paginate(matching, body);
  const policies: Wire<PolicyItem>[] = page.items.map((policy) => ({
    policyStoreId: store.id,
    policyId: policy.id,
    policyType: policy.type,
    ...scopeMembers(policy),
    definition:
      policy.type === 'STATIC'
        ? { static: policy.description !== undefined ? { description: policy.description } : {} }
        : { templateLinked: { policyTemplateId: policy.templateId, ...linkMembers(policy) } },
    createdDate: iso(policy.createdDate),
    lastUpdatedDate: iso(policy.lastUpdatedDate),
    ...(policy.name !== undefined ? { name: policy.name } : {}),
  }));
  return { policies, ...page.next };
}

export function deletePolicy(stores: PolicyStores, body: JsonObject): Wire<DeletePolicyOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  stores.deletePolicy(store, requiredString(body, 'policyId'));
  return {};
}

export function createPolicyTemplate(stores: PolicyStores, body: JsonObject): Wire<CreatePolicyTemplateOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const description = optionalString(body, 'description');
  const name = optionalString(body, 'name');
  const template = stores.addTemplate(store, {
    statement: requiredString(body, 'statement'),
    ...(description !== undefined ? { description } : {}),
    ...(name !== undefined ? { name } : {}),
  });
  return {
    policyStoreId: store.id,
    policyTemplateId: template.id,
    createdDate: iso(template.createdDate),
    lastUpdatedDate: iso(template.lastUpdatedDate),
  };
}

export function getPolicyTemplate(stores: PolicyStores, body: JsonObject): Wire<GetPolicyTemplateOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const template = stores.getTemplate(store, requiredString(body, 'policyTemplateId'));
  return {
    policyStoreId: store.id,
    policyTemplateId: template.id,
    ...(template.description !== undefined ? { description: template.description } : {}),
    statement: template.statement,
    createdDate: iso(template.createdDate),
    lastUpdatedDate: iso(template.lastUpdatedDate),
    ...(template.name !== undefined ? { name: template.name } : {}),
  };
}

export function listPolicyTemplates(stores: PolicyStores, body: JsonObject): Wire<ListPolicyTemplatesOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const page = paginate([...store.templates.values()], body);
  const policyTemplates: Wire<PolicyTemplateItem>[] = page.items.map((template) => ({
    policyStoreId: store.id,
    policyTemplateId: template.id,
    ...(template.description !== undefined ? { description: template.description } : {}),
    createdDate: iso(template.createdDate),
    lastUpdatedDate: iso(template.lastUpdatedDate),
    ...(template.name !== undefined ? { name: template.name } : {}),
  }));
  return { policyTemplates, ...page.next };
}

export function scopeMembers(policy: StoredPolicy): Pick<Wire<GetPolicyOutput>, 'principal' | 'resource' | 'actions' | 'effect'> {
  const { scope } = policy;
  return {
    ...(scope.principal ? { principal: { ...scope.principal } } : {}),
    ...(scope.resource ? { resource: { ...scope.resource } } : {}),
    ...(scope.actions ? { actions: scope.actions.map((action) => ({ ...action })) } : {}),
    effect: scope.effect,
  };
}

function linkMembers(policy: Extract<StoredPolicy, { type: 'TEMPLATE_LINKED' }>): {
  principal?: { entityType: string; entityId: string };
  resource?: { entityType: string; entityId: string };
} {
  return {
    ...(policy.principal ? { principal: { ...policy.principal } } : {}),
    ...(policy.resource ? { resource: { ...policy.resource } } : {}),
  };
}

/** `nextToken` is the index of the next item, opaque to callers as AVP's is. */
function paginate<T>(items: readonly T[], body: JsonObject): { items: T[]; next: { nextToken?: string } } {
  const maxResults = optionalInteger(body, 'maxResults', { min: 1, max: 50 }) ?? 50;
  const token = optionalString(body, 'nextToken');
  const start = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw new ValidationException('nextToken is not one this endpoint issued');
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    next: end < items.length ? { nextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : {},
  };
}

function oneOf<const T extends string>(body: JsonObject, key: string, allowed: readonly T[], path = key): T {
  const value = body[key];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new ValidationException(`${path} must be one of ${allowed.join(', ')}`);
  return match;
}

export function iso(date: Date): string {
  return date.toISOString();
}
