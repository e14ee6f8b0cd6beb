// Picks the entities a request can reach (its principal, resource and context, through parents and entity attributes).
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { formatEntityUid } from './entity-uid.js';
import type { TestRequest } from './evaluate.js';

/**
 * cedar-wasm parses every entity it is given on every call, about 30 µs each, so a request carries only what its
 * policies can reach, as the authorizer's own requests do. A policy that reads an attribute of an entity named
 * only in its text would see it missing and report an evaluation error, never a silent difference.
 */
export function reachableEntities(request: TestRequest, pool: readonly EntityJson[]): EntityJson[] {
  const byUid = new Map(pool.map((entity) => [key(entity.uid), entity]));
  const picked = new Map<string, EntityJson>();
  const queue: TypeAndId[] = [request.principal, request.resource, ...Object.values(request.context).flatMap(entityRefs)];
  for (let uid = queue.shift(); uid !== undefined; uid = queue.shift()) {
    const id = formatEntityUid(uid);
    const entity = byUid.get(id);
    if (!entity || picked.has(id)) continue;
    picked.set(id, entity);
    queue.push(...entity.parents.flatMap(asTypeAndId), ...Object.values(entity.attrs).flatMap(entityRefs));
  }
  // Pool order, so that the same request always gets the same list.
  return pool.filter((entity) => picked.has(key(entity.uid)));
}

function entityRefs(value: CedarValueJson): TypeAndId[] {
  if (Array.isArray(value)) return value.flatMap(entityRefs);
  if (value === null || typeof value !== 'object') return [];
  if ('__extn' in value) return [];
  const reference = '__entity' in value ? value['__entity'] : undefined;
  if (isTypeAndId(reference)) return [reference];
  return Object.values(value).flatMap(entityRefs);
}

function isTypeAndId(value: unknown): value is TypeAndId {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<TypeAndId>).type === 'string' &&
    typeof (value as Partial<TypeAndId>).id === 'string'
  );
}

function asTypeAndId(uid: EntityJson['parents'][number]): TypeAndId[] {
  return ['__entity' in uid ? uid.__entity : uid];
}

function key(uid: EntityJson['uid']): string {
  return formatEntityUid('__entity' in uid ? uid.__entity : uid);
}
