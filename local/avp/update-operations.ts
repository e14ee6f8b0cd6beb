// The calls that change or remove what a store holds: UpdatePolicy, UpdatePolicyTemplate, DeletePolicyTemplate.
import type { DeletePolicyTemplateOutput, UpdatePolicyOutput, UpdatePolicyTemplateOutput } from '@aws-sdk/client-verifiedpermissions';
import { ValidationException } from './errors.js';
import type { PolicyStores } from './policy-stores.js';
import { iso, scopeMembers } from './store-operations.js';
import { staticToTemplateLinkedRefusal, templateLinkedUpdateRefusal } from './update-rules.js';
import { isJsonObject, optionalString, requiredObject, requiredString, type JsonObject, type Wire } from './wire.js';

/** `definition` is UpdatePolicyDefinition, whose only member is `static` (AVP API reference, UpdatePolicy). */
export function updatePolicy(stores: PolicyStores, body: JsonObject): Wire<UpdatePolicyOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const policyId = requiredString(body, 'policyId');
  const current = stores.getPolicy(store, policyId);
  const definition = requiredObject(body, 'definition');
  if (definition['templateLinked'] !== undefined) {
    throw current.type === 'STATIC' ? staticToTemplateLinkedRefusal() : templateLinkedUpdateRefusal();
  }
  const members = Object.keys(definition);
  if (members.length !== 1 || !isJsonObject(definition['static'])) {
    throw new ValidationException(`definition must set exactly one member, static, got ${JSON.stringify(members)}`);
  }
  const staticDefinition = definition['static'];
  const description = optionalString(staticDefinition, 'description', 'definition.static.description');
  const policy = stores.updatePolicy(store, policyId, {
    statement: requiredString(staticDefinition, 'statement', 'definition.static.statement'),
    ...(description !== undefined ? { description } : {}),
  });
  return {
    policyStoreId: store.id,
    policyId: policy.id,
    policyType: policy.type,
    ...scopeMembers(policy),
    createdDate: iso(policy.createdDate),
    lastUpdatedDate: iso(policy.lastUpdatedDate),
  };
}

export function updatePolicyTemplate(stores: PolicyStores, body: JsonObject): Wire<UpdatePolicyTemplateOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const description = optionalString(body, 'description');
  const template = stores.updateTemplate(store, requiredString(body, 'policyTemplateId'), {
    statement: requiredString(body, 'statement'),
    ...(description !== undefined ? { description } : {}),
  });
  return {
    policyStoreId: store.id,
    policyTemplateId: template.id,
    createdDate: iso(template.createdDate),
    lastUpdatedDate: iso(template.lastUpdatedDate),
  };
}

export function deletePolicyTemplate(stores: PolicyStores, body: JsonObject): Wire<DeletePolicyTemplateOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  stores.deleteTemplate(store, requiredString(body, 'policyTemplateId'));
  return {};
}
