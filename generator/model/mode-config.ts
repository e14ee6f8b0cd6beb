// Turns a validated mode file into the runtime's ModeConfig, with every default filled in.
import { formatValueType, parseValueType } from '../../runtime/claims/value-type.js';
import type {
  ContextValueConfig,
  IdentitySourceConfig,
  ModeConfig,
  PrincipalAttributeSource,
  RouteConfig,
  TemplateLinkSource,
  ValueType,
} from '../../runtime/config.js';
import type { IdentitySource, ModeFile, RouteSpec } from '../load/mode-file.js';

export const MODE_DEFAULTS = {
  tokenHeader: 'Authorization',
  decisionCacheSize: 1000,
  jwksMs: 1500,
  entityStoreMs: 500,
  avpMaxRetries: 2,
  tenantCacheTtlSeconds: 300,
  tenantNegativeCacheTtlSeconds: 30,
  tenantCacheMaxEntries: 10_000,
  entityCacheTtlSeconds: 5,
  entityMaxDepth: 6,
  entityMaxEntities: 200,
  templateLinkCacheTtlSeconds: 5,
  // The environment variables through which the stack hands the authorizer its tables' and policy store's real names,
  // when the mode names none. The runtime and infra/ both read them from the mode configuration; neither has its own.
  entityTableEnv: 'ENTITY_TABLE',
  tenantTableEnv: 'TENANT_TABLE',
  templateLinkTableEnv: 'TEMPLATE_LINK_TABLE',
  policyStoreEnv: 'POLICY_STORE_ID',
  /** A local-engine mode deploys no AVP store unless it asks for one. */
  localPolicyStore: 'none',
  claimEncoding: 'json',
  principalStoreWins: 'token',
} as const;

export function toModeConfig(mode: ModeFile, namespace: string): ModeConfig {
  const { api, claims, cache, timeouts, engine, tenancy, entityStore, templateLinks } = mode;
  return {
    name: mode.name,
    api: {
      type: api.type,
      authorizer: api.authorizer,
      tokenHeader: api.tokenHeader ?? MODE_DEFAULTS.tokenHeader,
      ...(api.tokenQueryParameter !== undefined ? { tokenQueryParameter: api.tokenQueryParameter } : {}),
    },
    identitySource: toIdentitySourceConfig(mode.identitySource),
    claims: {
      principal: {
        entityType: claims.principal.entityType,
        idClaim: claims.principal.idClaim,
        attributeSource: toAttributeSource(claims.principal.fromStore),
      },
      attributes: (claims.attributes ?? []).map((a) => ({
        claim: a.claim,
        attribute: a.attribute,
        type: canonicalType(a.type),
        ...(a.delimiter !== undefined ? { delimiter: a.delimiter } : {}),
        required: a.required ?? true,
        encoding: a.carriedAs ?? MODE_DEFAULTS.claimEncoding,
      })),
      ...(claims.groups ? { groups: { claim: claims.groups.claim, entityType: claims.groups.entityType } } : {}),
      ...(claims.tenant
        ? {
            tenant: {
              claim: claims.tenant.claim,
              entityType: claims.tenant.entityType,
              ...(claims.tenant.attribute !== undefined ? { attribute: claims.tenant.attribute } : {}),
              asParent: claims.tenant.asParent ?? false,
            },
          }
        : {}),
    },
    routes: mode.routes.map(toRouteConfig),
    cache: { ttlSeconds: cache.ttlSeconds, decisionCacheSize: cache.decisionCacheSize ?? MODE_DEFAULTS.decisionCacheSize },
    timeouts: {
      engineMs: timeouts.engineMs,
      jwksMs: timeouts.jwksMs ?? MODE_DEFAULTS.jwksMs,
      entityStoreMs: timeouts.entityStoreMs ?? MODE_DEFAULTS.entityStoreMs,
    },
    engine:
      engine.kind === 'local'
        ? { kind: 'local', policyStore: engine.policyStore ?? MODE_DEFAULTS.localPolicyStore }
        : {
            kind: 'avp',
            ...(engine.policyStore
              ? { policyStore: { id: engine.policyStore.id, env: engine.policyStore.env ?? MODE_DEFAULTS.policyStoreEnv } }
              : {}),
            maxRetries: engine.maxRetries ?? MODE_DEFAULTS.avpMaxRetries,
          },
    tenancy:
      tenancy?.kind === 'multi' && tenancy.policyStoreLookup
        ? {
            kind: 'multi',
            ...(tenancy.pathParameter !== undefined ? { pathParameter: tenancy.pathParameter } : {}),
            policyStoreLookup: {
              table: tenancy.policyStoreLookup.table,
              tableEnv: tenancy.policyStoreLookup.tableEnv ?? MODE_DEFAULTS.tenantTableEnv,
              keyAttribute: tenancy.policyStoreLookup.keyAttribute,
              policyStoreIdAttribute: tenancy.policyStoreLookup.policyStoreIdAttribute,
              cacheTtlSeconds: tenancy.policyStoreLookup.cacheTtlSeconds ?? MODE_DEFAULTS.tenantCacheTtlSeconds,
              negativeCacheTtlSeconds: tenancy.policyStoreLookup.negativeCacheTtlSeconds ?? MODE_DEFAULTS.tenantNegativeCacheTtlSeconds,
              maxEntries: tenancy.policyStoreLookup.maxEntries ?? MODE_DEFAULTS.tenantCacheMaxEntries,
            },
          }
        : { kind: 'single' },
    ...(entityStore
      ? {
          entityStore: {
            table: entityStore.table,
            tableEnv: entityStore.tableEnv ?? MODE_DEFAULTS.entityTableEnv,
            keyAttribute: entityStore.keyAttribute,
            cacheTtlSeconds: entityStore.cacheTtlSeconds ?? MODE_DEFAULTS.entityCacheTtlSeconds,
            maxDepth: entityStore.maxDepth ?? MODE_DEFAULTS.entityMaxDepth,
            maxEntities: entityStore.maxEntities ?? MODE_DEFAULTS.entityMaxEntities,
          },
        }
      : {}),
    templateLinks: toTemplateLinkSource(templateLinks),
    actionEntityType: `${namespace}::Action`,
    ...(mode.decisionRecords?.enabled === true
      ? { decisionRecords: { redactClaims: [...(mode.decisionRecords.redactClaims ?? [])].sort() } }
      : {}),
  };
}

function toRouteConfig(route: RouteSpec): RouteConfig {
  const common = {
    action: route.action,
    resource: {
      type: route.resource.type,
      ...(route.resource.pathParameter !== undefined ? { pathParameter: route.resource.pathParameter } : {}),
      ...(route.resource.queryParameter !== undefined ? { queryParameter: route.resource.queryParameter } : {}),
      ...(route.resource.id !== undefined ? { id: route.resource.id } : {}),
    },
    context: toContextConfig(route),
  };
  if (route.routeKey !== undefined) return { kind: 'connect', key: route.routeKey, routeKey: route.routeKey, ...common };
  // The mode file is YAML: its routes become the union here, once, so nothing downstream checks for a missing method or path.
  if (route.method === undefined || route.path === undefined) {
    throw new Error('a route without routeKey, method or path reached the model; validation should have refused it');
  }
  return { kind: 'http', key: `${route.method} ${route.path}`, method: route.method, path: route.path, ...common };
}

/** Sorted by name: the order of keys in YAML must not change the generated code. */
function toContextConfig(route: RouteSpec): ContextValueConfig[] {
  return Object.entries(route.context ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, source]): ContextValueConfig => {
      const type = canonicalType(source.type);
      const required = source.required ?? true;
      if (source.header !== undefined) return { name, source: 'header', key: source.header, type, required };
      if (source.query !== undefined) return { name, source: 'query', key: source.query, type, required };
      // API Gateway always sets the request context, so these values are always present.
      if (source.request !== undefined) return { name, source: 'request', key: source.request, type, required: true };
      return {
        name,
        source: 'claim',
        key: source.claim ?? '',
        type,
        required,
        encoding: source.carriedAs ?? MODE_DEFAULTS.claimEncoding,
      };
    });
}

/** The one spelling the runtime parses: `Bool` becomes `Boolean`, record attributes are sorted. Validation parsed it already. */
function canonicalType(spelling: string): ValueType {
  return formatValueType(parseValueType(spelling));
}

function toAttributeSource(fromStore: ModeFile['claims']['principal']['fromStore']): PrincipalAttributeSource {
  return fromStore ? { kind: 'token-and-store', wins: fromStore.wins ?? MODE_DEFAULTS.principalStoreWins } : { kind: 'token' };
}

function toTemplateLinkSource(links: ModeFile['templateLinks']): TemplateLinkSource {
  if (!links) return { kind: 'none' };
  return {
    kind: 'table',
    table: links.table,
    tableEnv: links.tableEnv ?? MODE_DEFAULTS.templateLinkTableEnv,
    keyAttribute: links.keyAttribute,
    cacheTtlSeconds: links.cacheTtlSeconds ?? MODE_DEFAULTS.templateLinkCacheTtlSeconds,
  };
}

/** Rebuilt field by field, so the generated constant's key order never depends on the YAML's. */
function toIdentitySourceConfig(source: IdentitySource): IdentitySourceConfig {
  switch (source.kind) {
    case 'cognito':
      return {
        kind: 'cognito',
        userPoolId: source.userPoolId,
        clientIds: [...source.clientIds],
        tokenUse: source.tokenUse,
        ...(source.userPoolIdEnv !== undefined ? { userPoolIdEnv: source.userPoolIdEnv } : {}),
      };
    case 'oidc':
      return {
        kind: 'oidc',
        issuer: source.issuer,
        jwksUri: source.jwksUri,
        audience: source.audience,
        ...(source.issuerEnv !== undefined ? { issuerEnv: source.issuerEnv } : {}),
      };
    case 'clientCredentials':
      return {
        kind: 'clientCredentials',
        userPoolId: source.userPoolId,
        clientIds: [...source.clientIds],
        scopes: [...source.scopes],
        ...(source.userPoolIdEnv !== undefined ? { userPoolIdEnv: source.userPoolIdEnv } : {}),
      };
  }
}
