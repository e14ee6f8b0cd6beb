// Every schema shape in Cedar's documentation (the Cedar schema format: types, common types, enum entity types, tags,
// action groups, annotations) loads to the expected model, or to one diagnostic at an exact position — never a throw.
import { describe, expect, it } from 'vitest';
import type { ParsedValueType } from '../../../runtime/claims/value-type.js';
import { loadSchema, type ActionModel, type EntityTypeModel, type SchemaLoadResult } from '../../../generator/load/cedar-schema.js';

const FILE = 'schema/shapes.cedarschema';

/** Wraps declarations in `namespace App`, so the body's first line is line 2 of the file. */
function inApp(body: string): string {
  return `namespace App {\n${body}\n}\n`;
}

function load(text: string): SchemaLoadResult {
  return loadSchema({ path: FILE, text });
}

const STRING: ParsedValueType = { kind: 'String' };
const LONG: ParsedValueType = { kind: 'Long' };
const BOOLEAN: ParsedValueType = { kind: 'Boolean' };
const ext = (name: 'decimal' | 'ipaddr' | 'datetime' | 'duration'): ParsedValueType => ({ kind: 'Extension', name });
const set = (element: ParsedValueType): ParsedValueType => ({ kind: 'Set', element });
const entity = (name: string): ParsedValueType => ({ kind: 'Entity', name });
const required = (type: ParsedValueType) => ({ type, required: true });
const optional = (type: ParsedValueType) => ({ type, required: false });
const ADDRESS: ParsedValueType = { kind: 'Record', attributes: { city: required(STRING), zip: optional(STRING) } };

interface ModelCase {
  readonly shape: string;
  readonly schema: string;
  readonly entityTypes?: Readonly<Record<string, EntityTypeModel>>;
  readonly actions?: Readonly<Record<string, ActionModel>>;
  /** Cedar's warnings about the schema, as CEDAR_SCHEMA_WARNING diagnostics. */
  readonly warnings?: readonly { readonly code: string; readonly line: number; readonly column: number; readonly message: string }[];
}

/** The entity type `U` (declared at body line `line`, column 10), with the given attributes and nothing else. */
function standardU(attributes: EntityTypeModel['attributes'], line = 2, extra: Partial<EntityTypeModel> = {}): EntityTypeModel {
  return { name: 'App::U', memberOfTypes: [], attributes, declaredAt: { line, column: 10 }, kind: 'standard', ...extra } as EntityTypeModel;
}

const V_ON_U = '  action v appliesTo { principal: [U], resource: [U] };';

const MODEL_CASES: readonly ModelCase[] = [
  {
    shape: 'primitive attributes: String, Long, Bool (read as Boolean)',
    schema: inApp(`  entity U { s: String, n: Long, b: Bool };\n${V_ON_U}`),
    entityTypes: { 'App::U': standardU({ b: required(BOOLEAN), n: required(LONG), s: required(STRING) }) },
  },
  {
    shape: 'the extension types decimal, ipaddr, datetime and duration',
    schema: inApp(`  entity U { d: decimal, i: ipaddr, t: datetime, p: duration };\n${V_ON_U}`),
    entityTypes: {
      'App::U': standardU({
        d: required(ext('decimal')),
        i: required(ext('ipaddr')),
        p: required(ext('duration')),
        t: required(ext('datetime')),
      }),
    },
  },
  {
    shape: 'builtins qualified with __cedar::',
    schema: inApp(`  entity U { d: __cedar::decimal, s: __cedar::String, b: __cedar::Bool };\n${V_ON_U}`),
    entityTypes: { 'App::U': standardU({ b: required(BOOLEAN), d: required(ext('decimal')), s: required(STRING) }) },
  },
  {
    shape: 'optional attributes and quoted attribute names',
    schema: inApp(`  entity U { "first name"?: String, n: Long };\n${V_ON_U}`),
    entityTypes: { 'App::U': standardU({ 'first name': optional(STRING), n: required(LONG) }) },
  },
  {
    shape: 'sets of primitives, of extension types and of sets',
    schema: inApp(`  entity U { a: Set<String>, b: Set<ipaddr>, c: Set<Set<Long>> };\n${V_ON_U}`),
    entityTypes: { 'App::U': standardU({ a: required(set(STRING)), b: required(set(ext('ipaddr'))), c: required(set(set(LONG))) }) },
  },
  {
    shape: 'a common record type, used directly, in a set and inside a record',
    schema: inApp(
      `  type Address = { city: String, zip?: String };\n  entity U { home: ` +
        `Address, all: Set<Address>, card: { address: Address } };\n${V_ON_U}`,
    ),
    entityTypes: {
      'App::U': standardU(
        {
          all: required(set(ADDRESS)),
          card: required({ kind: 'Record', attributes: { address: required(ADDRESS) } }),
          home: required(ADDRESS),
        },
        3,
      ),
    },
  },
  {
    shape: 'common types defined in terms of other common types',
    schema: inApp(
      `  type Zip = String;\n  type Address = { city: String, zip?: Zip };\n  ` +
        `type Addresses = Set<Address>;\n  entity U { all: Addresses };\n${V_ON_U}`,
    ),
    entityTypes: { 'App::U': standardU({ all: required(set(ADDRESS)) }, 5) },
  },
  {
    shape: 'a common type shadowing a builtin, with the builtin reached through __cedar::',
    schema: inApp(`  type ipaddr = String;\n  entity U { shadowed: ipaddr, builtin: __cedar::ipaddr };\n${V_ON_U}`),
    entityTypes: { 'App::U': standardU({ builtin: required(ext('ipaddr')), shadowed: required(STRING) }, 3) },
    warnings: [
      {
        code: 'CEDAR_SCHEMA_WARNING',
        line: 2,
        column: 8,
        message: "The name `ipaddr` shadows a builtin Cedar name. You'll have to refer to the builtin as `__cedar::ipaddr`.",
      },
    ],
  },
  {
    shape: 'a common type shadowing an entity type name (the common type wins in attributes)',
    schema: inApp(`  entity Address;\n  type Address = { city: String, zip?: String };\n  entity U { home: Address };\n${V_ON_U}`),
    entityTypes: {
      'App::Address': { name: 'App::Address', memberOfTypes: [], attributes: {}, declaredAt: { line: 2, column: 10 }, kind: 'standard' },
      'App::U': standardU({ home: required(ADDRESS) }, 4),
    },
    warnings: [{ code: 'CEDAR_SCHEMA_WARNING', line: 2, column: 10, message: 'The common type name Address shadows an entity name' }],
  },
  {
    shape: 'entity types referenced with and without the namespace, as attributes and parents',
    schema: inApp(`  entity G;\n  entity U in [G, App::G] = { a: G, b: App::G, c: Set<G> };\n${V_ON_U}`),
    entityTypes: {
      'App::G': { name: 'App::G', memberOfTypes: [], attributes: {}, declaredAt: { line: 2, column: 10 }, kind: 'standard' },
      'App::U': standardU({ a: required(entity('App::G')), b: required(entity('App::G')), c: required(set(entity('App::G'))) }, 3, {
        memberOfTypes: ['App::G', 'App::G'],
      }),
    },
  },
  {
    shape: 'an enumerated entity type, referenced by an attribute',
    schema: inApp(
      `  entity Color enum ["red", "blue"];\n  entity U { color: Color };\n  action v appliesTo { principal: [U], resource: [Color] };`,
    ),
    entityTypes: {
      'App::Color': {
        name: 'App::Color',
        memberOfTypes: [],
        attributes: {},
        declaredAt: { line: 2, column: 10 },
        kind: 'enum',
        choices: ['red', 'blue'],
      },
      'App::U': standardU({ color: required(entity('App::Color')) }, 3),
    },
  },
  {
    shape: 'entity tags of a primitive, an extension set and a common record type',
    schema: inApp(
      `  type Label = { text: String };\n  entity U tags String;\n  entity D ` +
        `= { n: Long } tags Set<decimal>;\n  entity L tags Label;\n${V_ON_U}`,
    ),
    entityTypes: {
      'App::D': {
        name: 'App::D',
        memberOfTypes: [],
        attributes: { n: required(LONG) },
        tags: set(ext('decimal')),
        declaredAt: { line: 4, column: 10 },
        kind: 'standard',
      },
      'App::L': {
        name: 'App::L',
        memberOfTypes: [],
        attributes: {},
        tags: { kind: 'Record', attributes: { text: required(STRING) } },
        declaredAt: { line: 5, column: 10 },
        kind: 'standard',
      },
      'App::U': standardU({}, 3, { tags: STRING }),
    },
  },
  {
    shape: 'several entity types in one declaration, annotated, with annotated attributes',
    schema: inApp(
      `  @doc("people")\n  entity A, B in [A] { @doc("name") n: String };\n  action v appliesTo { principal: [A], resource: [B] };`,
    ),
    entityTypes: {
      'App::A': {
        name: 'App::A',
        memberOfTypes: ['App::A'],
        attributes: { n: required(STRING) },
        declaredAt: { line: 3, column: 10 },
        kind: 'standard',
      },
      'App::B': {
        name: 'App::B',
        memberOfTypes: ['App::A'],
        attributes: { n: required(STRING) },
        declaredAt: { line: 3, column: 13 },
        kind: 'standard',
      },
    },
  },
  {
    shape: 'action groups: an action without appliesTo, and members spelled Action::"g", "g" and App::Action::"g"',
    schema: inApp(
      `  entity U;\n  action "read group", other;\n  action view in [Action::"read group"] appliesTo { principal: [U], resource: [U] ` +
        `};\n  action list in ["read group", App::Action::"other"] appliesTo { principal: U, resource: U };`,
    ),
    actions: {
      list: {
        id: 'list',
        entityType: 'App::Action',
        principalTypes: ['App::U'],
        resourceTypes: ['App::U'],
        context: {},
        groups: ['other', 'read group'],
        declaredAt: { line: 5, column: 10 },
      },
      other: {
        id: 'other',
        entityType: 'App::Action',
        principalTypes: [],
        resourceTypes: [],
        context: {},
        groups: [],
        declaredAt: { line: 3, column: 24 },
      },
      'read group': {
        id: 'read group',
        entityType: 'App::Action',
        principalTypes: [],
        resourceTypes: [],
        context: {},
        groups: [],
        declaredAt: { line: 3, column: 10 },
      },
      view: {
        id: 'view',
        entityType: 'App::Action',
        principalTypes: ['App::U'],
        resourceTypes: ['App::U'],
        context: {},
        groups: ['read group'],
        declaredAt: { line: 4, column: 10 },
      },
    },
  },
  {
    shape: 'several principal and resource types, a record context with extension types, and a common-type context',
    schema: inApp(
      `  type Request = { amount: decimal, note?: String };\n  entity U, G;\n  @doc("two")\n  action a, b appliesTo { principal: [U, ` +
        `App::G], resource: [G, U], context: { ip: ipaddr, at?: datetime } };\n  action c appliesTo { principal: [U], resource: [U], ` +
        `context: Request };`,
    ),
    actions: {
      a: {
        id: 'a',
        entityType: 'App::Action',
        principalTypes: ['App::G', 'App::U'],
        resourceTypes: ['App::G', 'App::U'],
        context: { at: optional(ext('datetime')), ip: required(ext('ipaddr')) },
        groups: [],
        declaredAt: { line: 5, column: 10 },
      },
      b: {
        id: 'b',
        entityType: 'App::Action',
        principalTypes: ['App::G', 'App::U'],
        resourceTypes: ['App::G', 'App::U'],
        context: { at: optional(ext('datetime')), ip: required(ext('ipaddr')) },
        groups: [],
        declaredAt: { line: 5, column: 13 },
      },
      c: {
        id: 'c',
        entityType: 'App::Action',
        principalTypes: ['App::U'],
        resourceTypes: ['App::U'],
        context: { amount: required(ext('decimal')), note: optional(STRING) },
        groups: [],
        declaredAt: { line: 6, column: 10 },
      },
    },
  },
  {
    shape: 'a nested namespace name, with comments and an annotated namespace',
    schema:
      `// leading comment\n@doc("app")\nnamespace Org::App {\n  entity U { owner: U }; // trailing\n  action v appliesTo { ` +
      `principal: [U], resource: [Org::App::U] };\n}\n`,
    entityTypes: {
      'Org::App::U': {
        name: 'Org::App::U',
        memberOfTypes: [],
        attributes: { owner: required(entity('Org::App::U')) },
        declaredAt: { line: 4, column: 10 },
        kind: 'standard',
      },
    },
  },
];

interface DiagnosticCase {
  readonly shape: string;
  readonly schema: string;
  readonly expected: { readonly code: string; readonly line: number; readonly column: number; readonly message: string };
}

const DIAGNOSTIC_CASES: readonly DiagnosticCase[] = [
  {
    shape: 'a second namespace',
    schema: `${inApp(V_ON_U.replace('[U]', '[App::U]'))}namespace Audit {\n  entity Log;\n}\n`.replace(
      'namespace App {\n',
      'namespace App {\n  entity U;\n',
    ),
    expected: { code: 'CEDAR_SCHEMA_NAMESPACE', line: 5, column: 1, message: 'the schema declares 2 namespaces (App, Audit)' },
  },
  {
    shape: 'a declaration outside the namespace',
    schema: `${inApp(`  entity U;\n${V_ON_U}`)}\nentity Stray;\n`,
    expected: { code: 'CEDAR_SCHEMA_NAMESPACE', line: 6, column: 1, message: 'the schema declares types outside any namespace' },
  },
  {
    shape: 'no namespace at all',
    schema: `// no namespace\nentity U;\naction v appliesTo { principal: [U], resource: [U] };\n`,
    expected: { code: 'CEDAR_SCHEMA_NAMESPACE', line: 2, column: 1, message: 'the schema declares types outside any namespace' },
  },
  {
    shape: '`Boolean`, the JSON format spelling, in the Cedar format',
    schema: inApp(`  entity U { b: Boolean };\n${V_ON_U}`),
    expected: { code: 'CEDAR_SCHEMA_SYNTAX', line: 2, column: 17, message: 'failed to resolve type: Boolean' },
  },
  {
    shape: 'an enum entity type with parents',
    schema: inApp(`  entity G;\n  entity C in [G] enum ["a"];\n${V_ON_U}`),
    expected: { code: 'CEDAR_SCHEMA_SYNTAX', line: 3, column: 19, message: 'unexpected token `enum` (expected `;`, `=`, `{`, or `tags`)' },
  },
  {
    shape: 'an action context that is a set rather than a record',
    schema: inApp(`  type Numbers = Set<Long>;\n  entity U;\n  action v appliesTo { principal: [U], resource: [U], context: Numbers };`),
    expected: {
      code: 'CEDAR_SCHEMA_SYNTAX',
      line: 4,
      column: 10,
      message: 'Context for action App::Action::"v" is declared with a type other than `Record`',
    },
  },
  {
    shape: 'an entity type named Action',
    schema: inApp(`  entity U;\n  entity Action;\n${V_ON_U}`),
    expected: { code: 'CEDAR_SCHEMA_SYNTAX', line: 3, column: 10, message: 'entity type `Action` declared in `entityTypes` list' },
  },
];

describe('loading every documented Cedar schema shape', () => {
  for (const testCase of MODEL_CASES) {
    it(`models ${testCase.shape}`, () => {
      // arrange: the case's schema
      // act
      const result = load(testCase.schema);

      // assert
      expect(result.diagnostics.map(({ code, line, column, message }) => ({ code, line, column, message }))).toEqual(
        testCase.warnings ?? [],
      );
      const schema = result.schema;
      if (!schema) throw new Error('no schema model');
      if (testCase.entityTypes) expect(Object.fromEntries(schema.entityTypes)).toEqual(testCase.entityTypes);
      if (testCase.actions) expect(Object.fromEntries(schema.actions)).toEqual(testCase.actions);
    });
  }

  for (const testCase of DIAGNOSTIC_CASES) {
    it(`reports ${testCase.shape} as ${testCase.expected.code} at ${testCase.expected.line}:${testCase.expected.column}`, () => {
      // arrange: the case's schema
      // act
      const result = load(testCase.schema);

      // assert: one diagnostic, at its exact position, and no model
      expect(result.diagnostics.map(({ code, line, column, message }) => ({ code, line, column, message }))).toEqual([testCase.expected]);
      expect(result.schema).toBeUndefined();
    });
  }
});
