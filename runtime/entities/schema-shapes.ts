// What the runtime needs to know from the bundle's schema (Cedar JSON schema format): which entity types are enums,
// and the declared type of every attribute and tag, so stored values reach both engines in Cedar's explicit form.
import type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { extensionValue } from '../claims/extension-text.js';
import { ValueTypeError } from '../claims/value-type-error.js';
import { EXTENSION_TYPES, type ExtensionType } from '../config.js';
import { EntityStoreError } from '../errors.js';

/** A schema type with every name resolved: only what normalization distinguishes. */
type ShapeType =
  | { readonly kind: 'Extension'; readonly name: ExtensionType }
  | { readonly kind: 'Entity'; readonly name: string }
  | { readonly kind: 'Set'; readonly element: ShapeType }
  | { readonly kind: 'Record'; readonly attributes: ReadonlyMap<string, ShapeType> }
  | { readonly kind: 'Other' };

interface EntityShape {
  readonly attributes?: ShapeType;
  readonly tags?: ShapeType;
  readonly enumIds?: ReadonlySet<string>;
}

/** The JSON schema's own type nodes, as far as this module reads them. */
interface SchemaTypeJson {
  readonly type?: string;
  readonly name?: string;
  readonly element?: SchemaTypeJson;
  readonly attributes?: Readonly<Record<string, SchemaTypeJson>>;
}

interface NamespaceJson {
  readonly commonTypes?: Readonly<Record<string, SchemaTypeJson>>;
  readonly entityTypes?: Readonly<
    Record<string, { readonly shape?: SchemaTypeJson; readonly tags?: SchemaTypeJson; readonly enum?: readonly string[] }>
  >;
}

const NO_SHAPE: EntityShape = {};
const OTHER: ShapeType = { kind: 'Other' };

export class SchemaShapes {
  private readonly entities = new Map<string, EntityShape>();

  constructor(schema: Readonly<Record<string, unknown>>) {
    // A malformed namespace contributes nothing here; the engine reports the schema's own errors.
    const namespaces = Object.entries(schema).filter(
      (entry): entry is [string, NamespaceJson] => typeof entry[1] === 'object' && entry[1] !== null,
    );
    const common = new Map<string, SchemaTypeJson>();
    const entityTypes = new Set<string>();
    for (const [namespace, body] of namespaces) {
      for (const [name, type] of Object.entries(body.commonTypes ?? {})) common.set(qualify(namespace, name), type);
      for (const name of Object.keys(body.entityTypes ?? {})) entityTypes.add(qualify(namespace, name));
    }
    const resolver = new TypeResolver(common, entityTypes);
    for (const [namespace, body] of namespaces) {
      for (const [name, declaration] of Object.entries(body.entityTypes ?? {})) {
        this.entities.set(qualify(namespace, name), {
          ...(declaration.shape ? { attributes: resolver.resolve(declaration.shape, namespace) } : {}),
          ...(declaration.tags ? { tags: resolver.resolve(declaration.tags, namespace) } : {}),
          ...(declaration.enum ? { enumIds: new Set(declaration.enum) } : {}),
        });
      }
    }
  }

  /** An enum entity type (`entity Color enum [...]`): its entities exist without being stored. */
  isEnum(entityType: string): boolean {
    return this.entities.get(entityType)?.enumIds !== undefined;
  }

  isEnumValue(entityType: string, id: string): boolean {
    return this.entities.get(entityType)?.enumIds?.has(id) === true;
  }

  /**
   * The entity with every value in Cedar's explicit form where the schema declares its type: a string at an
   * extension-typed attribute or tag becomes `{ __extn }`, a bare `{ type, id }` at an entity-typed one `{ __entity }`.
   * A value Cedar would refuse is an EntityStoreError naming the entity and attribute.
   */
  normalize(entity: EntityJson, key: string): EntityJson {
    const shape = this.entities.get('__entity' in entity.uid ? entity.uid.__entity.type : entity.uid.type) ?? NO_SHAPE;
    const at = (where: string, run: () => CedarValueJson): CedarValueJson => {
      try {
        return run();
      } catch (error) {
        if (error instanceof ValueTypeError) throw new EntityStoreError(`entity ${key}${where}: ${error.message}`, { cause: error });
        throw error;
      }
    };
    const attrs = shape.attributes ? at('', () => explicit(entity.attrs, shape.attributes ?? OTHER)) : entity.attrs;
    const { tags } = entity;
    const tagType = shape.tags;
    return {
      ...entity,
      attrs: attrs as EntityJson['attrs'],
      ...(tags && tagType
        ? {
            tags: Object.fromEntries(
              Object.entries(tags).map(([name, value]) => [name, at(` tag ${JSON.stringify(name)}`, () => explicit(value, tagType))]),
            ),
          }
        : {}),
    };
  }
}

/** The value in explicit form for its declared type; anything the type does not describe is left as it is. */
function explicit(value: CedarValueJson, type: ShapeType): CedarValueJson {
  switch (type.kind) {
    case 'Extension':
      return typeof value === 'string' ? extensionValue(type.name, value) : value;
    case 'Entity':
      return isBareUid(value) ? { __entity: { type: value.type, id: value.id } } : value;
    case 'Set':
      return Array.isArray(value) ? value.map((item) => explicit(item, type.element)) : value;
    case 'Record': {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || '__entity' in value || '__extn' in value) return value;
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => {
          const itemType = type.attributes.get(name);
          if (!itemType) return [name, item];
          try {
            return [name, explicit(item as CedarValueJson, itemType)];
          } catch (error) {
            if (error instanceof ValueTypeError)
              throw new ValueTypeError(`attribute ${JSON.stringify(name)}: ${error.message}`, { cause: error });
            throw error;
          }
        }),
      );
    }
    case 'Other':
      return value;
  }
}

function isBareUid(value: CedarValueJson): value is { type: string; id: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  return keys.length === 2 && typeof record['type'] === 'string' && typeof record['id'] === 'string';
}

/** Resolves type names as Cedar does: a common type first, then an entity type, then a built-in type. */
class TypeResolver {
  constructor(
    private readonly common: ReadonlyMap<string, SchemaTypeJson>,
    private readonly entityTypes: ReadonlySet<string>,
  ) {}

  resolve(type: SchemaTypeJson, namespace: string, seen: ReadonlySet<string> = new Set()): ShapeType {
    switch (type.type) {
      case 'Set':
        return type.element ? { kind: 'Set', element: this.resolve(type.element, namespace, seen) } : OTHER;
      case 'Record':
        return {
          kind: 'Record',
          attributes: new Map(
            Object.entries(type.attributes ?? {}).map(([name, attribute]) => [name, this.resolve(attribute, namespace, seen)]),
          ),
        };
      case 'Entity':
        return type.name !== undefined ? { kind: 'Entity', name: this.entityName(type.name, namespace) ?? type.name } : OTHER;
      case 'Extension':
        return type.name !== undefined ? extension(type.name) : OTHER;
      case 'EntityOrCommon':
        return type.name !== undefined ? this.named(type.name, namespace, seen) : OTHER;
      case undefined:
        return OTHER;
      default:
        // `{ "type": "Addr" }` names a common type directly; primitives resolve to Other.
        return this.named(type.type, namespace, seen);
    }
  }

  private named(name: string, namespace: string, seen: ReadonlySet<string>): ShapeType {
    for (const candidate of candidates(name, namespace)) {
      const common = this.common.get(candidate);
      if (common && !seen.has(candidate)) return this.resolve(common, namespaceOf(candidate), new Set([...seen, candidate]));
      if (this.entityTypes.has(candidate)) return { kind: 'Entity', name: candidate };
    }
    return extension(name);
  }

  private entityName(name: string, namespace: string): string | undefined {
    return candidates(name, namespace).find((candidate) => this.entityTypes.has(candidate));
  }
}

function extension(name: string): ShapeType {
  const bare = name.replace(/^__cedar::/, '');
  return (EXTENSION_TYPES as readonly string[]).includes(bare) ? { kind: 'Extension', name: bare as ExtensionType } : OTHER;
}

/** A qualified name stands for itself; an unqualified one is looked up in its namespace, then the empty one. */
function candidates(name: string, namespace: string): string[] {
  if (name.includes('::')) return [name];
  return namespace === '' ? [name] : [qualify(namespace, name), name];
}

function qualify(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}::${name}`;
}

function namespaceOf(qualified: string): string {
  const index = qualified.lastIndexOf('::');
  return index < 0 ? '' : qualified.slice(0, index);
}
