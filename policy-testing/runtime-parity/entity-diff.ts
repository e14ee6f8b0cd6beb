// Finds the first difference between two entity lists (the suite's and the runtime's), in uid order: an entity only
// one side has, then an attribute, the parents or a tag that differ.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { formatEntityUid } from '../entity-uid.js';

export interface EntitySides {
  readonly suite: readonly EntityJson[];
  readonly runtime: readonly EntityJson[];
}

/** Undefined when both sides hold the same entities, attributes, parents and tags. */
export function firstEntityDifference({ suite, runtime }: EntitySides): string | undefined {
  const ours = byUid(suite);
  const theirs = byUid(runtime);
  for (const key of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(key);
    const b = theirs.get(key);
    if (!b) return `${key} is in the suite's entities, and the runtime did not load it`;
    if (!a) return `${key} was loaded by the runtime, and is not among the suite's entities`;
    const difference =
      recordDifference(key, 'attribute', a.attrs, b.attrs) ??
      parentsDifference(key, a, b) ??
      recordDifference(key, 'tag', a.tags ?? {}, b.tags ?? {});
    if (difference) return difference;
  }
  return undefined;
}

function recordDifference(
  key: string,
  what: string,
  a: Readonly<Record<string, CedarValueJson>>,
  b: Readonly<Record<string, CedarValueJson>>,
): string | undefined {
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const left = Object.hasOwn(a, name) ? a[name] : undefined;
    const right = Object.hasOwn(b, name) ? b[name] : undefined;
    if (left !== undefined && right !== undefined && canonical(left) === canonical(right)) continue;
    return `${key} ${what} \`${name}\`: the suite has ${show(left)}, the runtime ${show(right)}`;
  }
  return undefined;
}

function parentsDifference(key: string, a: EntityJson, b: EntityJson): string | undefined {
  const left = new Set(a.parents.map((parent) => formatEntityUid(uidOf(parent))));
  const right = new Set(b.parents.map((parent) => formatEntityUid(uidOf(parent))));
  const missing = [...left].filter((parent) => !right.has(parent)).sort();
  const extra = [...right].filter((parent) => !left.has(parent)).sort();
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `${key} parents: the suite has [${[...left].sort().join(', ')}], the runtime [${[...right].sort().join(', ')}]`;
}

function byUid(entities: readonly EntityJson[]): Map<string, EntityJson> {
  return new Map(entities.map((entity) => [formatEntityUid(uidOf(entity.uid)), entity]));
}

function uidOf(uid: EntityJson['uid']): TypeAndId {
  return '__entity' in uid ? uid.__entity : uid;
}

function show(value: CedarValueJson | undefined): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/**
 * One spelling per Cedar value: entity references written `{ __entity: uid }` or as a bare uid read alike, and a
 * set's order does not matter (every JSON list in Cedar attributes is a set).
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const entries = Object.entries(
    '__entity' in value && value.__entity !== null && typeof value.__entity === 'object' ? value.__entity : value,
  );
  return `{${entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`)
    .join(',')}}`;
}
