// IsAuthorized and BatchIsAuthorized: AVP typed values in, a cedar-wasm decision on the store's preparsed policies out.
import type { BatchIsAuthorizedOutput, BatchIsAuthorizedOutputItem, IsAuthorizedOutput } from '@aws-sdk/client-verifiedpermissions';
import { statefulIsAuthorized, type CedarValueJson, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { asUid, fromAvpEntity, fromAvpRecord } from '../../runtime/engine/avp-values.js';
import { ValidationException } from './errors.js';
import type { PolicyStores } from './policy-stores.js';
import {
  actionIdentifier,
  attributeMap,
  entityIdentifier,
  entityItem,
  isJsonObject,
  optionalObject,
  requiredArray,
  requiredString,
  unionMember,
  type JsonObject,
  type Uid,
  type Wire,
} from './wire.js';

export const MAX_BATCH_REQUESTS = 30;

interface Query {
  readonly principal: Uid;
  readonly action: { readonly actionType: string; readonly actionId: string };
  readonly resource: Uid;
  readonly context: Record<string, CedarValueJson>;
}

type Answer = Wire<Pick<IsAuthorizedOutput, 'decision' | 'determiningPolicies' | 'errors'>>;

export function isAuthorized(stores: PolicyStores, body: JsonObject): Wire<IsAuthorizedOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const query = readQuery(body, '');
  const entities = readEntities(body);
  return decide(stores.policySetId(store), store.schema?.preparsedName, query, entities);
}

/** At most 30 requests, which all share one principal or one resource, as AVP requires. */
export function batchIsAuthorized(stores: PolicyStores, body: JsonObject): Wire<BatchIsAuthorizedOutput> {
  const store = stores.get(requiredString(body, 'policyStoreId'));
  const requests = requiredArray(body, 'requests');
  if (requests.length < 1 || requests.length > MAX_BATCH_REQUESTS) {
    throw new ValidationException(`requests must hold 1 to ${MAX_BATCH_REQUESTS} requests, got ${requests.length}`);
  }
  const items = requests.map((request, index) => {
    if (!isJsonObject(request)) throw new ValidationException(`requests[${index}] must be an object`);
    return { request, query: readQuery(request, `requests[${index}].`) };
  });
  const samePrincipal = items.every(({ query }) => sameUid(query.principal, items[0]?.query.principal));
  const sameResource = items.every(({ query }) => sameUid(query.resource, items[0]?.query.resource));
  if (!samePrincipal && !sameResource)
    throw new ValidationException('every request of a batch must name the same principal or the same resource');
  const entities = readEntities(body);
  const policySetId = stores.policySetId(store);
  const schemaName = store.schema?.preparsedName;
  const results: Wire<BatchIsAuthorizedOutputItem>[] = items.map(({ request, query }) => ({
    request,
    ...decide(policySetId, schemaName, query, entities),
  }));
  return { results };
}

/**
 * With a schema, entities and context that do not conform to it, or a principal or resource type the action does not
 * apply to, are refused as a whole: ValidationException, HTTP 400, as IsAuthorized and BatchIsAuthorized list it under
 * "Errors" for input that does not satisfy its constraints (AVP API reference, API_IsAuthorized.html). A store
 * without a schema evaluates without one, as Cedar does.
 */
function decide(policySetId: string, schemaName: string | undefined, query: Query, entities: EntityJson[]): Answer {
  const answer = statefulIsAuthorized({
    principal: { type: query.principal.entityType, id: query.principal.entityId },
    action: { type: query.action.actionType, id: query.action.actionId },
    resource: { type: query.resource.entityType, id: query.resource.entityId },
    context: query.context,
    entities,
    preparsedPolicySetId: policySetId,
    ...(schemaName !== undefined ? { preparsedSchemaName: schemaName, validateRequest: true } : {}),
  });
  if (answer.type === 'failure') throw new ValidationException(answer.errors.map((e) => e.message).join('; '));
  const { decision, diagnostics } = answer.response;
  return {
    decision: decision === 'allow' ? 'ALLOW' : 'DENY',
    determiningPolicies: diagnostics.reason.map((policyId) => ({ policyId })),
    errors: diagnostics.errors.map((e) => ({ errorDescription: `policy ${e.policyId}: ${e.error.message}` })),
  };
}

function readQuery(body: JsonObject, path: string): Query {
  // AVP lets principal and resource be omitted (partial evaluation); the runtime always sends both.
  return {
    principal: entityIdentifier(body['principal'], `${path}principal`),
    action: actionIdentifier(body['action'], `${path}action`),
    resource: entityIdentifier(body['resource'], `${path}resource`),
    context: readContext(optionalObject(body, 'context', `${path}context`), `${path}context`),
  };
}

function readContext(context: JsonObject | undefined, path: string): Record<string, CedarValueJson> {
  if (context === undefined) return {};
  const { member, value } = unionMember(context, ['contextMap', 'cedarJson'], path);
  if (member === 'cedarJson') {
    const parsed = parseCedarJson(value, `${path}.cedarJson`);
    if (!isJsonObject(parsed)) throw new ValidationException(`${path}.cedarJson must hold a JSON object`);
    // Every JSON value is a CedarValueJson; cedar-wasm judges whether it makes sense.
    return parsed as Record<string, CedarValueJson>;
  }
  return converted(() => fromAvpRecord(attributeMap(value, `${path}.contextMap`)), `${path}.contextMap`);
}

/** AVP keeps the last of several entities with one identifier; Cedar would refuse the duplicates. */
function readEntities(body: JsonObject): EntityJson[] {
  const definition = optionalObject(body, 'entities');
  if (definition === undefined) return [];
  const { member, value } = unionMember(definition, ['entityList', 'cedarJson'], 'entities');
  let entities: EntityJson[];
  if (member === 'cedarJson') {
    const parsed = parseCedarJson(value, 'entities.cedarJson');
    if (!Array.isArray(parsed) || !parsed.every(isEntityJson))
      throw new ValidationException('entities.cedarJson must hold a JSON list of entities with uid, attrs and parents');
    entities = parsed;
  } else {
    if (!Array.isArray(value)) throw new ValidationException('entities.entityList must be a list');
    entities = value.map((item, index) =>
      converted(() => fromAvpEntity(entityItem(item, `entities.entityList[${index}]`)), `entities.entityList[${index}]`),
    );
  }
  const byUid = new Map<string, EntityJson>();
  entities.forEach((entity, index) => {
    byUid.set(isJsonObject(entity.uid) ? JSON.stringify(asUid(entity.uid)) : `#${index}`, entity);
  });
  return [...byUid.values()];
}

/** The outer shape only: cedar-wasm checks the uids and attribute values when it evaluates. */
function isEntityJson(value: unknown): value is EntityJson {
  return isJsonObject(value) && isJsonObject(value['uid']) && isJsonObject(value['attrs']) && Array.isArray(value['parents']);
}

function parseCedarJson(value: unknown, path: string): unknown {
  if (typeof value !== 'string') throw new ValidationException(`${path} must be a string`);
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ValidationException(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** The runtime's converters throw a TypeError on a value of no known type: that is the caller's mistake. */
function converted<T>(convert: () => T, path: string): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof TypeError) throw new ValidationException(`${path}: ${error.message}`);
    throw error;
  }
}

function sameUid(a: Uid, b: Uid | undefined): boolean {
  return b !== undefined && a.entityType === b.entityType && a.entityId === b.entityId;
}
