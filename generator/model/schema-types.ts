// Describes the Cedar schema as TypeScript declarations for generated/schema.ts.
import type { SchemaModel } from '../load/cedar-schema.js';
import type { CedarAttribute, CedarType } from '../load/cedar-types.js';

export interface TsProperty {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
}

export interface TsEntityType {
  /** `Payments::Account` */
  readonly cedarName: string;
  /** `Account` */
  readonly tsName: string;
  readonly attributes: readonly TsProperty[];
  readonly parentTypes: readonly string[];
}

export interface TsAction {
  readonly id: string;
  readonly contextTypeName: string;
  readonly context: readonly TsProperty[];
  readonly principalTypes: readonly string[];
  readonly resourceTypes: readonly string[];
}

export interface SchemaTypesModel {
  readonly namespace: string;
  readonly actionEntityType: string;
  readonly entityTypes: readonly TsEntityType[];
  readonly actions: readonly TsAction[];
}

export function toSchemaTypes(schema: SchemaModel): SchemaTypesModel {
  return {
    namespace: schema.namespace,
    actionEntityType: `${schema.namespace}::Action`,
    entityTypes: [...schema.entityTypes.values()].map((entity) => ({
      cedarName: entity.name,
      tsName: localName(entity.name),
      attributes: toProperties(entity.attributes),
      parentTypes: entity.memberOfTypes,
    })),
    actions: [...schema.actions.values()].map((action) => ({
      id: action.id,
      contextTypeName: `${action.id}Context`,
      context: toProperties(action.context),
      principalTypes: action.principalTypes,
      resourceTypes: action.resourceTypes,
    })),
  };
}

function toProperties(attributes: Readonly<Record<string, CedarAttribute>>): TsProperty[] {
  return Object.keys(attributes)
    .sort()
    .flatMap((name) => {
      const attribute = attributes[name];
      return attribute ? [{ name, type: toTsType(attribute.type), optional: !attribute.required }] : [];
    });
}

/**
 * Cedar → TypeScript. Long becomes `number`: Cedar's Long is a signed 64-bit integer, and values beyond
 * ±(2^53 − 1) are not safe in JavaScript, so the runtime refuses them rather than rounding.
 */
export function toTsType(type: CedarType): string {
  switch (type.kind) {
    case 'String':
      return 'string';
    case 'Long':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Set':
      return `ReadonlyArray<${toTsType(type.element)}>`;
    case 'Entity':
      return `EntityRef<'${type.name}'>`;
    case 'Extension':
      return `{ readonly __extn: { readonly fn: '${type.name}'; readonly arg: string } }`;
    case 'Record': {
      const properties = toProperties(type.attributes);
      if (properties.length === 0) return 'Record<string, never>';
      return `{ ${properties.map((p) => `readonly ${p.name}${p.optional ? '?' : ''}: ${p.type}`).join('; ')} }`;
    }
  }
}

export function localName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('::') + 2);
}
