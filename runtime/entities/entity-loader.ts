// Builds the entities a request needs, as Cedar needs them: the principal (from the token, completed by its stored
// entity when the mode says so), its groups and tenant, the resources, and everything these reach through parents and
// entity-valued attributes or tags, read level by level from the entity store within the mode's bounds.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Principal } from '../claims/principal-entity.js';
import type { PrincipalAttributeSource } from '../config.js';
import { asUid } from '../engine/avp-values.js';
import { EntityLimitError, EntityStoreError } from '../errors.js';
import { entityKey, type EntityStore } from './entity-store.js';
import type { SchemaShapes } from './schema-shapes.js';

export interface EntityLoaderOptions {
  /** Absent when the mode has no entity store: resources are then bare uids and nothing is followed. */
  readonly store: EntityStore | undefined;
  readonly shapes: SchemaShapes;
  /** Action entities come from the schema, never from the store. */
  readonly actionEntityType: string;
  readonly maxDepth: number;
  readonly maxEntities: number;
  readonly principalSource: PrincipalAttributeSource;
  /** For reasons that say where to raise a bound: `modes/<name>.yaml`. */
  readonly modeName: string;
}

export interface EntityRequest {
  readonly principal: Principal;
  readonly resources: readonly TypeAndId[];
  /** Whether each resource must exist (a route's resource: no entity means no access). */
  readonly resourcesRequired: boolean;
}

export interface LoadedEntities {
  /** The principal first, then every other entity once. */
  readonly entities: readonly EntityJson[];
  /** The principal's transitive parents among the loaded entities, nearest first. */
  readonly principalAncestors: readonly TypeAndId[];
}

export class EntityLoader {
  constructor(private readonly options: EntityLoaderOptions) {}

  async load({ principal, resources, resourcesRequired }: EntityRequest): Promise<LoadedEntities> {
    const { store, shapes } = this.options;
    const [tokenPrincipal, ...tokenRelated] = principal.entities;
    if (!tokenPrincipal) throw new EntityStoreError('the principal has no entity');
    const principalKey = entityKey(principal.uid);
    const entities = new Map<string, EntityJson>([[principalKey, tokenPrincipal]]);
    for (const entity of tokenRelated) entities.set(entityKey(asUid(entity.uid)), entity);
    this.checkEnumResources(resources);

    if (!store) {
      for (const uid of resources) if (!shapes.isEnum(uid.type)) entities.set(entityKey(uid), { uid, attrs: {}, parents: [] });
      return this.result(entities, principalKey);
    }

    const enrich = this.options.principalSource.kind === 'token-and-store';
    const visited = new Set<string>([principalKey]);
    let level = this.unvisited([...tokenRelated.map((entity) => asUid(entity.uid)), ...resources, ...references(tokenPrincipal)], visited);
    if (enrich) level.unshift(principal.uid);
    this.checkCount(visited.size + level.length - (enrich ? 1 : 0));
    for (const uid of level) visited.add(entityKey(uid));

    const found = new Set<string>();
    for (let depth = 0; ; depth++) {
      const loaded = await store.load(level);
      const reached: TypeAndId[] = [];
      for (const entity of loaded) {
        const key = entityKey(asUid(entity.uid));
        found.add(key);
        const merged = key === principalKey ? this.enriched(tokenPrincipal, entity) : entity;
        entities.set(key, merged);
        reached.push(...(merged === entity ? reachedFromStored(entity) : reachedFrom(merged)));
      }
      // Two entities of a level may reach the same one: it is read, and counted, once.
      const next = this.unvisited(reached, visited);
      if (next.length === 0) break;
      if (depth + 1 > this.options.maxDepth) {
        throw new EntityLimitError(
          `entity loading needs more than entityStore.maxDepth (${this.options.maxDepth}) levels: ${entityKey(next[0] ?? principal.uid)} ` +
            `is ${depth + 1} levels from the request's own entities; raise entityStore.maxDepth in modes/${this.options.modeName}.yaml`,
        );
      }
      for (const uid of next) visited.add(entityKey(uid));
      this.checkCount(visited.size);
      level = next;
    }

    if (resourcesRequired) {
      for (const uid of resources) {
        const key = entityKey(uid);
        // The principal as its own resource exists already: it is the entity the token describes.
        if (!shapes.isEnum(uid.type) && key !== principalKey && !found.has(key))
          throw new EntityStoreError(`no entity ${key}: no entity means no access`);
      }
    }
    return this.result(entities, principalKey);
  }

  /** Token and stored principal merged: attributes the token lacks come from the store, `wins` settles the rest. */
  private enriched(token: EntityJson, stored: EntityJson): EntityJson {
    const source = this.options.principalSource;
    const attrs =
      source.kind === 'token-and-store' && source.wins === 'store'
        ? { ...token.attrs, ...stored.attrs }
        : { ...stored.attrs, ...token.attrs };
    const parents = new Map<string, EntityJson['parents'][number]>();
    for (const parent of [...token.parents, ...stored.parents]) parents.set(entityKey(asUid(parent)), parent);
    return { uid: token.uid, attrs, parents: [...parents.values()], ...(stored.tags ? { tags: stored.tags } : {}) };
  }

  /** An enum entity exists without being stored, but only with one of the values the schema lists. */
  private checkEnumResources(resources: readonly TypeAndId[]): void {
    for (const uid of resources) {
      if (this.options.shapes.isEnum(uid.type) && !this.options.shapes.isEnumValue(uid.type, uid.id)) {
        throw new EntityStoreError(
          `no entity ${entityKey(uid)}: ${uid.type} is an enum and ${JSON.stringify(uid.id)} is not one of its values`,
        );
      }
    }
  }

  private checkCount(count: number): void {
    const { maxEntities, modeName } = this.options;
    if (count > maxEntities) {
      throw new EntityLimitError(
        `entity loading reached entityStore.maxEntities (${maxEntities}): the request's entities reach at least ${count}; raise ` +
          `entityStore.maxEntities in modes/${modeName}.yaml`,
      );
    }
  }

  /** Uids not yet seen, once each: enum entities need no item and action entities come from the schema. */
  private unvisited(uids: readonly TypeAndId[], visited: ReadonlySet<string>): TypeAndId[] {
    const fresh = new Map<string, TypeAndId>();
    for (const uid of uids) {
      const key = entityKey(uid);
      if (visited.has(key) || uid.type === this.options.actionEntityType || this.options.shapes.isEnum(uid.type)) continue;
      fresh.set(key, uid);
    }
    return [...fresh.values()];
  }

  private result(entities: ReadonlyMap<string, EntityJson>, principalKey: string): LoadedEntities {
    const ancestors: TypeAndId[] = [];
    const seen = new Set<string>([principalKey]);
    const queue = [...(entities.get(principalKey)?.parents ?? [])];
    for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
      const uid = asUid(parent);
      const key = entityKey(uid);
      if (seen.has(key)) continue;
      seen.add(key);
      ancestors.push(uid);
      queue.push(...(entities.get(key)?.parents ?? []));
    }
    return { entities: [...entities.values()], principalAncestors: ancestors };
  }
}

/**
 * What a stored entity reaches, kept beside the cached entity itself: the store caches entities as immutable objects,
 * so a warm cache hit need not walk the same attributes again on every request.
 */
const reachedByStored = new WeakMap<EntityJson, readonly TypeAndId[]>();

function reachedFromStored(entity: EntityJson): readonly TypeAndId[] {
  let reached = reachedByStored.get(entity);
  if (reached === undefined) {
    reached = reachedFrom(entity);
    reachedByStored.set(entity, reached);
  }
  return reached;
}

/** An entity's parents, then every entity its attributes and tags refer to. */
function reachedFrom(entity: EntityJson): TypeAndId[] {
  return [...entity.parents.map(asUid), ...references(entity)];
}

/** Every entity an entity's attributes and tags refer to, inside records and sets too. */
function references(entity: EntityJson): TypeAndId[] {
  const found: TypeAndId[] = [];
  const visit = (value: CedarValueJson): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if ('__entity' in value) {
      const uid: unknown = value['__entity'];
      if (isUid(uid)) found.push({ type: uid.type, id: uid.id });
      return;
    }
    if ('__extn' in value) return;
    Object.values(value).forEach(visit);
  };
  Object.values(entity.attrs).forEach(visit);
  Object.values(entity.tags ?? {}).forEach(visit);
  return found;
}

function isUid(value: unknown): value is TypeAndId {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['type'] === 'string' && typeof record['id'] === 'string';
}
