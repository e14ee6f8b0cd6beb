// One explained request, start to end: build the mode, start its loopback services, call its handler, read the record.
import { MemoryTelemetry } from '../../runtime/index.js';
import type { ModeModel } from '../../generator/model/build-model.js';
import type { ExplainRequest } from './args.js';
import { callAuthorizer, routeRequest, type RoutedRequest } from './authorizer-call.js';
import { buildMode } from './build-mode.js';
import { loadExplainDemo } from './demo-world.js';
import { ExplainError, ExplainUsageError } from './errors.js';
import { explanationOf, type Explanation } from './explanation.js';
import { readEntitiesFile } from './input-files.js';
import { startLoopbackWorld } from './loopback-world.js';
import { explainedToken, type ExplainedToken } from './token-source.js';

/** Everything the text trace shows; `explanation` alone is the JSON output. */
export interface ExplainTrace {
  readonly model: ModeModel;
  readonly token: ExplainedToken;
  readonly routed: RoutedRequest;
  /** Where the entity store's items came from. */
  readonly seededFrom: string;
  /** Entity uids the runtime asked its store for and did not find. */
  readonly missingEntities: readonly string[];
  /** True when `entities` and `request.context` are what the engine got; false when only store reads were seen. */
  readonly engineInputSeen: boolean;
  readonly explanation: Explanation;
}

export async function runExplain(request: ExplainRequest): Promise<ExplainTrace> {
  const model = buildMode(request.root, request.mode);
  const { config: mode, bundle, handler } = model;
  const { demo, source } = loadExplainDemo(request.root);
  const { templateLinks } = demo;
  if (request.entitiesFile !== undefined && !mode.entityStore)
    throw new ExplainUsageError(`mode "${mode.name}" has no entity store to seed with --entities`);
  const entities = request.entitiesFile !== undefined ? readEntitiesFile(request.entitiesFile) : demo.entities;

  const world = await startLoopbackWorld(mode, bundle);
  try {
    const token = explainedToken({ identity: request.identity, mode, issuer: world.issuer, demo });
    const routed = routeRequest(mode, request.target, request.headers, token.token);
    const telemetry = new MemoryTelemetry();
    const tenantId = tenantOf(mode.claims.tenant?.claim, token.claims);
    const prepared = await world.prepare({ entities, templateLinks, telemetry, ...(tenantId !== undefined ? { tenantId } : {}) });
    const verdict = await callAuthorizer({ mode, bundle, handler, dependencies: prepared.dependencies, routed });
    const [record, ...more] = telemetry.records;
    if (!record || more.length > 0)
      throw new ExplainError(`the runtime recorded ${telemetry.records.length} decisions for one request; expected exactly one`);
    return {
      model,
      token,
      routed,
      seededFrom: request.entitiesFile ?? `the demo world (${source})`,
      missingEntities: prepared.storeReads?.missing ?? [],
      engineInputSeen: prepared.engineCalls.length > 0,
      explanation: explanationOf({ mode, verdict, record, engineCalls: prepared.engineCalls, storeReads: prepared.storeReads }),
    };
  } finally {
    await world.close();
  }
}

/** The tenant the token claims, read without verifying: it only decides which policy store to build. */
function tenantOf(claim: string | undefined, claims: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (claim === undefined || !claims) return undefined;
  const value = claims[claim];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
