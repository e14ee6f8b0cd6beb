// The table of AVP operations the local endpoint implements, keyed by the name `x-amz-target` carries.
import { batchIsAuthorized, isAuthorized } from './authorize.js';
import type { PolicyStores } from './policy-stores.js';
import {
  createPolicy,
  createPolicyStore,
  createPolicyTemplate,
  deletePolicy,
  deletePolicyStore,
  getPolicy,
  getPolicyStore,
  getPolicyTemplate,
  getSchema,
  listPolicies,
  listPolicyStores,
  listPolicyTemplates,
  putSchema,
  updatePolicyStore,
} from './store-operations.js';
import { deletePolicyTemplate, updatePolicy, updatePolicyTemplate } from './update-operations.js';
import type { JsonObject } from './wire.js';

export const AVP_OPERATIONS = [
  'IsAuthorized',
  'BatchIsAuthorized',
  'CreatePolicyStore',
  'GetPolicyStore',
  'ListPolicyStores',
  'UpdatePolicyStore',
  'DeletePolicyStore',
  'PutSchema',
  'GetSchema',
  'CreatePolicy',
  'GetPolicy',
  'ListPolicies',
  'UpdatePolicy',
  'DeletePolicy',
  'CreatePolicyTemplate',
  'GetPolicyTemplate',
  'ListPolicyTemplates',
  'UpdatePolicyTemplate',
  'DeletePolicyTemplate',
] as const;
export type AvpOperation = (typeof AVP_OPERATIONS)[number];

/** Takes the checked-as-object request body; returns the reply body or throws an AvpServiceError. */
export type OperationHandler = (stores: PolicyStores, body: JsonObject) => object;

export const OPERATION_HANDLERS: Readonly<Record<AvpOperation, OperationHandler>> = {
  IsAuthorized: isAuthorized,
  BatchIsAuthorized: batchIsAuthorized,
  CreatePolicyStore: createPolicyStore,
  GetPolicyStore: getPolicyStore,
  ListPolicyStores: listPolicyStores,
  UpdatePolicyStore: updatePolicyStore,
  DeletePolicyStore: deletePolicyStore,
  PutSchema: putSchema,
  GetSchema: getSchema,
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  ListPolicies: listPolicies,
  UpdatePolicy: updatePolicy,
  DeletePolicy: deletePolicy,
  CreatePolicyTemplate: createPolicyTemplate,
  GetPolicyTemplate: getPolicyTemplate,
  ListPolicyTemplates: listPolicyTemplates,
  UpdatePolicyTemplate: updatePolicyTemplate,
  DeletePolicyTemplate: deletePolicyTemplate,
};

export function isAvpOperation(name: string): name is AvpOperation {
  return (AVP_OPERATIONS as readonly string[]).includes(name);
}
