// Sends one suite case through the real runtime (the handler factory the generated handler calls, with API Gateway's
// event) and compares the answer with the suite's cedar-wasm outcome.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ModeConfig } from '../../runtime/config.js';
import { MemoryTelemetry } from '../../runtime/observability/telemetry.js';
import { formatEntityUid } from '../entity-uid.js';
import type { Outcome, TemplateLinkSpec } from '../evaluate.js';
import type { PolicyCase } from '../load-suites.js';
import { planCase, type CasePlan } from './case-plan.js';
import { compareAnswers, type RuntimeAnswer } from './compare.js';
import { createParityHandler, type ParityHandler } from './handler-call.js';
import { entitiesAsked, type RecordedRequests } from './entity-recorder.js';
import type { ParityEnvironment } from './parity-environment.js';
import type { ParityMode } from './parity-modes.js';
import { withSeededStores } from './store-seeding.js';
import type { Unreachable } from './unreachable.js';

export type ParityResult =
  | { readonly kind: 'unreachable'; readonly unreachable: Unreachable }
  | { readonly kind: 'agree'; readonly suite: Outcome; readonly runtime: RuntimeAnswer }
  | { readonly kind: 'disagree'; readonly runtime: RuntimeAnswer; readonly message: string };

export interface ParityCaseInput {
  readonly environment: ParityEnvironment;
  readonly mode: ParityMode;
  /** The suite's template links: the case's policy set, as the suite evaluated it. */
  readonly links: readonly TemplateLinkSpec[];
  /** The suite's entities (fixtures and its own): the store holds them, with the case's own in their place. */
  readonly pool: readonly EntityJson[];
  readonly testCase: PolicyCase;
  /** The suite's own cedar-wasm outcome for the case. */
  readonly suiteOutcome: Outcome;
}

export async function runParityCase(input: ParityCaseInput): Promise<ParityResult> {
  const plan = planCase(input.mode, input.links, input.testCase);
  if (!plan.ok) return { kind: 'unreachable', unreachable: plan.unreachable };
  const runtime = await askRuntime(input, plan.value, false);
  const shared = compareAnswers(input.testCase, input.suiteOutcome, runtime);
  if (shared.agree) return { kind: 'agree', suite: input.suiteOutcome, runtime };
  // Asked again by an authorizer with empty caches, so that the report shows every entity it loads.
  const again = await askRuntime(input, plan.value, true);
  const fresh = compareAnswers(input.testCase, input.suiteOutcome, again);
  if (!fresh.agree) return { kind: 'disagree', runtime: again, message: fresh.message };
  // Same tables, a new token: nothing an earlier case left in the caches may decide this one.
  return {
    kind: 'disagree',
    runtime,
    message:
      `${shared.message}\n  an authorizer with empty caches agrees with the ` +
      `suite: state an earlier case left in the shared one decided this case`,
  };
}

async function askRuntime(input: ParityCaseInput, plan: CasePlan, fresh: boolean): Promise<RuntimeAnswer> {
  const { environment, mode, links, pool, testCase } = input;
  const stores = await environment.seeder.seed({ mode, entities: storeContents(pool, testCase.entities), links, tenantId: plan.tenantId });
  const config = withSeededStores(mode.config, stores);
  const { handler, telemetry } = fresh ? newHandler(environment, config, mode) : sharedHandler(environment, config, mode);
  const token = environment.issuer.mint(config, { ...plan.claims });
  const recordsBefore = telemetry.records.length;
  environment.recorder.start();
  let recorded: RecordedRequests;
  let verdict;
  try {
    verdict = await handler.call(plan.routed, token);
  } finally {
    recorded = environment.recorder.stop();
  }
  const record = telemetry.records.length > recordsBefore ? telemetry.records.at(-1) : undefined;
  return {
    // A simple response (HTTP API) has no 401: the decision record tells a refused token from a deny.
    result: verdict === 'deny' && record?.result === 'unauthorized' ? 'unauthorized' : verdict,
    determining: (record?.determiningPolicies ?? []).map((id) => stores.linkIdOf.get(id) ?? id).sort(),
    reason: record?.reason !== undefined ? `${record.errorKind ?? 'error'}: ${record.reason}` : undefined,
    route: plan.routed.route.key,
    entities: entitiesAsked(recorded),
  };
}

interface TelemetredHandler {
  readonly handler: ParityHandler;
  readonly telemetry: MemoryTelemetry;
}

const shared = new WeakMap<ParityEnvironment, Map<string, TelemetredHandler>>();

/**
 * Cases that read the same tables and policy store share one handler: its caches hold what those tables hold, and
 * each case's token is new, so no cached decision answers for another case. Building one costs a policy-set parse.
 */
function sharedHandler(environment: ParityEnvironment, config: ModeConfig, mode: ParityMode): TelemetredHandler {
  const byConfig = shared.get(environment) ?? new Map<string, TelemetredHandler>();
  shared.set(environment, byConfig);
  const key = JSON.stringify(config);
  const known = byConfig.get(key);
  if (known) return known;
  const built = newHandler(environment, config, mode);
  byConfig.set(key, built);
  return built;
}

function newHandler(environment: ParityEnvironment, config: ModeConfig, mode: ParityMode): TelemetredHandler {
  const telemetry = new MemoryTelemetry();
  const handler = createParityHandler(mode.handler, {
    mode: config,
    bundle: mode.bundle,
    dependencies: {
      jwksFetcher: environment.issuer.fetcher,
      dynamoDb: environment.dynamo.client,
      verifiedPermissions: environment.avpClient,
      env: {},
      telemetry,
      wrapEngine: environment.recorder.wrap,
    },
  });
  return { handler, telemetry };
}

/**
 * The suite's pool with the case's entities in place of those of the same uid. A store holding more than the case
 * reaches changes nothing (the runtime reaches only what the request leads to), and lets cases share one table.
 */
export function storeContents(pool: readonly EntityJson[], caseEntities: readonly EntityJson[]): EntityJson[] {
  const own = new Map(caseEntities.map((entity) => [keyOf(entity), entity]));
  const merged = pool.map((entity) => own.get(keyOf(entity)) ?? entity);
  const inPool = new Set(pool.map(keyOf));
  return [...merged, ...caseEntities.filter((entity) => !inPool.has(keyOf(entity)))];
}

function keyOf(entity: EntityJson): string {
  return formatEntityUid('__entity' in entity.uid ? entity.uid.__entity : entity.uid);
}
