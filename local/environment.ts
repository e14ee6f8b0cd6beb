// Starts everything `npm start` runs on 127.0.0.1 for a domain: token issuer, dynalite, the AVP endpoint, the demo
// backend and a gateway per mode in front of the same runtime handlers the generated Lambdas use. The modes are built
// from the domain's sources (generated/ is never imported), and the domain's demo world, if it has one, is seeded.
// Tests and benchmarks use it too.
import { randomBytes } from 'node:crypto';
import { formatDiagnostics } from '../generator/diagnostics/format.js';
import { readProjectSources } from '../generator/load/source-files.js';
import { buildModel, type GenerationModel, type ModeModel } from '../generator/model/build-model.js';
import { validateProject } from '../generator/validate/project.js';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';
import {
  httpAuthorizer,
  restRequestAuthorizer,
  restTokenAuthorizer,
  webSocketAuthorizer,
  type RuntimeDependencies,
  type Telemetry,
} from '../runtime/index.js';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from './avp/avp-endpoint.js';
import { loadDemoWorld, REPOSITORY_ROOT, type DemoData } from './demo-world/demo-data.js';
import { localPolicyStoreId, seedStores } from './demo-world/seed-stores.js';
import { loadOrCreateDevKeys } from './dev-keys.js';
import { startLocalDynamo, type LocalDynamo } from './dynamodb/local-dynamodb.js';
import { LocalEnvironmentError, startComponent } from './environment-errors.js';
import { startDemoBackend, type DemoBackend } from './gateway/demo-backend.js';
import { startLocalGateway, type GatewayHandler, type LocalGateway } from './gateway/local-gateway.js';
import { startLocalIssuer, type LocalIssuer } from './issuer/token-issuer.js';

export type EngineChoice = 'mode' | 'local' | 'avp';

/** Ports from the base: gateways at +1, +2, ... in mode order, then the shared services. */
const PORT_OFFSETS = { issuer: 20, dynamodb: 21, avp: 22, backend: 23 } as const;

export interface LocalEnvironmentOptions {
  /** The project whose domain runs. @default this repository */
  readonly root?: string;
  /** The project's model, when the caller already built it from `root`. @default built from `root` */
  readonly model?: GenerationModel;
  /** Gateways listen on basePort+1, +2, ... in mode order; the issuer on basePort+20... 0 picks free ports. @default 0 */
  readonly basePort?: number;
  /** Run only these modes. @default every mode of the project */
  readonly modes?: readonly string[];
  /** `mode` keeps each mode's engine; `local` or `avp` forces one. @default 'mode' */
  readonly engine?: EngineChoice;
  readonly telemetry?: Telemetry;
  /** @default the domain's local/demo/seed.yaml, or an empty world when it has none */
  readonly demo?: DemoData;
  /** Signing keys shared with `npm run token`. @default fresh keys (tests) */
  readonly useDevKeys?: boolean;
  /** Adjusts each mode before it starts (benchmarks turn caching off this way). */
  readonly adjustMode?: (mode: ModeConfig) => ModeConfig;
}

export interface RunningMode {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly gateway: LocalGateway;
}

export interface LocalEnvironment {
  readonly root: string;
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  readonly avp: LocalAvpEndpoint;
  readonly backend: DemoBackend;
  readonly modes: readonly RunningMode[];
  readonly demo: DemoData;
  /** The seed file the demo world came from; absent for a domain without one (an empty world). */
  readonly seedFile?: string;
  /** The client secret of the issuer's `/oauth2/token` endpoint, made at start. */
  readonly clientSecret: string;
  gateway(mode: string): LocalGateway;
  close(): Promise<void>;
}

/** The project's modes, built from its sources as `npm run generate` builds them (nothing rendered); throws if invalid. */
export function buildProjectModel(root: string): GenerationModel {
  const { diagnostics, project } = validateProject(readProjectSources(root));
  if (!project) throw new LocalEnvironmentError(`${root} does not validate:\n${formatDiagnostics(diagnostics, 'text')}`);
  return buildModel(project);
}

/** The modes named by `only` (all when empty), in name order; an unknown name is an error listing the modes. */
export function selectModes(model: GenerationModel, only?: readonly string[]): ModeModel[] {
  const names = model.modes.map((mode) => mode.name);
  const unknown = (only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new LocalEnvironmentError(`unknown mode ${unknown.join(', ')}; the modes are: ${names.join(', ')}`);
  return [...model.modes]
    .filter((mode) => !only || only.length === 0 || only.includes(mode.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const root = options.root ?? REPOSITORY_ROOT;
  const world = options.demo ? { demo: options.demo } : loadDemoWorld(root);
  const { demo } = world;
  const chosen = selectModes(options.model ?? buildProjectModel(root), options.modes);
  const basePort = options.basePort ?? 0;
  const port = (offset: number) => (basePort > 0 ? basePort + offset : 0);
  const clientSecret = randomBytes(18).toString('base64url');
  const adjust = options.adjustMode ?? ((mode: ModeConfig) => mode);
  const modes = chosen.map((model) => ({ mode: adjust(withEngine(model.config, options.engine ?? 'mode')), bundle: model.bundle }));

  const started: { close(): Promise<void> }[] = [];
  try {
    const issuer = await startComponent('issuer', port(PORT_OFFSETS.issuer), () =>
      startLocalIssuer({
        port: port(PORT_OFFSETS.issuer),
        env: {},
        modes: modes.map(({ mode }) => mode),
        ...(options.useDevKeys ? { keys: loadOrCreateDevKeys() } : {}),
        clientCredentials: {
          modes: modes.map(({ mode }) => mode).filter((mode) => mode.identitySource.kind === 'clientCredentials'),
          clientSecret,
        },
      }),
    );
    started.push(issuer);
    const dynamo = await startComponent('dynamodb', port(PORT_OFFSETS.dynamodb), () =>
      startLocalDynamo({ port: port(PORT_OFFSETS.dynamodb) }),
    );
    started.push(dynamo);
    const avp = await startComponent('avp', port(PORT_OFFSETS.avp), () => startLocalAvpEndpoint({ port: port(PORT_OFFSETS.avp) }));
    started.push(avp);
    const backend = await startComponent('backend', port(PORT_OFFSETS.backend), () => startDemoBackend(port(PORT_OFFSETS.backend)));
    started.push(backend);

    await seedStores(dynamo.client, avp, modes, demo);

    const running: RunningMode[] = [];
    for (const [index, { mode, bundle }] of modes.entries()) {
      const env: Record<string, string> = {};
      if (mode.tenancy.kind === 'single' && mode.engine.kind === 'avp') {
        env[mode.engine.policyStore?.env ?? 'POLICY_STORE_ID'] = localPolicyStoreId(mode);
      }
      const dependencies: RuntimeDependencies = {
        jwksFetcher: issuer.fetcher,
        dynamoDb: dynamo.client,
        verifiedPermissions: createLocalAvpClient(avp.url, { maxAttempts: mode.engine.kind === 'avp' ? mode.engine.maxRetries + 1 : 1 }),
        env,
        ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      };
      const gatewayPort = port(1 + index);
      const gateway = await startComponent(`gateway ${mode.name}`, gatewayPort, () =>
        startLocalGateway({ mode, handler: handlerFor(mode, bundle, dependencies), backendUrl: backend.url, port: gatewayPort }),
      );
      started.push(gateway);
      running.push({ mode, bundle, gateway });
    }

    return {
      root,
      issuer,
      dynamo,
      avp,
      backend,
      modes: running,
      demo,
      ...(world.seedFile !== undefined ? { seedFile: world.seedFile } : {}),
      clientSecret,
      gateway(name) {
        const found = running.find((r) => r.mode.name === name);
        if (!found) throw new Error(`mode ${name} is not running`);
        return found.gateway;
      },
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

async function closeAll(started: readonly { close(): Promise<void> }[]): Promise<void> {
  for (const part of [...started].reverse()) await part.close().catch(() => undefined);
}

/** The same factory the generated handler calls, with loopback dependencies, tagged with the event kind it takes. */
function handlerFor(mode: ModeConfig, bundle: PolicyBundle, dependencies: RuntimeDependencies): GatewayHandler {
  const options = { mode, bundle, dependencies };
  if (mode.api.type === 'http') return { kind: 'http', handle: httpAuthorizer(options) };
  if (mode.api.type === 'websocket') return { kind: 'websocket', handle: webSocketAuthorizer(options) };
  return mode.api.authorizer === 'token'
    ? { kind: 'token', handle: restTokenAuthorizer(options) }
    : { kind: 'request', handle: restRequestAuthorizer(options) };
}

function withEngine(mode: ModeConfig, engine: EngineChoice): ModeConfig {
  if (engine === 'mode' || engine === mode.engine.kind) return mode;
  if (engine === 'local') return { ...mode, engine: { kind: 'local', policyStore: 'none' } };
  return { ...mode, engine: { kind: 'avp', policyStore: { id: `ps-${mode.name}` }, maxRetries: 2 } };
}
