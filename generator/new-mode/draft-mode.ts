// Drafts a new mode as data: the one example route from the schema, the identity provider's fields, and the defaults.
import { formatValueType } from '../../runtime/claims/value-type.js';
import type { PolicySource } from '../load/cedar-policies.js';
import type { ClaimAttribute, IdentitySource, ModeFile, RouteSpec } from '../load/mode-file.js';
import { MODE_DEFAULTS } from '../model/mode-config.js';
import { policyBelongsTo } from '../validate/modes.js';
import { DomainUnreadableError } from './errors.js';
import { IDENTITY_KINDS, type NewModeApi, type NewModeIdentity } from './options.js';
import type { ExampleRoute } from './pick-example.js';
import type { Domain } from './read-domain.js';

export interface DraftInputs {
  readonly name: string;
  readonly api: NewModeApi;
  readonly identity: NewModeIdentity;
  readonly domain: Domain;
  readonly example: ExampleRoute;
}

const API_LABELS: Readonly<Record<NewModeApi, string>> = { rest: 'A REST API', http: 'An HTTP API', websocket: 'A WebSocket API' };
const IDENTITY_LABELS: Readonly<Record<NewModeIdentity, string>> = {
  cognito: 'users signed in with Amazon Cognito',
  oidc: 'users signed in with an OpenID Connect provider',
  'client-credentials': 'services holding Cognito client-credentials tokens',
};

/** A policies/ entry names a folder or file under policies/ in the mode schema's spelling. */
const POLICY_ENTRY = /^[a-z0-9][a-z0-9._/-]*$/;

export function draftMode({ name, api, identity, domain, example }: DraftInputs): ModeFile {
  const envPrefix = name.toUpperCase().replace(/-/g, '_');
  const policies = policyEntries(domain.policyFiles);
  const bundleHasTemplates = domain.policies.some(
    (policy: PolicySource) => policy.kind === 'template' && policies.some((entry) => policyBelongsTo(policy.file.path, entry)),
  );
  return {
    name,
    description: `${API_LABELS[api]} called by ${IDENTITY_LABELS[identity]}. Say here who calls it, and what for.`,
    api: {
      type: api,
      authorizer: 'request',
      tokenHeader: MODE_DEFAULTS.tokenHeader,
      ...(api === 'websocket' ? { tokenQueryParameter: 'access_token' } : {}),
    },
    identitySource: identitySource(identity, name, envPrefix),
    claims: {
      principal: { entityType: example.principal.name, idClaim: identity === 'client-credentials' ? 'client_id' : 'sub' },
      attributes: requiredAttributes(example),
      ...(identity !== 'client-credentials' && example.principal.memberOfTypes[0] !== undefined
        ? { groups: { claim: identity === 'cognito' ? 'cognito:groups' : 'groups', entityType: example.principal.memberOfTypes[0] } }
        : {}),
    },
    routes: [exampleRoute(api, example)],
    // API Gateway caches no WebSocket authorizer result; the others cache on the token.
    cache: { ttlSeconds: api === 'websocket' ? 0 : 300, decisionCacheSize: MODE_DEFAULTS.decisionCacheSize },
    timeouts: { engineMs: 1500, jwksMs: MODE_DEFAULTS.jwksMs, entityStoreMs: MODE_DEFAULTS.entityStoreMs },
    engine: { kind: 'local' },
    tenancy: { kind: 'single' },
    entityStore: {
      table: `${name}-entities`,
      tableEnv: 'ENTITY_TABLE',
      keyAttribute: 'uid',
      cacheTtlSeconds: MODE_DEFAULTS.entityCacheTtlSeconds,
      maxDepth: MODE_DEFAULTS.entityMaxDepth,
      maxEntities: MODE_DEFAULTS.entityMaxEntities,
    },
    ...(bundleHasTemplates
      ? {
          templateLinks: {
            table: `${name}-template-links`,
            tableEnv: MODE_DEFAULTS.templateLinkTableEnv,
            keyAttribute: 'uid',
            cacheTtlSeconds: MODE_DEFAULTS.templateLinkCacheTtlSeconds,
          },
        }
      : {}),
    policies,
    lambda: { memoryMb: 512, timeoutSeconds: 5, logRetentionDays: 30 },
    backend: { kind: 'http', url: 'https://backend.example.com' },
  };
}

function identitySource(identity: NewModeIdentity, name: string, envPrefix: string): IdentitySource {
  const kind = IDENTITY_KINDS[identity];
  switch (kind) {
    case 'cognito':
      return {
        kind,
        userPoolId: 'eu-west-1_ExamplePool',
        clientIds: ['exampleappclient01'],
        tokenUse: 'id',
        userPoolIdEnv: `${envPrefix}_USER_POOL_ID`,
      };
    case 'oidc':
      return {
        kind,
        issuer: 'https://login.example.com/oauth2/default',
        jwksUri: 'https://login.example.com/oauth2/default/v1/keys',
        audience: `api://${name}`,
        issuerEnv: `${envPrefix}_ISSUER`,
      };
    case 'clientCredentials':
      return {
        kind,
        userPoolId: 'eu-west-1_ExamplePool',
        clientIds: ['exampleservice01'],
        scopes: [`${name}/read`],
        userPoolIdEnv: `${envPrefix}_USER_POOL_ID`,
      };
  }
}

/** Every attribute the schema requires of the principal, each from a claim of the same name, so the mode validates. */
function requiredAttributes({ principal }: ExampleRoute): ClaimAttribute[] {
  return Object.entries(principal.attributes)
    .filter(([, attribute]) => attribute.required)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([attribute, { type }]) => ({ claim: attribute, attribute, type: formatValueType(type) }));
}

function exampleRoute(api: NewModeApi, { action, resource, requiredContext }: ExampleRoute): RouteSpec {
  const typeName = resource.name.slice(resource.name.lastIndexOf('::') + 2);
  const parameter =
    `${typeName.charAt(0).toLowerCase()}${typeName.slice(1)}Id`.replace(/[^A-Za-z0-9_]/g, '').replace(/^[^A-Za-z]+/, '') || 'id';
  // Context the action requires comes from claims of the same name: a claim can carry any Cedar type.
  const context = Object.fromEntries(
    requiredContext.map(([contextName, attribute]) => [contextName, { claim: contextName, type: formatValueType(attribute.type) }]),
  );
  const withContext = requiredContext.length > 0 ? { context } : {};
  if (api === 'websocket') {
    return { routeKey: '$connect', action: action.id, resource: { type: resource.name, queryParameter: parameter }, ...withContext };
  }
  const segment = typeName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return {
    method: 'GET',
    path: `/${segment}/{${parameter}}`,
    action: action.id,
    resource: { type: resource.name, pathParameter: parameter },
    ...withContext,
  };
}

/** The top-level folders and files of policies/: the whole policy set, which the user narrows to this mode's. */
function policyEntries(policyFiles: readonly string[]): string[] {
  const entries = [...new Set(policyFiles.map((file) => file.split('/')[1] ?? ''))].filter((entry) => POLICY_ENTRY.test(entry)).sort();
  if (entries.length === 0) {
    throw new DomainUnreadableError('no folder or file under policies/ is named in lower case, as a mode must name its policies');
  }
  return entries;
}
