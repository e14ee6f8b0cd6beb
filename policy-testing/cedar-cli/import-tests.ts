// Turns Cedar CLI run-tests into a YAML policy suite of one mode: each test a case with its own entities, its reasons
// as `determiningIncludes` (the CLI's subset check); tests the suite format cannot state are refused, each with its place.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { Document, isMap, isScalar, visit } from 'yaml';
import type { SchemaModel } from '../../generator/load/cedar-schema.js';
import { formatEntityUid, parseEntityUid } from '../entity-uid.js';
import type { FileProblem, ReadTest, ReadTestFile } from './read-test-files.js';

export interface ImportOptions {
  readonly file: ReadTestFile;
  readonly mode: string;
  readonly schema: SchemaModel;
  /** The `# yaml-language-server: $schema=...` line's path, relative to where the suite is written. */
  readonly schemaLinePath: string;
}

export interface ImportedSuite {
  readonly yaml: string;
  readonly cases: number;
  /** Tests left out, each with its file and JSON path and why. */
  readonly refused: readonly FileProblem[];
  /** Problems that stop the import: a request the schema cannot name. */
  readonly problems: readonly FileProblem[];
}

export function importTests({ file, mode, schema, schemaLinePath }: ImportOptions): ImportedSuite {
  const refused: FileProblem[] = [];
  const problems: FileProblem[] = [];
  const seen = new Map<string, number>();
  const cases: object[] = [];
  file.tests.forEach((test, index) => {
    const at = (path: string): { file: string; path: string } => ({ file: file.path, path: `$[${index}]${path}` });
    if (test.num_errors > 0) {
      refused.push({
        ...at('.num_errors'),
        message: `expects ${test.num_errors} evaluation error(s)`,
        hint:
          'The suite format names each expected error by a text it contains, and the authorizer turns an allow with errors ' +
          'into a deny; write this case by hand with `errors: [...]`.',
      });
      return;
    }
    const action = actionId(test, schema);
    if (action === undefined) {
      problems.push({
        ...at('.request.action'),
        message: `${test.request.action} is not an action of the schema (namespace \`${schema.namespace}\`)`,
        hint: `Write actions as ${schema.namespace}::Action::"<id>" with an id the schema declares.`,
      });
      return;
    }
    const triple = `${test.request.principal} ${action} ${test.request.resource}`;
    const count = (seen.get(triple) ?? 0) + 1;
    seen.set(triple, count);
    cases.push(caseOf(test, action, count, schema));
  });
  const suite = {
    description: `Imported from ${file.path}, a Cedar CLI run-tests file.`,
    mode,
    ...(file.withSchema ? {} : { schemaCheck: 'none' }),
    ...(file.links.length > 0
      ? {
          templateLinks: file.links.map((link) => ({
            id: link.link_id,
            template: link.template_id,
            principal: link.args['?principal'],
            resource: link.args['?resource'],
          })),
        }
      : {}),
    cases,
  };
  const yaml = `# yaml-language-server: $schema=${schemaLinePath}\n${readableYaml(suite)}`;
  return { yaml, cases: cases.length, refused, problems };
}

function actionId(test: ReadTest, schema: SchemaModel): string | undefined {
  const uid = parseEntityUid(test.request.action);
  if (!uid || uid.type !== `${schema.namespace}::Action` || !schema.actions.has(uid.id)) return undefined;
  return uid.id;
}

function caseOf(test: ReadTest, action: string, count: number, schema: SchemaModel): object {
  // Action entities come from the schema in this project, so a test's own copies of them are not carried over.
  const entities = test.entities.filter((entity) => typeAndId(entity.uid).type !== `${schema.namespace}::Action`);
  return {
    principal: test.request.principal,
    action,
    resource: test.request.resource,
    // A repeated principal, action and resource needs a variant to keep case ids unique: the second is `2`, and so on.
    ...(count > 1 ? { variant: String(count) } : {}),
    ...(test.name !== undefined ? { description: test.name } : {}),
    ...(Object.keys(test.request.context).length > 0 ? { context: test.request.context } : {}),
    ...(entities.length > 0 ? { entities: entities.map(yamlEntity) } : {}),
    expect: { decision: test.decision, ...(test.reason.length > 0 ? { determiningIncludes: [...test.reason] } : {}) },
  };
}

function yamlEntity(entity: EntityJson): object {
  return {
    uid: formatEntityUid(typeAndId(entity.uid)),
    ...(Object.keys(entity.attrs).length > 0 ? { attrs: entity.attrs } : {}),
    ...(entity.parents.length > 0 ? { parents: entity.parents.map((parent) => formatEntityUid(typeAndId(parent))) } : {}),
    ...(entity.tags !== undefined ? { tags: entity.tags } : {}),
  };
}

function typeAndId(uid: EntityJson['uid']): TypeAndId {
  return '__entity' in uid ? uid.__entity : uid;
}

/**
 * YAML as the hand-written suites read: entity references, lists of plain values and expectations on one line
 * (`{ __entity: { type: T, id: x } }`, `[a, b]`, `{ decision: allow }`), everything else in blocks.
 */
function readableYaml(suite: object): string {
  const doc = new Document(suite);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'expect' && isMap(pair.value)) pair.value.flow = true;
    },
    Map(_, map) {
      if (map.items.some((item) => isScalar(item.key) && (item.key.value === '__entity' || item.key.value === '__extn'))) map.flow = true;
    },
    Seq(_, seq) {
      if (seq.items.every((item) => isScalar(item))) seq.flow = true;
    },
  });
  return doc.toString({ lineWidth: 120, flowCollectionPadding: false });
}
