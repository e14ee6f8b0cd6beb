// Loads the shared fixture files: entities that conform to the schema, and template links, each with its position.
import type { SchemaModel } from '../generator/load/cedar-schema.js';
import type { SourceFile } from '../generator/load/source-files.js';
import { loadYaml, type YamlPath, type YamlSource } from '../generator/load/yaml-source.js';
import type { TestDiagnostic } from './diagnostics.js';
import { hasErrors } from '../generator/diagnostics/diagnostic.js';
import { checkTestFile } from './file-schema.js';
import { checkConformance, readEntities, type RawEntity, type TestEntity } from './read-entities.js';

/** A template link as a file writes it; its references are resolved against the entities of each suite using it. */
export interface RawLink {
  readonly id: string;
  readonly template: string;
  readonly principal: string;
  readonly resource: string;
}

export interface LinkDeclaration {
  readonly raw: RawLink;
  readonly source: YamlSource;
  readonly path: YamlPath;
}

export interface FixtureFile {
  /** The file name without `.yaml`, as suites list it. */
  readonly name: string;
  readonly path: string;
  readonly entities: readonly TestEntity[];
  readonly links: readonly LinkDeclaration[];
}

interface RawFixtureFile {
  readonly description: string;
  readonly entities: readonly RawEntity[];
  readonly templateLinks?: readonly RawLink[];
}

export interface FixturesLoad {
  readonly fixtures: ReadonlyMap<string, FixtureFile>;
  readonly diagnostics: readonly TestDiagnostic[];
}

export function loadFixtures(files: readonly SourceFile[], schema: SchemaModel, schemaText: string): FixturesLoad {
  const fixtures = new Map<string, FixtureFile>();
  const diagnostics: TestDiagnostic[] = [];
  for (const file of files) {
    const loaded = loadYaml(file);
    diagnostics.push(...loaded.diagnostics);
    const source = loaded.source;
    if (!source) continue;
    const shape = checkTestFile(source, 'fixture');
    diagnostics.push(...shape);
    if (hasErrors(shape)) continue;
    const raw = source.data as RawFixtureFile;
    const read = readEntities(source, ['entities'], raw.entities, schema);
    const problems = [...read.diagnostics, ...checkConformance(read.entities, schemaText)];
    diagnostics.push(...problems);
    if (hasErrors(problems)) continue;
    const name = /([^/]+)\.yaml$/.exec(file.path)?.[1] ?? file.path;
    fixtures.set(name, {
      name,
      path: file.path,
      entities: read.entities,
      links: (raw.templateLinks ?? []).map((link, index) => ({ raw: link, source, path: ['templateLinks', index] })),
    });
  }
  return { fixtures, diagnostics };
}
