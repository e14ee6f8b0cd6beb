// Parses the Cedar schema with cedar-wasm and turns it into a model of entity types and actions.
import { checkParseSchema, schemaToJson, schemaToJsonWithResolvedTypes, type SchemaJson } from '@cedar-policy/cedar-wasm/nodejs';
import { diagnostic, START_OF_FILE, type Diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex, utf8OffsetToIndex } from '../diagnostics/position.js';
import type { CedarAttribute, CedarType } from './cedar-types.js';
import type { SourceFile } from './source-files.js';

export interface EntityTypeModel {
  /** Fully qualified, such as `Payments::Account`. */
  readonly name: string;
  readonly memberOfTypes: readonly string[];
  readonly attributes: Readonly<Record<string, CedarAttribute>>;
}

export interface ActionModel {
  /** The action id, such as `ViewAccount`. */
  readonly id: string;
  /** The action's entity type, such as `Payments::Action`. */
  readonly entityType: string;
  readonly principalTypes: readonly string[];
  readonly resourceTypes: readonly string[];
  readonly context: Readonly<Record<string, CedarAttribute>>;
}

export interface SchemaModel {
  readonly file: SourceFile;
  readonly namespace: string;
  /** Keyed by fully qualified name, sorted. */
  readonly entityTypes: ReadonlyMap<string, EntityTypeModel>;
  /** Keyed by action id, sorted. */
  readonly actions: ReadonlyMap<string, ActionModel>;
  /** The schema in Cedar JSON form, as AVP and the local engine consume it. */
  readonly json: SchemaJson<string>;
}

export interface SchemaLoadResult {
  readonly schema?: SchemaModel;
  readonly diagnostics: Diagnostic[];
}

export function loadSchema(file: SourceFile): SchemaLoadResult {
  const parsed = checkParseSchema(file.text);
  if (parsed.type === 'failure') {
    const lines = new LineIndex(file.text);
    return {
      diagnostics: parsed.errors.map((error) => {
        const start = error.sourceLocations?.[0]?.start;
        const label = error.sourceLocations?.[0]?.label;
        return diagnostic({
          file: file.path,
          at: start === undefined ? START_OF_FILE : lines.positionOf(utf8OffsetToIndex(file.text, start)),
          code: 'CEDAR_SCHEMA_SYNTAX',
          message: stripPrefix(error.message) + (label ? ` (${label})` : ''),
          ...(error.help ? { hint: error.help } : {}),
        });
      }),
    };
  }
  const resolved = schemaToJsonWithResolvedTypes(file.text);
  const plain = schemaToJson(file.text);
  if (resolved.type === 'failure' || plain.type === 'failure') {
    const errors = resolved.type === 'failure' ? resolved.errors : plain.type === 'failure' ? plain.errors : [];
    return {
      diagnostics: [
        diagnostic({ file: file.path, at: START_OF_FILE, code: 'CEDAR_SCHEMA_SYNTAX', message: errors.map((e) => e.message).join('; ') }),
      ],
    };
  }
  const namespaces = Object.keys(resolved.json);
  const namespace = namespaces[0];
  if (namespaces.length !== 1 || namespace === undefined || namespace === '') {
    return {
      diagnostics: [
        diagnostic({
          file: file.path,
          at: START_OF_FILE,
          code: 'CEDAR_SCHEMA_NAMESPACE',
          message:
            namespaces.length === 1
              ? 'the schema declares its types outside any namespace'
              : `the schema declares ${namespaces.length} namespaces (${namespaces.map((n) => n || '<none>').join(', ')})`,
        }),
      ],
    };
  }
  return { schema: buildSchemaModel(file, namespace, resolved.json, plain.json), diagnostics: [] };
}

type JsonType = { type: string; element?: JsonType; attributes?: Record<string, JsonType & { required?: boolean }>; name?: string };

function buildSchemaModel(file: SourceFile, namespace: string, resolved: SchemaJson<string>, plain: SchemaJson<string>): SchemaModel {
  const definition = resolved[namespace];
  if (!definition) throw new Error(`namespace ${namespace} vanished from the resolved schema`);
  const commonTypes = (definition.commonTypes ?? {}) as Record<string, JsonType>;
  const toType = (json: JsonType): CedarType => convertType(json, namespace, commonTypes);
  const recordAttributes = (json: JsonType | undefined): Record<string, CedarAttribute> => {
    if (!json) return {};
    const record = toType(json);
    return record.kind === 'Record' ? { ...record.attributes } : {};
  };

  const entityTypes = new Map<string, EntityTypeModel>();
  for (const name of Object.keys(definition.entityTypes).sort()) {
    const entity = definition.entityTypes[name] as { memberOfTypes?: string[]; shape?: JsonType };
    const qualified = `${namespace}::${name}`;
    entityTypes.set(qualified, {
      name: qualified,
      memberOfTypes: [...(entity.memberOfTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      attributes: recordAttributes(entity.shape),
    });
  }

  const actions = new Map<string, ActionModel>();
  for (const id of Object.keys(definition.actions).sort()) {
    const appliesTo = definition.actions[id]?.appliesTo;
    actions.set(id, {
      id,
      entityType: `${namespace}::Action`,
      principalTypes: [...(appliesTo?.principalTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      resourceTypes: [...(appliesTo?.resourceTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      context: recordAttributes(appliesTo?.context as JsonType | undefined),
    });
  }
  return { file, namespace, entityTypes, actions, json: plain };
}

function convertType(json: JsonType, namespace: string, commonTypes: Record<string, JsonType>, depth = 0): CedarType {
  if (depth > 32) throw new Error('common types nest too deeply');
  switch (json.type) {
    case 'String':
    case 'Long':
      return { kind: json.type };
    case 'Bool':
    case 'Boolean':
      return { kind: 'Boolean' };
    case 'Set':
      if (!json.element) throw new Error('a Set type without an element type');
      return { kind: 'Set', element: convertType(json.element, namespace, commonTypes, depth + 1) };
    case 'Record': {
      const attributes: Record<string, CedarAttribute> = {};
      for (const [name, attribute] of Object.entries(json.attributes ?? {})) {
        attributes[name] = {
          type: convertType(attribute, namespace, commonTypes, depth + 1),
          required: attribute.required !== false,
        };
      }
      return { kind: 'Record', attributes };
    }
    case 'Entity':
      return { kind: 'Entity', name: qualify(json.name ?? '', namespace) };
    case 'Extension':
      return { kind: 'Extension', name: json.name ?? '' };
    default: {
      // The resolved form still names common types; look them up by their unqualified name.
      const local = json.type.startsWith(`${namespace}::`) ? json.type.slice(namespace.length + 2) : json.type;
      const common = commonTypes[local];
      if (!common) throw new Error(`unknown type ${json.type}`);
      return convertType(common, namespace, commonTypes, depth + 1);
    }
  }
}

function qualify(name: string, namespace: string): string {
  return name.includes('::') ? name : `${namespace}::${name}`;
}

/** cedar-wasm prefixes messages with what it was doing; the diagnostic code already says that. */
function stripPrefix(message: string): string {
  return message.replace(/^failed to parse schema from string: /, '').replace(/^error parsing schema: /, '');
}
