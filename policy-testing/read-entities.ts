// Turns the entities of fixture and suite files into cedar-wasm EntityJson, and resolves references to them.
import { checkParseEntities, type EntityJson, type TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { SourcePosition } from '../generator/diagnostics/diagnostic.js';
import type { SchemaModel } from '../generator/load/cedar-schema.js';
import type { YamlPath, YamlSource } from '../generator/load/yaml-source.js';
import { closestMatch } from '../common/did-you-mean.js';
import { toCedarRecord } from './cedar-json.js';
import { testDiagnostic, type TestDiagnostic } from './diagnostics.js';
import { formatEntityUid, parseEntityUid, sameUid } from './entity-uid.js';
import { CedarValueError } from './errors.js';

/** An entity as a fixture or suite file writes it (already checked against the file schema). */
export interface RawEntity {
  readonly uid: string;
  readonly label?: string;
  readonly attrs?: Record<string, unknown>;
  readonly parents?: readonly string[];
  /** Cedar's entity tags (`hasTag`, `getTag`): a map apart from the attributes, values in Cedar JSON. */
  readonly tags?: Record<string, unknown>;
}

export interface TestEntity {
  readonly json: EntityJson;
  readonly uid: TypeAndId;
  /** Shown after the id in test names: `alice (payer)`. */
  readonly label: string | undefined;
  readonly file: string;
  readonly position: SourcePosition;
}

export interface EntitiesRead {
  readonly entities: TestEntity[];
  readonly diagnostics: TestDiagnostic[];
}

/** Reads the entity list at `path` of `source`; entities with a problem are reported and left out. */
export function readEntities(source: YamlSource, path: YamlPath, raw: readonly RawEntity[], schema: SchemaModel): EntitiesRead {
  const entities: TestEntity[] = [];
  const diagnostics: TestDiagnostic[] = [];
  raw.forEach((entity, index) => {
    const at = [...path, index];
    const uid = readUid(source, [...at, 'uid'], entity.uid, schema, diagnostics);
    const parents = (entity.parents ?? []).map((parent, i) => readUid(source, [...at, 'parents', i], parent, schema, diagnostics));
    const attrs = readRecord(source, [...at, 'attrs'], entity.attrs ?? {}, 'attrs', diagnostics);
    // Tags stay absent rather than empty when a file writes none, so entities without tags read as before.
    const tags = entity.tags !== undefined ? readRecord(source, [...at, 'tags'], entity.tags, 'tags', diagnostics) : undefined;
    if (!uid || attrs === undefined || (entity.tags !== undefined && tags === undefined) || parents.some((parent) => parent === undefined))
      return;
    entities.push({
      json: {
        uid,
        attrs,
        parents: parents.filter((parent): parent is TypeAndId => parent !== undefined),
        ...(tags !== undefined ? { tags } : {}),
      },
      uid,
      label: entity.label,
      file: source.file.path,
      position: source.positionOf(at),
    });
  });
  return { entities, diagnostics };
}

function readRecord(
  source: YamlSource,
  path: YamlPath,
  value: object,
  where: string,
  diagnostics: TestDiagnostic[],
): EntityJson['attrs'] | undefined {
  try {
    return toCedarRecord(value, where);
  } catch (error) {
    if (!(error instanceof CedarValueError)) throw error;
    diagnostics.push(
      testDiagnostic({ file: source.file.path, at: source.positionOf(path), code: 'TEST_ENTITY_INVALID', message: error.message }),
    );
    return undefined;
  }
}

function readUid(
  source: YamlSource,
  path: YamlPath,
  text: string,
  schema: SchemaModel,
  diagnostics: TestDiagnostic[],
): TypeAndId | undefined {
  const uid = parseEntityUid(text);
  const at = source.positionOf(path);
  if (!uid) {
    diagnostics.push(
      testDiagnostic({
        file: source.file.path,
        at,
        code: 'TEST_INVALID_VALUE',
        message: `${JSON.stringify(text)} is not an entity uid such as ${exampleUid(schema)}`,
      }),
    );
    return undefined;
  }
  if (!schema.entityTypes.has(uid.type)) {
    const suggestion = closestMatch(uid.type, [...schema.entityTypes.keys()]);
    const example = suggestion ?? firstEntityType(schema);
    diagnostics.push(
      testDiagnostic({
        file: source.file.path,
        at,
        code: 'TEST_ENTITY_TYPE_UNKNOWN',
        message: `entity type \`${uid.type}\` is not in the schema${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        ...(example === undefined ? {} : { hint: `Use a namespaced entity type the schema declares, such as ${example}.` }),
      }),
    );
    return undefined;
  }
  return uid;
}

/** The first entity type of the loaded schema, so examples name the domain at hand, whatever it is. */
function firstEntityType(schema: SchemaModel): string | undefined {
  return [...schema.entityTypes.keys()].sort()[0];
}

/** `Ns::User::"id"`, with a type of the loaded schema. */
function exampleUid(schema: SchemaModel): string {
  return `${firstEntityType(schema) ?? 'Ns::User'}::"id"`;
}

/**
 * Fixture entities must conform to the schema, so that a typo in a fixture is reported here, once, with its
 * position, rather than as a refused request in every case that uses it. One call checks the whole file; only when
 * it fails is each entity checked alone, to say which.
 */
export function checkConformance(entities: readonly TestEntity[], schemaText: string): TestDiagnostic[] {
  if (checkParseEntities({ entities: entities.map((e) => e.json), schema: schemaText }).type === 'success') return [];
  return entities.flatMap((entity) => {
    const answer = checkParseEntities({ entities: [entity.json], schema: schemaText });
    if (answer.type === 'success') return [];
    return [
      testDiagnostic({
        file: entity.file,
        at: entity.position,
        code: 'TEST_ENTITY_INVALID',
        message: `${formatEntityUid(entity.uid)}: ${answer.errors.map((e) => e.message).join('; ')}`,
      }),
    ];
  });
}

export type Resolution = { readonly uid: TypeAndId } | { readonly problem: string };

/** A reference is a uid in Cedar syntax, or the id of exactly one entity of the pool. */
export function resolveReference(text: string, pool: readonly TestEntity[], schema: SchemaModel): Resolution {
  const uid = parseEntityUid(text);
  if (uid) {
    if (schema.entityTypes.has(uid.type)) return { uid };
    const suggestion = closestMatch(uid.type, [...schema.entityTypes.keys()]);
    return { problem: `entity type \`${uid.type}\` is not in the schema${suggestion ? `; did you mean \`${suggestion}\`?` : ''}` };
  }
  const matches = pool.filter((entity) => entity.uid.id === text);
  const [only, ...others] = matches;
  if (only && others.length === 0) return { uid: only.uid };
  if (only)
    return {
      problem:
        `\`${text}\` is the id of ${matches.length} entities ` +
        `(${matches.map((m) => formatEntityUid(m.uid)).join(', ')}); write the uid`,
    };
  const suggestion = closestMatch(text, [...new Set(pool.map((entity) => entity.uid.id))]);
  return { problem: `no entity of this suite has the id \`${text}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}` };
}

/** `alice (payer)`: the id, and the entity's label when it has one. */
export function displayName(uid: TypeAndId, pool: readonly TestEntity[]): string {
  const label = pool.find((entity) => sameUid(entity.uid, uid))?.label;
  return label ? `${uid.id} (${label})` : uid.id;
}
