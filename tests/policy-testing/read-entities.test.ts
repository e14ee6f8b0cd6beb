import { describe, expect, it } from 'vitest';
import { loadSchema, type SchemaModel } from '../../generator/load/cedar-schema.js';
import { loadYaml, type YamlSource } from '../../generator/load/yaml-source.js';
import { checkTestFile } from '../../policy-testing/file-schema.js';
import { checkConformance, readEntities, type RawEntity } from '../../policy-testing/read-entities.js';

// Tags are declared per entity type; Document has String tags, Folder has none.
const SCHEMA_TEXT = `namespace Docs {
  entity Folder;
  entity Document in [Folder] { owner: String } tags String;
}
`;

function schemaModel(): SchemaModel {
  const { schema } = loadSchema({ path: 'schema/docs.cedarschema', text: SCHEMA_TEXT });
  if (!schema) throw new Error('the test schema does not load');
  return schema;
}

function fixture(text: string): YamlSource {
  const { source } = loadYaml({ path: 'tests/policies/fixtures/docs.yaml', text });
  if (!source) throw new Error('the test fixture is not YAML');
  return source;
}

const TAGGED = `# yaml-language-server: $schema=../../../policy-testing/schemas/policy-fixture.schema.json
description: A tagged document.
entities:
  - uid: Docs::Document::"d1"
    attrs: { owner: ann }
    parents: [Docs::Folder::"f"]
    tags: { project: apollo, stage: draft }
  - uid: Docs::Folder::"f"
`;

describe('entity tags in fixture and suite files', () => {
  it('are allowed by the fixture file schema', () => {
    expect(checkTestFile(fixture(TAGGED), 'fixture')).toEqual([]);
  });

  it('become the entity’s `tags` map, apart from its attributes', () => {
    const source = fixture(TAGGED);
    const raw = (source.data as { entities: RawEntity[] }).entities;

    const { entities, diagnostics } = readEntities(source, ['entities'], raw, schemaModel());

    expect(diagnostics).toEqual([]);
    expect(entities.map((entity) => entity.json)).toEqual([
      {
        uid: { type: 'Docs::Document', id: 'd1' },
        attrs: { owner: 'ann' },
        parents: [{ type: 'Docs::Folder', id: 'f' }],
        tags: { project: 'apollo', stage: 'draft' },
      },
      { uid: { type: 'Docs::Folder', id: 'f' }, attrs: {}, parents: [] },
    ]);
  });

  it('conform when the entity type declares tags of their type', () => {
    const source = fixture(TAGGED);
    const { entities } = readEntities(source, ['entities'], (source.data as { entities: RawEntity[] }).entities, schemaModel());

    expect(checkConformance(entities, SCHEMA_TEXT)).toEqual([]);
  });

  it('on an entity type that declares none are reported at that entity', () => {
    const source = fixture(`description: A tagged folder.
entities:
  - uid: Docs::Folder::"f"
    tags: { colour: red }
`);
    const { entities } = readEntities(source, ['entities'], (source.data as { entities: RawEntity[] }).entities, schemaModel());

    const problems = checkConformance(entities, SCHEMA_TEXT);

    expect(problems.map((problem) => [problem.code, problem.line])).toEqual([['TEST_ENTITY_INVALID', 3]]);
    expect(problems[0]?.message).toMatch(/^Docs::Folder::"f": .*tag/);
  });

  it('that are not Cedar JSON leave the entity out, reported at its tags', () => {
    const source = fixture(`description: A tag with no value.
entities:
  - uid: Docs::Document::"d1"
    attrs: { owner: ann }
    tags: { project: null }
`);

    const { entities, diagnostics } = readEntities(
      source,
      ['entities'],
      (source.data as { entities: RawEntity[] }).entities,
      schemaModel(),
    );

    expect(entities).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['TEST_ENTITY_INVALID', 5, 'tags.project is null, which Cedar JSON cannot express'],
    ]);
  });
});
