// Decides in-process with cedar-wasm: the policy set and the schema are parsed once at init, never per request.
import { preparsePolicySet, preparseSchema, statefulIsAuthorized, type SchemaJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { PolicyBundle } from '../config.js';
import { EngineError } from '../errors.js';
import {
  failClosed,
  type AuthorizationRequest,
  type Decision,
  type Engine,
  type EngineOptions,
  type TemplateLinkRecord,
} from './decision.js';
import { readActionHierarchy } from './slicing/action-hierarchy.js';
import { PolicySlicer } from './slicing/policy-slicer.js';

export interface LocalEngineOptions {
  /**
   * For `npm run bench` only: decide without the schema, to measure what passing it costs. Without the schema, action
   * groups never match and extension values stored as strings stay strings: production always passes it.
   * @default true
   */
  readonly withSchema?: boolean;
}

let nextEngineNumber = 0;
/** One frozen empty list, so the slicer indexes "no links" once. */
const NO_LINKS: readonly TemplateLinkRecord[] = Object.freeze([]);
let benchDefaultWithSchema = true;

/**
 * For `npm run bench` only: every local engine created while `build` runs decides without the schema, so the bench can
 * build a whole authorizer (which creates its own engine) for the schema-off side of its side-by-side measurement.
 * `build` runs synchronously and the default is restored however it ends.
 */
export function withoutSchemaForBench<T>(build: () => T): T {
  benchDefaultWithSchema = false;
  try {
    return build();
  } finally {
    benchDefaultWithSchema = true;
  }
}

/** The local engine, with its slice cache's size for metrics. */
export interface LocalEngine extends Engine {
  readonly kind: 'local';
  /** The preparsed slices held (`size`) and their estimated bytes (`bytes`: policy text and keys); both are bounded. */
  readonly slices: { readonly size: number; readonly bytes: number };
}

export function createLocalEngine(bundle: PolicyBundle, options: LocalEngineOptions = {}): LocalEngine {
  // cedar-wasm keeps preparsed sets and schemas in a process-wide registry; a unique id keeps two engines apart.
  const registryId = `${bundle.mode}#${nextEngineNumber++}`;
  const parsed = preparsePolicySet(registryId, {
    staticPolicies: { ...bundle.policies },
    templates: { ...bundle.templates },
    templateLinks: [],
  });
  if (parsed.type === 'failure') {
    throw new EngineError(`the policy bundle of ${bundle.mode} does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  let schemaName: string | undefined;
  if (options.withSchema ?? benchDefaultWithSchema) {
    schemaName = registryId;
    const schema = preparseSchema(schemaName, schemaJsonOf(bundle));
    if (schema.type === 'failure') {
      throw new EngineError(`the schema of ${bundle.mode} does not parse: ${schema.errors.map((e) => e.message).join('; ')}`);
    }
  }
  // The whole set was preparsed above only to refuse a bundle that does not parse, with Cedar's message; requests are
  // decided on slices (slicing/policy-slicer.ts), so its registry entry is emptied.
  preparsePolicySet(registryId, {});
  const slicer = new PolicySlicer({
    baseId: registryId,
    staticPolicies: bundle.policies,
    templates: bundle.templates,
    actions: readActionHierarchy(bundle.schema),
  });
  const policySetIdFor = (request: AuthorizationRequest, { templateLinks }: EngineOptions): string =>
    slicer.policySetId(request, templateLinks ?? NO_LINKS);

  return {
    kind: 'local',
    slices: slicer,
    cache: { name: 'PolicySlices', size: () => ({ entries: slicer.size, bytes: slicer.bytes }) },
    async isAuthorized(request: AuthorizationRequest, engineOptions: EngineOptions): Promise<Decision> {
      return decideLocally({ policySetId: policySetIdFor(request, engineOptions), schemaName }, request);
    },
    async isAuthorizedBatch(requests: readonly AuthorizationRequest[], engineOptions: EngineOptions): Promise<Decision[]> {
      return requests.map((request) => decideLocally({ policySetId: policySetIdFor(request, engineOptions), schemaName }, request));
    },
  };
}

export interface PreparsedIds {
  readonly policySetId: string;
  /** Absent only in the bench's schema-off measurement. */
  readonly schemaName: string | undefined;
}

/**
 * With the schema, cedar-wasm adds the schema's action entities (so `action in Action::"group"` holds), parses entity
 * attributes by their declared types (an `ipaddr` stored as a plain string is an ipaddr), and refuses entities that
 * do not conform. `validateRequest` is on too, checking the principal, resource and context against the action's
 * `appliesTo`:
 * - AVP evaluates with its store's schema, and its API reference (IsAuthorized, "Errors") answers ValidationException
 *   for input that does not satisfy its constraints; it does not spell out the appliesTo check, but Cedar makes it by
 *   default whenever a schema is given, and the local AVP endpoint does the same, so both engines agree;
 * - it fails closed: a request outside the schema is a Deny with a reason, not an evaluation of input no policy was
 *   validated against;
 * - it costs nothing measurable: p50 within noise of validateRequest off (customer bundle, 14 entities).
 * A request cedar-wasm refuses is an EngineError, so a Deny whose reason is cedar-wasm's message.
 */
export function decideLocally({ policySetId, schemaName }: PreparsedIds, request: AuthorizationRequest): Decision {
  const answer = statefulIsAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: { ...request.context },
    entities: [...request.entities],
    preparsedPolicySetId: policySetId,
    ...(schemaName !== undefined ? { preparsedSchemaName: schemaName, validateRequest: true } : {}),
  });
  if (answer.type === 'failure') {
    throw new EngineError(`cedar-wasm refused the request: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const { decision, diagnostics } = answer.response;
  return failClosed({
    decision,
    determiningPolicies: [...diagnostics.reason].sort(),
    // Sorted: Cedar lists errors in its policy set's order, which differs between a slice and the whole set.
    errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).sort(),
  });
}

/** The bundle holds the generator's Cedar JSON schema: an object of namespaces, checked in full by preparseSchema. */
function schemaJsonOf(bundle: PolicyBundle): SchemaJson<string> {
  const namespaces: SchemaJson<string> = {};
  for (const [name, definition] of Object.entries(bundle.schema)) {
    if (!isNamespaceDefinition(definition))
      throw new EngineError(`the schema of ${bundle.mode} has a namespace ${JSON.stringify(name)} that is not an object`);
    namespaces[name] = definition;
  }
  return namespaces;
}

function isNamespaceDefinition(value: unknown): value is SchemaJson<string>[string] {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
