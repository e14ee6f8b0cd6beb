// The services one explained request needs, on 127.0.0.1 (port 0): the issuer's JWKS, dynalite and the AVP endpoint.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import type { RuntimeDependencies, Telemetry } from '../../runtime/index.js';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../avp/avp-endpoint.js';
import { loadOrCreateDevKeys } from '../dev-keys.js';
import type { SeedTemplateLinks } from '../demo-world/demo-data.js';
import { createModeTables, putTemplateLinks } from '../demo-world/seed-stores.js';
import { putEntities, startLocalDynamo, type LocalDynamo } from '../dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../issuer/token-issuer.js';
import { recordEngineCalls, type EngineCall } from './record-engine-calls.js';
import { recordStoreReads, type StoreReads } from './record-store-reads.js';

/**
 * The runtime reads no environment here: the mode's own issuer, user pool, table and store names apply, and the
 * loopback fetcher serves the issuer's real JWKS URL, as `npm start` does.
 */
const RUNTIME_ENV: Readonly<Record<string, string>> = {};

export interface LoopbackWorld {
  readonly issuer: LocalIssuer;
  /** Seeds the entity store and the policy stores, then returns what the handler factory is given. */
  prepare(seed: WorldSeed): Promise<PreparedWorld>;
  /** Closes everything that was started: nothing is left listening. */
  close(): Promise<void>;
}

export interface WorldSeed {
  readonly entities: readonly EntityJson[];
  /** Local modes with a template-link table: one item per linked principal. */
  readonly templateLinks: readonly SeedTemplateLinks[];
  /** Multi-tenant modes: the tenant the token claims, which gets a policy store built from the bundle. */
  readonly tenantId?: string;
  readonly telemetry: Telemetry;
}

export interface PreparedWorld {
  readonly dependencies: RuntimeDependencies;
  /** What the runtime read from the entity store; absent for a mode without one. */
  readonly storeReads?: StoreReads;
  /** What the runtime asked its engine (either kind), as the engine got it. */
  readonly engineCalls: readonly EngineCall[];
}

export async function startLoopbackWorld(mode: ModeConfig, bundle: PolicyBundle): Promise<LoopbackWorld> {
  const started: { close(): Promise<void> }[] = [];
  try {
    const issuer = await startLocalIssuer({ env: RUNTIME_ENV, modes: [mode], keys: loadOrCreateDevKeys() });
    started.push(issuer);
    const needsDynamo = mode.entityStore !== undefined || mode.tenancy.kind === 'multi' || mode.templateLinks.kind === 'table';
    const dynamo = needsDynamo ? await startLocalDynamo() : undefined;
    if (dynamo) started.push(dynamo);
    const avp = mode.engine.kind === 'avp' ? await startLocalAvpEndpoint() : undefined;
    if (avp) started.push(avp);
    // The SDK client made for the runtime is destroyed first, so no keep-alive socket outlives the endpoint.
    const clients: { destroy(): void }[] = [];
    return {
      issuer,
      async prepare(seed) {
        const prepared = await prepare(mode, bundle, { dynamo, avp, issuer }, seed);
        if (prepared.dependencies.verifiedPermissions) clients.push(prepared.dependencies.verifiedPermissions);
        return prepared;
      },
      async close() {
        for (const client of clients) client.destroy();
        await closeAll(started);
      },
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

async function prepare(
  mode: ModeConfig,
  bundle: PolicyBundle,
  services: { readonly dynamo: LocalDynamo | undefined; readonly avp: LocalAvpEndpoint | undefined; readonly issuer: LocalIssuer },
  seed: WorldSeed,
): Promise<PreparedWorld> {
  const { dynamo, avp, issuer } = services;
  if (dynamo) await createModeTables(dynamo.client, [mode]);
  if (dynamo && mode.entityStore) await putEntities(dynamo.client, mode.entityStore.table, seed.entities, mode.entityStore.keyAttribute);
  if (dynamo && mode.templateLinks.kind === 'table') await putTemplateLinks(dynamo.client, mode.templateLinks, seed.templateLinks);
  if (avp) seedPolicyStores(mode, bundle, avp);
  if (dynamo && avp && mode.tenancy.kind === 'multi') {
    const lookup = mode.tenancy.policyStoreLookup;
    if (seed.tenantId !== undefined) {
      const policyStoreId = avp.seedPolicyStore({ policyStoreId: tenantStoreId(seed.tenantId), bundle });
      await dynamo.client.send(
        new PutItemCommand({
          TableName: lookup.table,
          Item: { [lookup.keyAttribute]: { S: seed.tenantId }, [lookup.policyStoreIdAttribute]: { S: policyStoreId } },
        }),
      );
    }
  }
  // Recording starts after seeding, so it sees the runtime's reads only.
  const storeReads =
    dynamo && mode.entityStore
      ? recordStoreReads(dynamo.client, { name: mode.entityStore.table, keyAttribute: mode.entityStore.keyAttribute })
      : undefined;
  const verifiedPermissions = avp
    ? createLocalAvpClient(avp.url, { maxAttempts: mode.engine.kind === 'avp' ? mode.engine.maxRetries + 1 : 1 })
    : undefined;
  const recorder = recordEngineCalls();
  return {
    dependencies: {
      jwksFetcher: issuer.fetcher,
      env: RUNTIME_ENV,
      telemetry: seed.telemetry,
      wrapEngine: recorder.wrap,
      ...(dynamo ? { dynamoDb: dynamo.client } : {}),
      ...(verifiedPermissions ? { verifiedPermissions } : {}),
    },
    ...(storeReads ? { storeReads } : {}),
    engineCalls: recorder.calls,
  };
}

/** A single-tenant AVP mode decides against its declared store id, which the local endpoint holds under that id. */
function seedPolicyStores(mode: ModeConfig, bundle: PolicyBundle, avp: LocalAvpEndpoint): void {
  if (mode.engine.kind === 'avp' && mode.tenancy.kind === 'single' && mode.engine.policyStore) {
    avp.seedPolicyStore({ policyStoreId: mode.engine.policyStore.id, bundle });
  }
}

function tenantStoreId(tenantId: string): string {
  return `ps-${tenantId}`;
}

async function closeAll(started: readonly { close(): Promise<void> }[]): Promise<void> {
  for (const part of [...started].reverse()) await part.close().catch(() => undefined);
}
