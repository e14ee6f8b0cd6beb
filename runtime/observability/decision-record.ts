// Replayable decision records: what the engine was asked and answered, one log line per evaluated decision, for
// `npm run replay`. Written only when a mode enables them; a claim the mode redacts becomes a marker.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { Clock } from '../../common/clock.js';
import type { ModeConfig } from '../config.js';
import type { AuthorizationRequest, Decision, Engine, EngineOptions, TemplateLinkRecord } from '../engine/decision.js';
import type { Telemetry } from './telemetry.js';

/** The `type` a record line's `record` carries: what tells a replayable record from the decision line and other logs. */
export const DECISION_RECORD_TYPE = 'decision-record';
/** Bumped when a field changes meaning; replay refuses a version it does not know. */
export const DECISION_RECORD_VERSION = 1;
/** What a redacted value becomes. A string, so a record whose redacted attribute no policy reads still replays. */
export const REDACTED_VALUE = '[redacted]';

export interface ReplayableRecord {
  readonly type: typeof DECISION_RECORD_TYPE;
  readonly version: typeof DECISION_RECORD_VERSION;
  readonly mode: string;
  /** runtime/cache/bundle-version.ts: the bundle that decided. */
  readonly bundleVersion: string;
  /** When the engine answered, ISO 8601. */
  readonly timestamp: string;
  readonly principal: TypeAndId;
  readonly action: TypeAndId;
  readonly resource: TypeAndId;
  readonly context: Readonly<Record<string, CedarValueJson>>;
  /** Every entity the engine was given, in full, redacted attributes replaced by REDACTED_VALUE. */
  readonly entities: readonly EntityJson[];
  /** The template links the engine evaluated with (local engine; AVP keeps links in its store, so empty there). */
  readonly templateLinks: readonly TemplateLinkRecord[];
  /** Where a value was replaced: `principal.<attribute>` or `context.<name>`, sorted. */
  readonly redacted: readonly string[];
  readonly decision: Decision['decision'];
  readonly determiningPolicies: readonly string[];
  readonly errors: readonly string[];
}

export interface RecordingOptions {
  readonly mode: ModeConfig;
  readonly bundleVersion: string;
  readonly telemetry: Telemetry;
  readonly clock: Clock;
}

/**
 * The engine, writing one record per decision it answers. Only a mode with records on is wrapped, so a mode without
 * them pays nothing per request. Decisions served from the decision caches never reach the engine and write no record;
 * a request the engine refuses (it throws, and the answer is a Deny with a reason) writes none either.
 */
export function recordingEngine(engine: Engine, options: RecordingOptions): Engine {
  const redact = redactor(options.mode, options.mode.decisionRecords?.redactClaims ?? []);
  const write = (request: AuthorizationRequest, engineOptions: EngineOptions, decision: Decision): void => {
    try {
      options.telemetry.recordReplayable(buildRecord(request, engineOptions, decision, options, redact));
    } catch {
      // A record must never change an answer.
    }
  };
  return {
    kind: engine.kind,
    cache: engine.cache,
    async isAuthorized(request, engineOptions) {
      const decision = await engine.isAuthorized(request, engineOptions);
      write(request, engineOptions, decision);
      return decision;
    },
    async isAuthorizedBatch(requests, engineOptions) {
      const decisions = await engine.isAuthorizedBatch(requests, engineOptions);
      decisions.forEach((decision, index) => {
        const request = requests[index];
        if (request) write(request, engineOptions, decision);
      });
      return decisions;
    },
  };
}

function buildRecord(
  request: AuthorizationRequest,
  engineOptions: EngineOptions,
  decision: Decision,
  { mode, bundleVersion, clock }: RecordingOptions,
  redact: Redactor,
): ReplayableRecord {
  const redacted = redact(request);
  return {
    type: DECISION_RECORD_TYPE,
    version: DECISION_RECORD_VERSION,
    mode: mode.name,
    bundleVersion,
    timestamp: new Date(clock.now()).toISOString(),
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: redacted.context,
    entities: redacted.entities,
    templateLinks: engineOptions.templateLinks ?? [],
    redacted: redacted.paths,
    decision: decision.decision,
    determiningPolicies: decision.determiningPolicies,
    errors: decision.errors,
  };
}

interface Redacted {
  readonly context: Readonly<Record<string, CedarValueJson>>;
  readonly entities: readonly EntityJson[];
  readonly paths: readonly string[];
}

type Redactor = (request: AuthorizationRequest) => Redacted;

/**
 * Works out once, at init, which principal attributes and which context values (per action) hold a redacted claim,
 * so a record replaces exactly those; the principal's id, groups and tenant are never claims' values to redact.
 */
export function redactor(mode: ModeConfig, redactClaims: readonly string[]): Redactor {
  const claims = new Set(redactClaims);
  const attributes = mode.claims.attributes.filter((a) => claims.has(a.claim)).map((a) => a.attribute);
  const contextByAction = new Map<string, Set<string>>();
  for (const route of mode.routes) {
    for (const value of route.context) {
      if (value.source !== 'claim' || !claims.has(value.key)) continue;
      const names = contextByAction.get(route.action) ?? new Set<string>();
      names.add(value.name);
      contextByAction.set(route.action, names);
    }
  }
  return (request) => {
    const paths: string[] = [];
    let context = request.context;
    const contextNames = contextByAction.get(request.action.id);
    if (contextNames) {
      const copy: Record<string, CedarValueJson> = { ...request.context };
      for (const name of contextNames) {
        if (!(name in copy)) continue;
        copy[name] = REDACTED_VALUE;
        paths.push(`context.${name}`);
      }
      context = copy;
    }
    const entities =
      attributes.length === 0 ? request.entities : request.entities.map((e) => redactPrincipal(e, request.principal, attributes, paths));
    return { context, entities, paths: paths.sort() };
  };
}

function redactPrincipal(entity: EntityJson, principal: TypeAndId, attributes: readonly string[], paths: string[]): EntityJson {
  const uid = '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
  if (uid.type !== principal.type || uid.id !== principal.id) return entity;
  const attrs: Record<string, CedarValueJson> = { ...entity.attrs };
  for (const attribute of attributes) {
    if (!(attribute in attrs)) continue;
    attrs[attribute] = REDACTED_VALUE;
    paths.push(`principal.${attribute}`);
  }
  return { ...entity, attrs };
}
