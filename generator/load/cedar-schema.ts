// Parses the Cedar schema with cedar-wasm and turns it into a model of entity types, actions and their value types.
import {
  checkParseSchema,
  schemaToJson,
  schemaToJsonWithResolvedTypes,
  type DetailedError,
  type SchemaJson,
} from '@cedar-policy/cedar-wasm/nodejs';
import { EXTENSION_TYPES, type ExtensionType } from '../../runtime/config.js';
import type { ParsedValueType } from '../../runtime/claims/value-type.js';
import { diagnostic, START_OF_FILE, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import { cedarErrorPosition } from '../diagnostics/cedar-error.js';
import { LineIndex } from '../diagnostics/position.js';
import { moveIntoNamespaceHint, wrapInNamespaceHint } from '../diagnostics/plain-cedar-hints.js';
import { findDeclarations, type DeclarationPositions } from './cedar-schema-positions.js';
import type { SourceFile } from './source-files.js';

/** An attribute of an entity type, a record or an action's context. */
export interface CedarAttribute {
  readonly type: ParsedValueType;
  readonly required: boolean;
}

interface EntityTypeFields {
  /** Fully qualified, such as `Ns::User`. */
  readonly name: string;
  readonly memberOfTypes: readonly string[];
  readonly attributes: Readonly<Record<string, CedarAttribute>>;
  /** The type of every tag (`entity Doc tags String`); absent when the type declares no tags. */
  readonly tags?: ParsedValueType;
  readonly declaredAt: SourcePosition;
}

/**
 * `standard`: entities of the type live in the entity store. `enum` (`entity Color enum ["red", "blue"]`): the
 * choices are the only valid ids, and they exist without any stored entity.
 */
export type EntityTypeModel =
  | (EntityTypeFields & { readonly kind: 'standard' })
  | (EntityTypeFields & { readonly kind: 'enum'; readonly choices: readonly string[] });

export interface ActionModel {
  /** The action id, such as `read`. */
  readonly id: string;
  /** The action's entity type, such as `Ns::Action`. */
  readonly entityType: string;
  /** Empty for an action without `appliesTo` (an action group, typically): no request can name it. */
  readonly principalTypes: readonly string[];
  readonly resourceTypes: readonly string[];
  readonly context: Readonly<Record<string, CedarAttribute>>;
  /** Ids of the action groups this action is directly `in`, sorted. */
  readonly groups: readonly string[];
  readonly declaredAt: SourcePosition;
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

/** A construct the model cannot represent; becomes a CEDAR_SCHEMA_UNSUPPORTED diagnostic, never a crash. */
class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
  constructor(
    message: string,
    readonly at: SourcePosition,
  ) {
    super(message);
  }
}

export function loadSchema(file: SourceFile): SchemaLoadResult {
  const lines = new LineIndex(file.text);
  const declarations = findDeclarations(file.text);
  const syntaxDiagnostics = (errors: readonly DetailedError[]): Diagnostic[] =>
    errors.map((error) => {
      const location = error.sourceLocations?.[0];
      return diagnostic({
        file: file.path,
        at: cedarErrorPosition({ text: file.text, error, lines, fallback: declarationNamedIn(error.message, declarations) }),
        code: 'CEDAR_SCHEMA_SYNTAX',
        message: stripPrefix(error.message) + (location?.label ? ` (${location.label})` : ''),
        ...(error.help ? { hint: error.help } : {}),
      });
    });
  const parsed = checkParseSchema(file.text);
  if (parsed.type === 'failure') return { diagnostics: syntaxDiagnostics(parsed.errors) };
  const resolved = schemaToJsonWithResolvedTypes(file.text);
  const plain = schemaToJson(file.text);
  if (resolved.type === 'failure') return { diagnostics: syntaxDiagnostics(resolved.errors) };
  if (plain.type === 'failure') return { diagnostics: syntaxDiagnostics(plain.errors) };
  const namespaces = Object.keys(resolved.json).sort();
  const namespace = namespaces[0];
  if (namespaces.length !== 1 || namespace === undefined || namespace === '') {
    return { diagnostics: [namespaceDiagnostic(file, namespaces, declarations)] };
  }
  // Shadowing a builtin (`type ipaddr = String`) is legal but changes what every later `ipaddr` means; say so.
  const warnings = resolved.warnings.map((warning) =>
    diagnostic({
      file: file.path,
      at: cedarErrorPosition({ text: file.text, error: warning, lines }),
      code: 'CEDAR_SCHEMA_WARNING',
      message: stripPrefix(warning.message),
      ...(warning.help ? { hint: warning.help } : {}),
    }),
  );
  try {
    return {
      schema: buildSchemaModel({ file, namespace, resolved: resolved.json, plain: plain.json, declarations }),
      diagnostics: warnings,
    };
  } catch (error) {
    // The model is built from cedar-wasm's output; a shape it does not know is reported, never thrown at the user.
    const at = error instanceof UnsupportedSchemaError ? error.at : START_OF_FILE;
    return {
      diagnostics: [
        diagnostic({
          file: file.path,
          at,
          code: 'CEDAR_SCHEMA_UNSUPPORTED',
          message: error instanceof Error ? error.message : String(error),
        }),
      ],
    };
  }
}

/**
 * Some of cedar-wasm's schema errors carry no source location but name the declaration (`action App::Action::"v"`,
 * `entity type \`Action\``); point at that declaration rather than at the top of the file.
 */
function declarationNamedIn(message: string, declarations: DeclarationPositions): SourcePosition {
  const action = /Action::"((?:[^"\\]|\\.)*)"/.exec(message)?.[1];
  const entity = /entity type `(?:[A-Za-z_][A-Za-z0-9_]*::)*([A-Za-z_][A-Za-z0-9_]*)`/.exec(message)?.[1];
  return (
    (action !== undefined ? declarations.actions.get(action) : undefined) ??
    (entity !== undefined ? declarations.entityTypes.get(entity) : undefined) ??
    START_OF_FILE
  );
}

/** Points at the first declaration that makes the schema other than one named namespace. */
function namespaceDiagnostic(file: SourceFile, namespaces: readonly string[], declarations: DeclarationPositions): Diagnostic {
  const outside = declarations.namespaces.find((n) => n.name === '');
  const second = declarations.namespaces[1];
  if (namespaces.length === 1 || (outside && namespaces.length === 2 && namespaces.includes(''))) {
    const named = namespaces.find((n) => n !== '');
    return diagnostic({
      file: file.path,
      at: outside?.at ?? START_OF_FILE,
      code: 'CEDAR_SCHEMA_NAMESPACE',
      message: 'the schema declares types outside any namespace',
      hint: named === undefined ? wrapInNamespaceHint(file.path, outside?.at ?? START_OF_FILE) : moveIntoNamespaceHint(named),
    });
  }
  return diagnostic({
    file: file.path,
    at: outside?.at ?? second?.at ?? START_OF_FILE,
    code: 'CEDAR_SCHEMA_NAMESPACE',
    message: `the schema declares ${namespaces.length} namespaces (${namespaces.map((n) => n || '<none>').join(', ')})`,
  });
}

/** A type in cedar-wasm's resolved JSON form: common types are named (`Ns::Address`), entity types are `Entity`. */
interface JsonType {
  readonly type: string;
  readonly element?: JsonType;
  readonly attributes?: Readonly<Record<string, JsonType & { readonly required?: boolean }>>;
  readonly name?: string;
}

interface JsonEntityType {
  readonly memberOfTypes?: readonly string[];
  readonly shape?: JsonType;
  readonly tags?: JsonType;
  readonly enum?: readonly string[];
}

interface JsonAction {
  readonly appliesTo?: {
    readonly principalTypes?: readonly string[];
    readonly resourceTypes?: readonly string[];
    readonly context?: JsonType;
  };
  readonly memberOf?: readonly { readonly id: string; readonly type?: string }[];
}

interface BuildInputs {
  readonly file: SourceFile;
  readonly namespace: string;
  readonly resolved: SchemaJson<string>;
  readonly plain: SchemaJson<string>;
  readonly declarations: DeclarationPositions;
}

function buildSchemaModel({ file, namespace, resolved, plain, declarations }: BuildInputs): SchemaModel {
  const definition = resolved[namespace];
  if (!definition) throw new Error(`namespace ${namespace} vanished from the resolved schema`);
  const converter = new TypeConverter(namespace, (definition.commonTypes ?? {}) as Record<string, JsonType>);
  const actionType = `${namespace}::Action`;

  const entityTypes = new Map<string, EntityTypeModel>();
  const rawEntities = definition.entityTypes as Record<string, JsonEntityType>;
  for (const name of Object.keys(rawEntities).sort()) {
    const entity = rawEntities[name] ?? {};
    const qualified = `${namespace}::${name}`;
    const declaredAt = declarations.entityTypes.get(name) ?? START_OF_FILE;
    const where = `entity type ${qualified}`;
    const fields: EntityTypeFields = {
      name: qualified,
      memberOfTypes: [...(entity.memberOfTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      attributes: entity.shape ? converter.attributes(entity.shape, { where, at: declaredAt }) : {},
      ...(entity.tags ? { tags: converter.convert(entity.tags, { where: `the tags of ${where}`, at: declaredAt }) } : {}),
      declaredAt,
    };
    entityTypes.set(qualified, entity.enum ? { ...fields, kind: 'enum', choices: [...entity.enum] } : { ...fields, kind: 'standard' });
  }

  const actions = new Map<string, ActionModel>();
  const rawActions = definition.actions as Record<string, JsonAction>;
  for (const id of Object.keys(rawActions).sort()) {
    const action = rawActions[id] ?? {};
    const declaredAt = declarations.actions.get(id) ?? START_OF_FILE;
    const appliesTo = action.appliesTo;
    const groups = (action.memberOf ?? []).map((group) => {
      const type = group.type === undefined ? actionType : qualify(group.type, namespace);
      if (type !== actionType) {
        throw new UnsupportedSchemaError(`action "${id}" is in a group of another action type (${type}::"${group.id}")`, declaredAt);
      }
      return group.id;
    });
    actions.set(id, {
      id,
      entityType: actionType,
      principalTypes: [...(appliesTo?.principalTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      resourceTypes: [...(appliesTo?.resourceTypes ?? [])].map((t) => qualify(t, namespace)).sort(),
      context: appliesTo?.context
        ? converter.attributes(appliesTo.context, { where: `the context of action "${id}"`, at: declaredAt })
        : {},
      groups: [...new Set(groups)].sort(),
      declaredAt,
    });
  }
  return { file, namespace, entityTypes, actions, json: plain };
}

interface Site {
  /** What holds the type, for messages: `entity type Ns::User`. */
  readonly where: string;
  readonly at: SourcePosition;
}

const PRIMITIVES: Readonly<Record<string, ParsedValueType>> = {
  String: { kind: 'String' },
  Long: { kind: 'Long' },
  Bool: { kind: 'Boolean' },
  Boolean: { kind: 'Boolean' },
};
const CEDAR_PREFIX = '__cedar::';
/** Common types may nest, but never in a cycle (Cedar refuses those); this only bounds a malformed input. */
const MAX_NESTING = 64;

/** Turns cedar-wasm's resolved JSON types into value types, inlining common types. */
class TypeConverter {
  constructor(
    private readonly namespace: string,
    private readonly commonTypes: Readonly<Record<string, JsonType>>,
  ) {}

  attributes(json: JsonType, site: Site): Record<string, CedarAttribute> {
    const type = this.convert(json, site);
    if (type.kind !== 'Record') throw new UnsupportedSchemaError(`${site.where} is a ${type.kind}, not a record`, site.at);
    return { ...type.attributes };
  }

  convert(json: JsonType, site: Site, depth = 0): ParsedValueType {
    if (depth > MAX_NESTING) throw new UnsupportedSchemaError(`the types of ${site.where} nest more than ${MAX_NESTING} deep`, site.at);
    switch (json.type) {
      case 'Set':
        if (!json.element) throw new UnsupportedSchemaError(`a Set in ${site.where} has no element type`, site.at);
        return { kind: 'Set', element: this.convert(json.element, site, depth + 1) };
      case 'Record': {
        const attributes: Record<string, CedarAttribute> = {};
        for (const [name, attribute] of Object.entries(json.attributes ?? {})) {
          attributes[name] = { type: this.convert(attribute, site, depth + 1), required: attribute.required !== false };
        }
        return { kind: 'Record', attributes };
      }
      case 'Entity':
        return { kind: 'Entity', name: qualify(json.name ?? '', this.namespace) };
      case 'Extension':
        return this.named(json.name ?? '', site, depth);
      default:
        return this.named(json.type, site, depth);
    }
  }

  /**
   * A named type. The resolved form qualifies common types with the namespace (`Ns::ipaddr` when a common type
   * shadows a builtin), leaves builtins bare, and writes the builtin explicitly as `__cedar::ipaddr`.
   */
  private named(name: string, site: Site, depth: number): ParsedValueType {
    const prefix = `${this.namespace}::`;
    if (name.startsWith(prefix)) {
      const common = this.commonTypes[name.slice(prefix.length)];
      if (!common) throw new UnsupportedSchemaError(`${site.where} uses the type ${name}, which the schema does not declare`, site.at);
      return this.convert(common, site, depth + 1);
    }
    const builtin = name.startsWith(CEDAR_PREFIX) ? name.slice(CEDAR_PREFIX.length) : name;
    const primitive = PRIMITIVES[builtin];
    if (primitive) return primitive;
    if (isExtensionType(builtin)) return { kind: 'Extension', name: builtin };
    const common = this.commonTypes[name];
    if (common) return this.convert(common, site, depth + 1);
    throw new UnsupportedSchemaError(
      `${site.where} uses the type ${name}, which the generator does not know (it knows String, Long, Bool, ` +
        `${EXTENSION_TYPES.join(', ')}, sets, records and entity types)`,
      site.at,
    );
  }
}

function isExtensionType(name: string): name is ExtensionType {
  return (EXTENSION_TYPES as readonly string[]).includes(name);
}

function qualify(name: string, namespace: string): string {
  return name.includes('::') ? name : `${namespace}::${name}`;
}

/** cedar-wasm prefixes messages with what it was doing; the diagnostic code already says that. */
function stripPrefix(message: string): string {
  return message.replace(/^failed to parse schema from string: /, '').replace(/^error parsing schema: /, '');
}
