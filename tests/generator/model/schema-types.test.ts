// generated/schema.ts for a schema using every documented shape type-checks, and its types say what Cedar JSON holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../../generator/load/cedar-schema.js';
import { toSchemaTypes } from '../../../generator/model/schema-types.js';
import { renderTemplate } from '../../../generator/render/handlebars.js';

const SCHEMA = `namespace App {
  type Address = { city: String, zip?: String };
  entity Color enum ["red", "blue", "it's \\"odd\\""];
  entity Group in [Group];
  entity User in [Group] {
    amount: decimal, ip: ipaddr, at: datetime, wait: duration, ok: Bool,
    home: Address, "first name"?: String, color: Color, colors: Set<Color>, nets: Set<ipaddr>,
  } tags Set<decimal>;
  entity Doc tags String;
  action "read */ all";
  action view in [Action::"read */ all"] appliesTo { principal: [User], resource: [Doc, Color], context: { ip: ipaddr, "x-y"?: Long } };
  action "edit doc" in ["read */ all"] appliesTo { principal: User, resource: Doc };
}
`;

function renderSchemaTs(): string {
  const loaded = loadSchema({ path: 'schema/app.cedarschema', text: SCHEMA });
  if (!loaded.schema) throw new Error(JSON.stringify(loaded.diagnostics));
  const types = toSchemaTypes(loaded.schema);
  return renderTemplate('schema.ts', {
    provenance: { sources: ['schema/app.cedarschema'], sourceHash: 'test' },
    schema: types,
    entityTypeNames: types.entityTypes.map((e) => e.cedarName),
    actionIds: types.actions.map((a) => a.id),
  });
}

/** Type-checks the rendered module and a file that uses it, written to a temporary folder, with strict options. */
function typeErrors(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'schema-ts-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const options: ts.CompilerOptions = {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
      types: [],
    };
    const program = ts.createProgram(
      Object.keys(files).map((name) => join(dir, name)),
      options,
    );
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName.slice(dir.length) ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('generated/schema.ts for every documented schema shape', () => {
  it('type-checks, with extension values, enum ids, tags, quoted names and action groups typed as Cedar JSON holds them', () => {
    // arrange
    const schemaTs = renderSchemaTs();
    const usage =
      `
import { uid, type ColorId, type UserAttributes, type UserTags, type EntityTags, type ActionContext, ` +
      `type ReadAllContext, type EditDocContext } from './schema.js';
const red = uid.Color('red');
const odd: ColorId = "it's \\"odd\\"";
// @ts-expect-error: green is not one of Color's choices
uid.Color('green');
const user: UserAttributes = {
  amount: { __extn: { fn: 'decimal', arg: '12.50' } },
  ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } },
  at: { __extn: { fn: 'datetime', arg: '2024-01-01' } },
  wait: { __extn: { fn: 'duration', arg: '1h' } },
  ok: true,
  home: { city: 'Paris' },
  'first name': 'Ada',
  color: { __entity: red },
  colors: [{ __entity: { type: 'App::Color', id: 'blue' } }],
  nets: [{ __extn: { fn: 'ip', arg: '10.0.0.0/8' } }],
};
const tags: UserTags = { limit: [{ __extn: { fn: 'decimal', arg: '1.0' } }] };
const docTags: EntityTags['App::Doc'] = { label: 'x' };
const view: ActionContext['view'] = { ip: { __extn: { fn: 'ip', arg: '::1' } }, 'x-y': 3 };
const group: ReadAllContext = {};
const edit: EditDocContext = {};
export { odd, user, tags, docTags, view, group, edit };
`;

    // act
    const errors = typeErrors({ 'schema.ts': schemaTs, 'usage.ts': usage });

    // assert
    expect(errors).toEqual([]);
  });

  it('escapes an action id holding `*/` in doc comments', () => {
    // arrange / act
    const schemaTs = renderSchemaTs();

    // assert
    expect(schemaTs).toContain('/** Context of `read *\\/ all`; it applies to no request (an action group). */');
  });
});
