// Applies one probe to one fixture request of the space: sets a context or entity attribute, or puts a policy's named
// (or a synthetic) entity in the principal or resource slot. The result is schema-valid, or there is none.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { SchemaModel } from '../../generator/load/cedar-schema.js';
import { formatEntityUid, sameUid } from '../entity-uid.js';
import type { TestRequest } from '../evaluate.js';
import { reachableEntities } from '../reachable-entities.js';
import { displayName } from '../read-entities.js';
import { requestKey, type SpaceRequest } from '../request-space.js';
import { applyChange, uidOf } from './attribute-values.js';
import { formatUid } from './policy-facts.js';
import type { Probe } from './probes.js';
import { syntheticEntity } from './synthetic-entities.js';

export interface ProbeContext {
  readonly policyId: string;
  readonly schema: SchemaModel;
  /** For a uid probe: the groups the policy's other side names for the same slot, which a synthetic member is not in. */
  readonly otherGroups: readonly TypeAndId[];
}

/**
 * A derived request, built on demand: most candidates of a large space fall beyond the cap, and building one (its
 * reachable entities and its key) costs far more than deciding that it exists.
 */
export type Candidate = () => SpaceRequest;

/** The requests the probe makes of the seed (none when the schema refuses the change or the action has no such slot). */
export function applyProbe(probe: Probe, seed: SpaceRequest, context: ProbeContext): Candidate[] {
  return probe.kind === 'attribute' ? attributeVariant(probe, seed, context) : uidVariants(probe, seed, context);
}

function attributeVariant(
  probe: Extract<Probe, { kind: 'attribute' }>,
  seed: SpaceRequest,
  { policyId, schema }: ProbeContext,
): Candidate[] {
  const pool = poolOf(seed);
  const origin = { kind: 'derived', policyId, detail: probe.detail } as const;
  const { variable, attr } = probe.target;
  if (variable === 'context') {
    const action = schema.actions.get(seed.request.action.id);
    if (!action) return [];
    const context = applyChange({ record: seed.request.context, attr, declared: action.context, change: probe.change, schema, pool });
    if (!context) return [];
    return [derived(seed, { ...seed.request, context }, pool, {}, origin)];
  }
  const uid = seed.request[variable];
  const entity = pool.find((item) => sameUid(uidOf(item), uid));
  const entityType = schema.entityTypes.get(uid.type);
  if (!entity || !entityType) return [];
  const attrs = applyChange({ record: entity.attrs, attr, declared: entityType.attributes, change: probe.change, schema, pool });
  if (!attrs) return [];
  const variant: EntityJson = { ...entity, attrs };
  const name = `${variable === 'principal' ? seed.principalName : seed.resourceName} [${probe.detail}]`;
  const replaced = pool.map((item) => (item === entity ? variant : item));
  return [derived(seed, seed.request, replaced, { [variable]: name }, origin)];
}

function uidVariants(probe: Extract<Probe, { kind: 'uid' }>, seed: SpaceRequest, context: ProbeContext): Candidate[] {
  const { schema, policyId } = context;
  const action = schema.actions.get(seed.request.action.id);
  if (!action) return [];
  const types = probe.variable === 'principal' ? action.principalTypes : action.resourceTypes;
  const allowed = types.filter((type) => probe.types === 'any' || probe.types.includes(type));
  const pool = poolOf(seed);
  const named = formatUid(probe.uid);
  const requests: Candidate[] = [];
  const place = (entity: EntityJson, name: string, detail: string): void => {
    const request = { ...seed.request, [probe.variable]: uidOf(entity) };
    requests.push(derived(seed, request, [entity, ...pool], { [probe.variable]: name }, { kind: 'derived', policyId, detail }));
  };

  // The named entity itself: `==` names it, and `in` holds for an entity in itself.
  if (allowed.includes(probe.uid.type)) {
    const known = pool.find((entity) => sameUid(uidOf(entity), probe.uid));
    const entity = known ?? syntheticEntity({ uid: probe.uid, parents: [], schema, pool });
    const name = known ? displayName(probe.uid, seed.suite.entities) : `${probe.uid.id} (synthetic, named by the policy)`;
    if (entity) place(entity, name, `${probe.variable} ${probe.relation} ${named}`);
  }
  if (probe.relation !== 'in') return requests;

  // A new member of the named group, in no other group: it satisfies this side and no side that names another group.
  const above = ancestors(probe.uid, pool);
  const others = context.otherGroups.filter((group) => !above.some((uid) => sameUid(uid, group)));
  const notIn = others.map((group) => group.id);
  for (const type of allowed) {
    if (!schema.entityTypes.get(type)?.memberOfTypes.includes(probe.uid.type)) continue;
    const uid = { type, id: `synthetic-${probe.uid.id}-member` };
    const entity = syntheticEntity({ uid, parents: [probe.uid], schema, pool });
    if (!entity) continue;
    const unnamed = probe.variable === 'principal' ? 'no resource names it' : 'no principal owns it';
    const name = `synthetic ${probe.uid.id} member (${[...(notIn.length > 0 ? [`not in ${notIn.join(', ')}`] : []), unnamed].join('; ')})`;
    const outside = others.length > 0 ? `, not in ${others.map(formatUid).join(', ')}` : '';
    const detail = `${probe.variable} in ${named}${outside} (synthetic ${type})`;
    place(entity, name, detail);
  }
  return requests;
}

/**
 * The suite's entities in suite order, a case's own entity in place of the fixture it replaces and after them the
 * case's others: the same order whichever request a variant comes from, so equal derived requests have equal keys.
 */
function poolOf(seed: SpaceRequest): EntityJson[] {
  const cached = pools.get(seed);
  if (cached) return cached;
  const own = new Map(seed.entities.map((entity) => [formatEntityUid(uidOf(entity)), entity]));
  const suite = seed.suite.entities.map((entity) => own.get(formatEntityUid(entity.uid)) ?? entity.json);
  const inSuite = new Set(seed.suite.entities.map((entity) => formatEntityUid(entity.uid)));
  const pool = [...suite, ...seed.entities.filter((entity) => !inSuite.has(formatEntityUid(uidOf(entity))))];
  pools.set(seed, pool);
  return pool;
}

/** Every probe of every changed policy reads the same seeds' pools. */
const pools = new WeakMap<SpaceRequest, EntityJson[]>();

/** The groups above `uid` in the pool's hierarchy (a member of writers is also in what writers is in). */
function ancestors(uid: TypeAndId, pool: readonly EntityJson[]): TypeAndId[] {
  const found = new Map<string, TypeAndId>();
  const queue = [uid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const entity = pool.find((item) => sameUid(uidOf(item), next as TypeAndId));
    for (const parent of entity?.parents ?? []) {
      const parentUid = '__entity' in parent ? parent.__entity : parent;
      const key = formatEntityUid(parentUid);
      if (found.has(key)) continue;
      found.set(key, parentUid);
      queue.push(parentUid);
    }
  }
  return [...found.values()];
}

function derived(
  seed: SpaceRequest,
  request: TestRequest,
  pool: readonly EntityJson[],
  names: { readonly principal?: string; readonly resource?: string },
  origin: SpaceRequest['origin'],
): Candidate {
  return () => {
    // The first entity of a uid wins, so a synthetic entity put before the pool replaces a fixture of the same uid.
    const seen = new Set<string>();
    const distinct = pool.filter((entity) => {
      const key = formatEntityUid(uidOf(entity));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const item = {
      mode: seed.mode,
      suite: seed.suite,
      request,
      entities: reachableEntities(request, distinct),
      schemaCheck: 'request' as const,
      principalName: names.principal ?? seed.principalName,
      resourceName: names.resource ?? seed.resourceName,
      origin,
    };
    return { ...item, key: requestKey(item) };
  };
}
