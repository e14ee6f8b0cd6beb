// Describes the Cedar schema as TypeScript declarations for generated/schema.ts.
import type { ExtensionType } from '../../runtime/config.js';
import type { ParsedValueType } from '../../runtime/claims/value-type.js';
import type { SourcePosition } from '../diagnostics/diagnostic.js';
import type { CedarAttribute, SchemaModel } from '../load/cedar-schema.js';

export interface TsProperty {
  readonly name: string;
  /** The property name as TypeScript source: bare when an identifier, quoted otherwise (`"first name"`). */
  readonly key: string;
  readonly type: string;
  readonly optional: boolean;
}

export interface TsEntityType {
  /** `Ns::User` */
  readonly cedarName: string;
  /** `Account` */
  readonly tsName: string;
  readonly attributesTypeName: string;
  readonly attributes: readonly TsProperty[];
  readonly parentTypes: readonly string[];
  /** An enumerated entity type: its id type (`ColorId`) and the union of its choices. */
  readonly enumeration?: { readonly idTypeName: string; readonly choices: readonly string[] };
  /** An entity type with tags: the name and TypeScript type of its tag map. */
  readonly tags?: { readonly typeName: string; readonly type: string };
}

export interface TsAction {
  readonly id: string;
  /** The action id as an interface key. */
  readonly key: string;
  readonly contextTypeName: string;
  readonly context: readonly TsProperty[];
  readonly principalTypes: readonly string[];
  readonly resourceTypes: readonly string[];
  readonly groups: readonly string[];
}

export interface SchemaTypesModel {
  readonly namespace: string;
  readonly actionEntityType: string;
  readonly entityTypes: readonly TsEntityType[];
  readonly actions: readonly TsAction[];
}

/** Cedar's JSON names the ipaddr constructor `ip`; the other extension types are their own constructors. */
export const EXTENSION_FUNCTIONS: Readonly<Record<ExtensionType, string>> = {
  decimal: 'decimal',
  ipaddr: 'ip',
  datetime: 'datetime',
  duration: 'duration',
};

/** Names generated/schema.ts declares whatever the schema holds; a name generated from the schema must differ. */
export const FIXED_TS_NAMES = [
  'ACTION_ENTITY_TYPE',
  'ACTION_IDS',
  'ActionContext',
  'ActionId',
  'ActionPrincipal',
  'ActionResource',
  'EntityAttributes',
  'EntityRef',
  'EntityTags',
  'EntityTypeName',
  'EntityUid',
  'ExtensionValue',
  'NAMESPACE',
  'actionUid',
  'uid',
] as const;

/** Every top-level name the schema makes generated/schema.ts declare, with the declaration it comes from. */
export function generatedTsNames(schema: SchemaModel): { readonly name: string; readonly origin: string; readonly at: SourcePosition }[] {
  const names: { name: string; origin: string; at: SourcePosition }[] = [];
  for (const entity of schema.entityTypes.values()) {
    const tsName = localName(entity.name);
    const origin = `entity type ${entity.name}`;
    names.push({ name: `${tsName}Attributes`, origin, at: entity.declaredAt });
    if (entity.kind === 'enum') names.push({ name: `${tsName}Id`, origin, at: entity.declaredAt });
    if (entity.tags) names.push({ name: `${tsName}Tags`, origin, at: entity.declaredAt });
  }
  for (const action of schema.actions.values()) {
    names.push({ name: contextTypeName(action.id), origin: `action "${action.id}"`, at: action.declaredAt });
  }
  return names;
}

export function toSchemaTypes(schema: SchemaModel): SchemaTypesModel {
  const enums = new Map<string, string>();
  for (const entity of schema.entityTypes.values()) if (entity.kind === 'enum') enums.set(entity.name, `${localName(entity.name)}Id`);
  const toTs = (type: ParsedValueType): string => toTsType(type, enums);
  return {
    namespace: schema.namespace,
    actionEntityType: `${schema.namespace}::Action`,
    entityTypes: [...schema.entityTypes.values()].map((entity) => {
      const tsName = localName(entity.name);
      return {
        cedarName: entity.name,
        tsName,
        attributesTypeName: `${tsName}Attributes`,
        attributes: toProperties(entity.attributes, toTs),
        parentTypes: entity.memberOfTypes,
        ...(entity.kind === 'enum' ? { enumeration: { idTypeName: `${tsName}Id`, choices: entity.choices } } : {}),
        ...(entity.tags ? { tags: { typeName: `${tsName}Tags`, type: `Readonly<Record<string, ${toTs(entity.tags)}>>` } } : {}),
      };
    }),
    actions: [...schema.actions.values()].map((action) => ({
      id: action.id,
      key: propertyKey(action.id),
      contextTypeName: contextTypeName(action.id),
      context: toProperties(action.context, toTs),
      principalTypes: action.principalTypes,
      resourceTypes: action.resourceTypes,
      groups: action.groups,
    })),
  };
}

/** `ReadFile` → `ReadFileContext`; an id that is no identifier (`"read group"`) → `ReadGroupContext`. */
export function contextTypeName(actionId: string): string {
  const pascal = actionId
    .split(/[^A-Za-z0-9_]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${/^[A-Za-z_]/.test(pascal) ? pascal : `Action${pascal}`}Context`;
}

function toProperties(attributes: Readonly<Record<string, CedarAttribute>>, toTs: (type: ParsedValueType) => string): TsProperty[] {
  return Object.keys(attributes)
    .sort()
    .flatMap((name) => {
      const attribute = attributes[name];
      return attribute ? [{ name, key: propertyKey(name), type: toTs(attribute.type), optional: !attribute.required }] : [];
    });
}

/**
 * Cedar → TypeScript, in Cedar's JSON form. Long becomes `number`: Cedar's Long is a signed 64-bit integer, and values
 * beyond ±(2^53 − 1) are not safe in JavaScript, so the runtime refuses them rather than rounding. A reference to an
 * enumerated entity type carries the union of its choices as its id.
 */
export function toTsType(type: ParsedValueType, enums: ReadonlyMap<string, string> = new Map()): string {
  switch (type.kind) {
    case 'String':
      return 'string';
    case 'Long':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Set':
      return `ReadonlyArray<${toTsType(type.element, enums)}>`;
    case 'Entity': {
      const idType = enums.get(type.name);
      return idType ? `EntityRef<'${type.name}', ${idType}>` : `EntityRef<'${type.name}'>`;
    }
    case 'Extension':
      return `ExtensionValue<'${EXTENSION_FUNCTIONS[type.name]}'>`;
    case 'Record': {
      const properties = Object.keys(type.attributes)
        .sort()
        .flatMap((name) => {
          const attribute = type.attributes[name];
          return attribute ? [`readonly ${propertyKey(name)}${attribute.required ? '' : '?'}: ${toTsType(attribute.type, enums)}`] : [];
        });
      if (properties.length === 0) return 'Record<string, never>';
      return `{ ${properties.join('; ')} }`;
    }
  }
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

export function localName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('::') + 2);
}
