// Starts everything `npm start` runs on 127.0.0.1: token issuer, dynalite, the AVP endpoint, the demo backend and a
// gateway per mode in front of the same runtime handlers the generated Lambdas use. Tests and benchmarks use it too.
import { randomBytes } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
import { loadDemoData, type DemoData } from './demo/demo-data.js';
import { loadOrCreateDevKeys } from './dev-keys.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from './dynamodb/local-dynamodb.js';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDemoBackend, type DemoBackend } from './gateway/demo-backend.js';
import { startLocalGateway, type LocalGateway } from './gateway/local-gateway.js';
import { startLocalIssuer, type LocalIssuer } from './issuer/token-issuer.js';

export const GENERATED_DIR = fileURLToPath(new URL('../generated/', import.meta.url));

export type EngineChoice = 'mode' | 'local' | 'avp';

export interface LocalEnvironmentOptions {
  /** Gateways listen on basePort+1, +2, ... in mode order; the issuer on basePort+20... 0 picks free ports. @default 0 */
  readonly basePort?: number;
  /** Run only these modes. @default every mode in generated/ */
  readonly modes?: readonly string[];
  /** `mode` keeps each mode's engine; `local` or `avp` forces one. @default 'mode' */
  readonly engine?: EngineChoice;
  readonly telemetry?: Telemetry;
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
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  readonly avp: LocalAvpEndpoint;
  readonly backend: DemoBackend;
  readonly modes: readonly RunningMode[];
  readonly demo: DemoData;
  /** The client secret of the issuer's `/oauth2/token` endpoint, made at start. */
  readonly clientSecret: string;
  gateway(mode: string): LocalGateway;
  close(): Promise<void>;
}

interface GeneratedMode {
  readonly MODE_CONFIG: ModeConfig;
  readonly POLICY_BUNDLE: PolicyBundle;
}

/** Every mode in generated/, in name order: a fifth mode shows up with no change here. */
export async function loadGeneratedModes(only?: readonly string[]): Promise<GeneratedMode[]> {
  const names = readdirSync(GENERATED_DIR)
    .filter((name) => existsSync(join(GENERATED_DIR, name, 'authorizer.ts')))
    .sort();
  const unknown = (only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`unknown mode ${unknown.join(', ')}; the modes are: ${names.join(', ')}`);
  const chosen = only && only.length > 0 ? names.filter((name) => only.includes(name)) : names;
  return Promise.all(
    chosen.map(async (name) => (await import(pathToFileURL(join(GENERATED_DIR, name, 'authorizer.ts')).href)) as GeneratedMode),
  );
}

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const demo = options.demo ?? loadDemoData();
  const generated = await loadGeneratedModes(options.modes);
  const port = (offset: number) => (options.basePort ? options.basePort + offset : 0);
  const clientSecret = randomBytes(18).toString('base64url');
  const adjust = options.adjustMode ?? ((mode: ModeConfig) => mode);
  const modes = generated.map((g) => adjust(withEngine(g.MODE_CONFIG, options.engine ?? 'mode')));

  const started: { close(): Promise<void> }[] = [];
  try {
    const issuer = await startLocalIssuer({
      port: port(20),
      env: {},
      modes,
      ...(options.useDevKeys ? { keys: loadOrCreateDevKeys() } : {}),
      clientCredentials: { modes: modes.filter((m) => m.identitySource.kind === 'clientCredentials'), clientSecret },
    });
    started.push(issuer);
    const dynamo = await startLocalDynamo({ port: port(21) });
    started.push(dynamo);
    const avp = await startLocalAvpEndpoint({ port: port(22) });
    started.push(avp);
    const backend = await startDemoBackend(port(23));
    started.push(backend);

    // Tables and stores every mode may need; names come from the modes themselves.
    const tables = new Map<string, string>();
    for (const mode of modes) {
      if (mode.entityStore) tables.set(mode.entityStore.table, mode.entityStore.keyAttribute);
      if (mode.tenancy.kind === 'multi') tables.set(mode.tenancy.policyStoreLookup.table, mode.tenancy.policyStoreLookup.keyAttribute);
    }
    await createTables(
      dynamo.client,
      [...tables].map(([name, keyAttribute]) => ({ name, keyAttribute })),
    );
    for (const mode of modes)
      if (mode.entityStore) await putEntities(dynamo.client, mode.entityStore.table, demo.entities, mode.entityStore.keyAttribute);

    const running: RunningMode[] = [];
    for (const [index, mode] of modes.entries()) {
      const bundle = generated[index]?.POLICY_BUNDLE;
      if (!bundle) throw new Error(`mode ${mode.name} has no policy bundle`);
      const env: Record<string, string> = {};
      if (mode.tenancy.kind === 'multi') {
        const lookup = mode.tenancy.policyStoreLookup;
        for (const tenant of demo.tenants) {
          avp.seedPolicyStore({ policyStoreId: tenant.policyStoreId, bundle });
          await dynamo.client.send(
            new PutItemCommand({
              TableName: lookup.table,
              Item: { [lookup.keyAttribute]: { S: tenant.tenantId }, [lookup.policyStoreIdAttribute]: { S: tenant.policyStoreId } },
            }),
          );
        }
      } else if (mode.engine.kind === 'avp') {
        const storeId = avp.seedPolicyStore({ policyStoreId: `ps-${mode.name}`, bundle });
        env[mode.engine.policyStore?.env ?? 'POLICY_STORE_ID'] = storeId;
      }
      const dependencies: RuntimeDependencies = {
        jwksFetcher: issuer.fetcher,
        dynamoDb: dynamo.client,
        verifiedPermissions: createLocalAvpClient(avp.url, { maxAttempts: mode.engine.kind === 'avp' ? mode.engine.maxRetries + 1 : 1 }),
        env,
        ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      };
      const gateway = await startLocalGateway({
        mode,
        handler: handlerFor(mode, bundle, dependencies) as never,
        backendUrl: backend.url,
        port: port(1 + index),
      });
      started.push(gateway);
      running.push({ mode, bundle, gateway });
    }

    return {
      issuer,
      dynamo,
      avp,
      backend,
      modes: running,
      demo,
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

/** The same factory the generated handler calls, with loopback dependencies. */
function handlerFor(mode: ModeConfig, bundle: PolicyBundle, dependencies: RuntimeDependencies): unknown {
  const options = { mode, bundle, dependencies };
  if (mode.api.type === 'http') return httpAuthorizer(options);
  if (mode.api.type === 'websocket') return webSocketAuthorizer(options);
  return mode.api.authorizer === 'token' ? restTokenAuthorizer(options) : restRequestAuthorizer(options);
}

function withEngine(mode: ModeConfig, engine: EngineChoice): ModeConfig {
  if (engine === 'mode' || engine === mode.engine.kind) return mode;
  if (engine === 'local') return { ...mode, engine: { kind: 'local' } };
  return { ...mode, engine: { kind: 'avp', policyStore: { id: `ps-${mode.name}` }, maxRetries: 2 } };
}
