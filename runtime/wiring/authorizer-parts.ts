// Builds the replaceable parts of one mode's authorizer from its configuration: engine, policy-store resolver, entity
// loader and template-link store. Defaults come from the mode (filled in by the generator); nothing is invented here.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { Clock } from '../../common/clock.js';
import type { SizedCache } from '../cache/ttl-lru.js';
import type { ModeConfig, PolicyBundle } from '../config.js';
import type { Engine } from '../engine/decision.js';
import { createLocalEngine } from '../engine/local-engine.js';
import { EntityLoader } from '../entities/entity-loader.js';
import { DynamoEntityStore } from '../entities/entity-store.js';
import { SchemaShapes } from '../entities/schema-shapes.js';
import { EngineError, reasonOf } from '../errors.js';
import { DynamoTemplateLinkStore, type TemplateLinkStore } from '../templates/link-store.js';
import { staticPolicyStore, TenantPolicyStoreResolver, type PolicyStoreResolver } from '../tenancy/policy-store-resolver.js';
import { type Env, policyStoreId, tableName } from './environment.js';

export interface PartsOptions {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly env: Env;
  readonly clock: Clock;
  readonly dynamoDb?: DynamoDBClient;
  readonly verifiedPermissions?: VerifiedPermissionsClient;
}

export interface AuthorizerParts {
  readonly engine: Engine;
  readonly storeResolver: PolicyStoreResolver;
  readonly entityLoader: EntityLoader;
  /** Present in local-engine modes that read template links from a table. */
  readonly linkStore?: TemplateLinkStore;
  /** The caches these parts hold (entities, template links, tenants), for their size metrics. */
  readonly caches: readonly SizedCache[];
}

export function createParts({ mode, bundle, env, clock, dynamoDb: injected, verifiedPermissions }: PartsOptions): AuthorizerParts {
  const linkTable = mode.engine.kind === 'local' && mode.templateLinks.kind === 'table' ? mode.templateLinks : undefined;
  const dynamoDb = injected ?? (mode.entityStore || mode.tenancy.kind === 'multi' || linkTable ? new DynamoDBClient({}) : undefined);
  const shapes = new SchemaShapes(bundle.schema);
  const { entityStore } = mode;
  const store =
    entityStore && dynamoDb
      ? new DynamoEntityStore({
          client: dynamoDb,
          table: tableName(entityStore, env),
          keyAttribute: entityStore.keyAttribute,
          cacheTtlMs: entityStore.cacheTtlSeconds * 1000,
          timeoutMs: mode.timeouts.entityStoreMs,
          normalize: (entity, key) => shapes.normalize(entity, key),
          clock,
        })
      : undefined;
  const storeResolver = createStoreResolver(mode, env, clock, dynamoDb);
  const linkStore =
    linkTable && dynamoDb
      ? new DynamoTemplateLinkStore({
          client: dynamoDb,
          table: tableName(linkTable, env),
          keyAttribute: linkTable.keyAttribute,
          cacheTtlMs: linkTable.cacheTtlSeconds * 1000,
          timeoutMs: mode.timeouts.entityStoreMs,
          clock,
        })
      : undefined;
  const caches = [store, linkStore, storeResolver instanceof TenantPolicyStoreResolver ? storeResolver : undefined];
  return {
    engine: createEngine(mode, bundle, clock, verifiedPermissions),
    storeResolver,
    entityLoader: new EntityLoader({
      store,
      shapes,
      actionEntityType: mode.actionEntityType,
      maxDepth: entityStore?.maxDepth ?? 0,
      maxEntities: entityStore?.maxEntities ?? Number.POSITIVE_INFINITY,
      principalSource: mode.claims.principal.attributeSource,
      modeName: mode.name,
    }),
    ...(linkStore ? { linkStore } : {}),
    caches: caches.filter((cache) => cache !== undefined),
  };
}

const EMPTY_CACHE = { entries: 0, bytes: 0 } as const;

function createEngine(
  mode: ModeConfig,
  bundle: PolicyBundle,
  clock: Clock,
  verifiedPermissions: VerifiedPermissionsClient | undefined,
): Engine {
  try {
    if (mode.engine.kind === 'local') return createLocalEngine(bundle);
    return lazyAvpEngine(
      { modeName: mode.name, maxRetries: mode.engine.maxRetries, timeoutMs: mode.timeouts.engineMs, clock },
      verifiedPermissions,
    );
  } catch (error) {
    // A broken bundle must not crash the Lambda's init: every request is denied and says why.
    const reason = reasonOf(error);
    const refuse = async (): Promise<never> => {
      throw new EngineError(`the engine could not start: ${reason}`);
    };
    return { kind: mode.engine.kind, cache: { name: 'Engine', size: () => EMPTY_CACHE }, isAuthorized: refuse, isAuthorizedBatch: refuse };
  }
}

/**
 * The AVP engine and its SDK client load on first use, started at once in the background: local-engine modes never
 * pay the ~50 ms it costs to load the Verified Permissions SDK, and AVP modes load it during Lambda init.
 */
function lazyAvpEngine(
  { modeName, maxRetries, timeoutMs, clock }: { modeName: string; maxRetries: number; timeoutMs: number; clock: Clock },
  injected: VerifiedPermissionsClient | undefined,
): Engine {
  let loading: Promise<Engine> | undefined;
  let loaded: Engine | undefined;
  const load = (): Promise<Engine> =>
    (loading ??= (async () => {
      const [{ createAvpEngine }, { AvpPolicyNames }, sdk, { Logger }] = await Promise.all([
        import('../engine/avp-engine.js'),
        import('../engine/avp-policy-names.js'),
        import('@aws-sdk/client-verifiedpermissions'),
        import('@aws-lambda-powertools/logger'),
      ]);
      const client = injected ?? new sdk.VerifiedPermissionsClient({ maxAttempts: maxRetries + 1 });
      const logger = new Logger({ serviceName: `authorizer-${modeName}` });
      // The decision line shows an id it could not name as `avp:<id>`; this line, beside it, says why.
      const names = new AvpPolicyNames({
        client,
        readTimeoutMs: timeoutMs,
        clock,
        notify: (notice) => logger.warn('determining policies shown by their AVP ids', { policyNames: { ...notice } }),
      });
      loaded = createAvpEngine({ client, timeoutMs, names });
      return loaded;
    })());
  load().catch(() => {
    // A failed load is reported by the first request that needs the engine (a Deny), not at init.
    loading = undefined;
  });
  return {
    kind: 'avp',
    // Nothing is held until the engine has loaded; then its own cache (the AVP policy names) reports.
    cache: { name: 'AvpPolicyNames', size: () => loaded?.cache.size() ?? EMPTY_CACHE },
    isAuthorized: async (request, options) => (await load()).isAuthorized(request, options),
    isAuthorizedBatch: async (requests, options) => (await load()).isAuthorizedBatch(requests, options),
  };
}

function createStoreResolver(mode: ModeConfig, env: Env, clock: Clock, dynamoDb: DynamoDBClient | undefined): PolicyStoreResolver {
  if (mode.tenancy.kind === 'multi') {
    if (!dynamoDb) throw new Error('a multi-tenant mode needs a DynamoDB client');
    const lookup = mode.tenancy.policyStoreLookup;
    return new TenantPolicyStoreResolver({
      client: dynamoDb,
      lookup,
      table: tableName(lookup, env),
      timeoutMs: mode.timeouts.entityStoreMs,
      clock,
    });
  }
  if (mode.engine.kind === 'avp' && mode.engine.policyStore) {
    return staticPolicyStore(policyStoreId(mode.engine.policyStore, env));
  }
  return staticPolicyStore(undefined);
}
