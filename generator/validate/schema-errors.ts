// Turns ajv's errors into findings that point at the YAML node at fault and say how to fix it. Shared by the mode
// files and the policy-test files, which differ only in their codes and in what they call the whole document.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { SourcePosition } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../load/yaml-source.js';
import { closestMatch } from '../../common/did-you-mean.js';

export interface SchemaErrorCodes<C extends string> {
  /** A missing field, or none of an `anyOf`'s alternatives. */
  readonly required: C;
  readonly unknownKey: C;
  /** A wrong type or value, or not exactly one of a `oneOf`'s alternatives. */
  readonly invalidValue: C;
}

export interface SchemaFinding<C extends string> {
  readonly at: SourcePosition;
  readonly code: C;
  readonly message: string;
  readonly hint?: string;
}

export interface ExplainOptions<C extends string> {
  readonly codes: SchemaErrorCodes<C>;
  /** What the whole document is called in messages: `the mode`, `the file`. */
  readonly documentName: string;
  /** A hint for a wrong value more specific than the code's default, when the document's schema knows one. */
  readonly hintForValue?: (error: ErrorObject) => string | undefined;
}

export function explainSchemaErrors<C extends string>(
  source: YamlSource,
  errors: readonly ErrorObject[],
  options: ExplainOptions<C>,
): SchemaFinding<C>[] {
  // `if` failures repeat the errors of the branch taken, a `propertyNames` failure repeats the error about the key,
  // and the `required` errors inside a `oneOf` or `anyOf` are restated by that keyword's own error.
  const alternatives = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  const relevant = errors.filter(
    (e) =>
      e.keyword !== 'if' && e.keyword !== 'propertyNames' && !(/\/(oneOf|anyOf)\//.test(e.schemaPath) && alternatives.has(e.instancePath)),
  );
  const seen = new Set<string>();
  const findings: SchemaFinding<C>[] = [];
  for (const error of relevant) {
    const finding = explainOne(source, error, options);
    const key = `${finding.at.line}:${finding.at.column}:${finding.code}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

function explainOne<C extends string>(source: YamlSource, error: ErrorObject, options: ExplainOptions<C>): SchemaFinding<C> {
  const { codes, documentName } = options;
  const path = pointerToPath(error.instancePath);
  const where = path.length === 0 ? documentName : `\`${formatPath(path)}\``;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return {
        at: source.positionOf(path, 'key'),
        code: codes.required,
        message: `${where} is missing the required field \`${missing}\``,
        hint: hintForMissing(error.parentSchema, missing),
      };
    }
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestMatch(key, known);
      return {
        at: source.positionOf([...path, key], 'key'),
        code: codes.unknownKey,
        message: `unknown key \`${key}\` in ${where}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        hint: suggestion ? `Rename \`${key}\` to \`${suggestion}\`.` : `Remove \`${key}\`; the keys allowed here are: ${known.join(', ')}.`,
      };
    }
    case 'oneOf': {
      const branches = requiredOfBranches(error);
      return {
        at: source.positionOf(path, 'value'),
        code: codes.invalidValue,
        message: `${where} must give exactly one of ${branches.map((b) => `\`${b}\``).join(', ')}`,
        hint: `Keep exactly one of ${branches.join(', ')}.`,
      };
    }
    case 'anyOf': {
      const branches = requiredOfBranches(error);
      return {
        at: source.positionOf(path, 'value'),
        code: codes.required,
        message: `${where} needs at least one of ${branches.map((b) => `\`${b}\``).join(', ')}`,
        hint: `Add ${branches.map((b) => `\`${b}:\``).join(' or ')}.`,
      };
    }
    default: {
      const hint = options.hintForValue?.(error);
      // An error about a key (from `propertyNames`) points at that key, not at the map holding it.
      return {
        at: error.propertyName === undefined ? source.positionOf(path, 'value') : source.positionOf([...path, error.propertyName], 'key'),
        code: codes.invalidValue,
        message: `${where} ${error.propertyName === undefined ? '' : 'key '}${describeError(error)}`,
        ...(hint !== undefined ? { hint } : {}),
      };
    }
  }
}

function requiredOfBranches(error: ErrorObject): string[] {
  return (error.schema as Array<{ required?: string[] }>).flatMap((branch) => branch.required ?? []);
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return (
        `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, ` +
        `not ${JSON.stringify(error.data)}`
      );
    case 'const':
      return `must be ${JSON.stringify(params['allowedValue'])}, not ${JSON.stringify(error.data)}`;
    case 'pattern':
      return `${JSON.stringify(error.data)} does not match the pattern ${String(params['pattern'])}`;
    case 'type':
      return `must be of type ${String(params['type'])}, not ${JSON.stringify(error.data)}`;
    default:
      return error.message ?? `fails the ${error.keyword} check`;
  }
}

function hintForMissing(parentSchema: unknown, property: string): string {
  const schema = (parentSchema as { properties?: Record<string, { description?: string; enum?: unknown[]; const?: unknown }> } | undefined)
    ?.properties?.[property];
  if (typeof schema?.const === 'string')
    return `Add \`${property}: ${schema.const}\`.${schema.description ? ` ${schema.description}` : ''}`;
  if (schema?.enum) return `Add \`${property}:\` with one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}.`;
  if (schema?.description) return `Add \`${property}:\` (${schema.description.replace(/\.$/, '')}).`;
  return `Add \`${property}:\`.`;
}

/** `routes[2].resource.type`: how a reader would name the node. */
export function formatPath(path: YamlPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function pointerToPath(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
