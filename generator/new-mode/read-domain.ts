// Reads what a new mode is drawn from: the project's Cedar schema and its policies. Nothing else of the project.
import { loadPolicyFile, type PolicySource } from '../load/cedar-policies.js';
import { loadSchema, type SchemaModel } from '../load/cedar-schema.js';
import { readProjectSources, SCHEMA_DIR } from '../load/source-files.js';
import { DomainUnreadableError } from './errors.js';

export interface Domain {
  readonly schema: SchemaModel;
  /** The policies that parsed. */
  readonly policies: readonly PolicySource[];
  /** Every .cedar file under policies/, relative to the root. */
  readonly policyFiles: readonly string[];
}

/** Throws DomainUnreadableError when schema/ does not hold exactly one schema that loads, or policies/ is empty. */
export function readDomain(root: string): Domain {
  // Modes are not read: the first mode of a new domain is drafted before any exists.
  const sources = readProjectSources(root);
  const [file, ...extra] = sources.schemaFiles;
  if (file === undefined || extra.length > 0) {
    throw new DomainUnreadableError(
      `${SCHEMA_DIR}/ under ${root} holds ${sources.schemaFiles.length} .cedarschema files; a project has exactly one`,
    );
  }
  const loaded = loadSchema(file);
  if (loaded.schema === undefined) {
    throw new DomainUnreadableError(`${file.path} does not load; \`npm run validate -- --root ${root}\` says why`);
  }
  if (sources.policyFiles.length === 0) throw new DomainUnreadableError(`no .cedar policy file under policies/ in ${root}`);
  return {
    schema: loaded.schema,
    policies: sources.policyFiles.flatMap((policyFile) => loadPolicyFile(policyFile).policies),
    policyFiles: sources.policyFiles.map((policyFile) => policyFile.path),
  };
}
