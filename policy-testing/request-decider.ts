// Decides typed requests with the working tree's policies of their mode, loading the project once per process.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchema, type SchemaModel } from '../generator/load/cedar-schema.js';
import { readProjectSources } from '../generator/load/source-files.js';
import { UnknownModeError } from './errors.js';
import { createEvaluator, type Evaluator, type Outcome } from './evaluate.js';
import { loadPolicyCatalog, policySetOf, type PolicyCatalog } from './policy-catalog.js';
import { canonical } from './request-space.js';
import { type DecidableRequest, toTestRequest } from './typed-request.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The project whose policies decide: the working tree, unless a test chose another (the toolkit's tests use a fixture). */
let projectRoot = REPOSITORY_ROOT;

interface Project {
  readonly catalog: PolicyCatalog;
  readonly schema: SchemaModel;
}

let project: Project | undefined;
const evaluators = new Map<string, Evaluator>();

export interface RequestDecision {
  readonly outcome: Outcome;
  /** Every policy and template id of the mode, for messages about ids that do not exist. */
  readonly policyIds: readonly string[];
}

export function decide(request: DecidableRequest): RequestDecision {
  const { catalog, schema } = loadProject();
  const policySet = policySetOf(catalog, request.mode);
  if (!policySet) throw new UnknownModeError(`no mode "${request.mode}" in modes/; modes: ${[...catalog.modes.keys()].join(', ')}`);
  const { request: json, entities, links } = toTestRequest(request, `${schema.namespace}::Action`);
  const key = canonical({ mode: request.mode, links });
  let evaluator = evaluators.get(key);
  if (!evaluator) {
    evaluator = createEvaluator({ policySet, links, schemaText: schema.file.text });
    evaluators.set(key, evaluator);
  }
  return {
    outcome: evaluator.evaluate(json, entities, request.schemaCheck ?? 'request'),
    policyIds: [...Object.keys(policySet.staticPolicies), ...Object.keys(policySet.templates), ...links.map((link) => link.id)].sort(),
  };
}

/** Decides with the project at `root` from now on, such as a fixture domain under tests/fixtures/. */
export function useProject(root: string): void {
  projectRoot = root;
  project = undefined;
  evaluators.clear();
}

function loadProject(): Project {
  if (project) return project;
  const sources = readProjectSources(projectRoot);
  const schemaFile = sources.schemaFiles[0];
  const schema = schemaFile ? loadSchema(schemaFile).schema : undefined;
  if (!schema) throw new UnknownModeError(`the schema in ${join(projectRoot, 'schema')} does not load; run \`npm run validate\``);
  project = { catalog: loadPolicyCatalog(sources), schema };
  return project;
}
