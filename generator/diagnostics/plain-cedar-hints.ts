// Hints for plain Cedar, as Cedar's own examples are written: a schema without a namespace, and policies and modes
// that name `User` or `Action::"view"` where the project's schema says `Ns::User` and `Ns::Action::"view"`.
// Each hint names the exact text to write, so a person (or a test) can apply it as it stands.
import { closestMatch } from '../../common/did-you-mean.js';
import type { SourcePosition } from './diagnostic.js';

/** What a hint needs to know of the schema: its one namespace, its entity types (qualified) and its action ids. */
export interface SchemaNames {
  readonly namespace: string;
  readonly entityTypes: readonly string[];
  readonly actionIds: readonly string[];
}

/** The names of a loaded schema (a SchemaModel), as the hints need them. */
export function schemaNames(schema: {
  readonly namespace: string;
  readonly entityTypes: ReadonlyMap<string, unknown>;
  readonly actions: ReadonlyMap<string, unknown>;
}): SchemaNames {
  return { namespace: schema.namespace, entityTypes: [...schema.entityTypes.keys()], actionIds: [...schema.actions.keys()] };
}

const IDENTIFIER_WORD = /[A-Za-z0-9]+/g;

/** `schema/photo-app.cedarschema` → `PhotoApp`: the file's name in PascalCase, a valid Cedar identifier. */
export function suggestNamespace(schemaPath: string): string {
  const base = schemaPath.replace(/^.*\//, '').replace(/\.cedarschema$/, '');
  const name = (base.match(IDENTIFIER_WORD) ?? []).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  if (name === '') return 'App';
  return /^[0-9]/.test(name) ? `App${name}` : name;
}

/** For a schema with no namespace at all: where the two lines of the wrapping go. */
export function wrapInNamespaceHint(schemaPath: string, firstDeclaration: SourcePosition): string {
  const namespace = suggestNamespace(schemaPath);
  return (
    `Wrap the schema in \`namespace ${namespace} { ... }\`: add the line \`namespace ${namespace} {\` above line ` +
    `${firstDeclaration.line} and the line \`}\` after the last declaration; policies and modes then name ` +
    `\`${namespace}::<EntityType>\` and \`${namespace}::Action::"<id>"\`.`
  );
}

/** For a schema with a namespace and declarations outside it. */
export function moveIntoNamespaceHint(namespace: string): string {
  return `Move this declaration into \`namespace ${namespace} { ... }\`; the project keeps every entity type and action in one namespace.`;
}

/**
 * The fix for cedar-wasm's "unrecognized entity type `User`" and "unrecognized action `Action::"view"`". Cedar's own
 * guess is the nearest spelling over whole names, so for an action without its namespace it may name another action
 * (`Ns::Action::"a"` for `Action::"view"`). Undefined when the message is about something else, or nothing is close.
 */
export function unrecognizedNameHint(cedarMessage: string, names: SchemaNames): string | undefined {
  const entityType = /unrecognized entity type `([^`]+)`/.exec(cedarMessage)?.[1];
  if (entityType !== undefined) {
    const qualified = qualifiedEntityType(entityType, names);
    return qualified === undefined ? undefined : rewriteHint(entityType, qualified, names.namespace);
  }
  const action = /unrecognized action `((?:[A-Za-z_][A-Za-z0-9_]*::)*Action)::"((?:[^"\\]|\\.)*)"`/.exec(cedarMessage);
  if (action?.[1] !== undefined && action[2] !== undefined) {
    const id = qualifiedActionId(action[1], action[2], names);
    return id === undefined
      ? undefined
      : rewriteHint(`${action[1]}::"${action[2]}"`, `${names.namespace}::Action::"${id}"`, names.namespace);
  }
  return undefined;
}

/**
 * A mode's entity type written without the namespace (`User`), or a mode's action written as a uid
 * (`Action::"view"`, where a mode names the action id alone): the text to write instead, or undefined.
 */
export function modeNameHint(kind: 'entityType' | 'action', value: string, names: SchemaNames): string | undefined {
  if (kind === 'entityType') {
    const qualified = qualifiedEntityType(value, names);
    return qualified === undefined ? undefined : rewriteHint(value, qualified, names.namespace);
  }
  const uid = /^((?:[A-Za-z_][A-Za-z0-9_]*::)*Action)::"((?:[^"\\]|\\.)*)"$/.exec(value);
  if (uid?.[1] === undefined || uid[2] === undefined) return undefined;
  const id = qualifiedActionId(uid[1], uid[2], names);
  return id === undefined ? undefined : `Write \`${id}\` instead of \`${value}\`: mode files name an action by its id alone.`;
}

function rewriteHint(written: string, qualified: string, namespace: string): string {
  const sameName = lastSegment(written) === lastSegment(qualified);
  const reason = sameName
    ? `the schema declares it in namespace ${namespace}`
    : `the schema declares no \`${written}\`, and \`${qualified}\` is the closest name it declares`;
  return `Write \`${qualified}\` instead of \`${written}\`: ${reason}.`;
}

/** `Ns::Action::"view"` → `"view"`, `Ns::User` → `User`. */
function lastSegment(name: string): string {
  const at = name.lastIndexOf('::');
  return at < 0 ? name : name.slice(at + 2);
}

/** `User` → `Ns::User` when the schema declares it; otherwise the closest declared type to the name as written. */
function qualifiedEntityType(written: string, names: SchemaNames): string | undefined {
  const known = names.entityTypes;
  const exact = `${names.namespace}::${lastSegment(written)}`;
  if (known.includes(exact)) return exact;
  const closest = closestMatch(lastSegment(written), known.map(lastSegment));
  return closest === undefined ? undefined : `${names.namespace}::${closest}`;
}

/** The declared action id meant by `<type>::"<id>"`: the id itself when declared, else the closest declared id. */
function qualifiedActionId(type: string, id: string, names: SchemaNames): string | undefined {
  if (type !== 'Action' && type !== `${names.namespace}::Action`) return undefined;
  const known = names.actionIds;
  return known.includes(id) ? id : closestMatch(id, known);
}
