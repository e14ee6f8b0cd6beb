// Refuses schemas the generator could load but not render: two declarations whose generated TypeScript names collide.
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SchemaModel } from '../load/cedar-schema.js';
import { FIXED_TS_NAMES, generatedTsNames } from '../model/schema-types.js';

export function checkSchemaSupport(schema: SchemaModel): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const taken = new Map<string, string>(FIXED_TS_NAMES.map((name) => [name, 'generated/schema.ts itself']));
  for (const { name, origin, at } of generatedTsNames(schema)) {
    const first = taken.get(name);
    if (first === undefined) {
      taken.set(name, origin);
      continue;
    }
    diagnostics.push(
      diagnostic({
        file: schema.file.path,
        at,
        code: 'CEDAR_SCHEMA_UNSUPPORTED',
        message: `${origin} would be generated as the TypeScript name ${name}, which ${first} already declares`,
        hint: 'Rename this entity type or action so generated/schema.ts gets distinct names.',
      }),
    );
  }
  return diagnostics;
}
