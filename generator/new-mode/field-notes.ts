// The comment new-mode writes above each field of a mode file: what the field does, and its default when it has one.
import { MODE_DEFAULTS } from '../model/mode-config.js';

const REQUIRED = 'Required.';
const OPTIONAL = 'Optional.';
const TOKEN_QUERY_PARAMETER = 'WebSocket only: the query parameter that may carry the token on $connect, as browsers cannot set headers.';

/** Keyed by the field's path; `*` stands for any list item or any name the user chooses (such as a context name). */
const NOTES: Readonly<Record<string, string>> = {
  name: `The mode's name: the stack, the API and the generated/<name>/ folder are named after it. ${REQUIRED} Must equal the file name.`,
  description: `Who calls this API and why; it heads the generated code. ${REQUIRED}`,
  api: `The API Gateway API in front of the backend. ${REQUIRED}`,
  'api.type': `rest, http or websocket. ${REQUIRED}`,
  'api.authorizer': `request (reads headers, path and query) or token (REST only: the token alone is the cache key). ${REQUIRED}`,
  'api.tokenHeader': `The header that carries the bearer token. Default: ${MODE_DEFAULTS.tokenHeader}.`,
  'api.tokenQueryParameter': `${TOKEN_QUERY_PARAMETER} ${OPTIONAL}`,
  identitySource: `Who signs the tokens: cognito, oidc or clientCredentials. ${REQUIRED} Replace the example values with yours.`,
  'identitySource.kind': `cognito (a user pool's id or access tokens), oidc (any OpenID Connect issuer) or clientCredentials. ${REQUIRED}`,
  'identitySource.userPoolId': `The Cognito user pool that issues the tokens. ${REQUIRED}`,
  'identitySource.clientIds': `The app clients whose tokens are accepted (the audience). ${REQUIRED}`,
  'identitySource.tokenUse': `Which Cognito token callers send: id or access. ${REQUIRED}`,
  'identitySource.userPoolIdEnv': `Environment variable that replaces userPoolId at run time (one file, a pool per stage). ${OPTIONAL}`,
  'identitySource.issuer': `The issuer URL, exactly as the tokens' iss claim spells it. ${REQUIRED}`,
  'identitySource.jwksUri': `Where the issuer publishes its signing keys. ${REQUIRED}`,
  'identitySource.audience': `The aud claim a token must carry. ${REQUIRED}`,
  'identitySource.issuerEnv': `Environment variable that replaces the issuer at run time; jwksUri keeps its path. ${OPTIONAL}`,
  'identitySource.scopes': `A token must carry at least one of these OAuth scopes. ${REQUIRED}`,
  claims: `How a verified token becomes the Cedar principal. ${REQUIRED}`,
  'claims.principal': `The principal's entity type and the claim that is its id. ${REQUIRED}`,
  'claims.principal.entityType': `An entity type of the schema that the route's action applies to. ${REQUIRED}`,
  'claims.principal.idClaim': `The claim whose value is the principal's id. ${REQUIRED}`,
  'claims.attributes': `Principal attributes filled from claims; every attribute the schema requires is listed. Default: none.`,
  'claims.attributes.*.claim': 'The claim to read; rename it to the claim your tokens carry (Cognito custom attributes: custom:<name>).',
  'claims.attributes.*.attribute': 'The principal attribute it fills, as the schema names it.',
  'claims.attributes.*.type': "The attribute's Cedar type, as the schema declares it.",
  'claims.groups': `A claim listing the principal's groups, each becoming a parent entity of this type. ${OPTIONAL}`,
  'claims.groups.claim': 'The claim that lists the groups.',
  'claims.groups.entityType': 'The entity type of each group; the principal must be allowed to be `in` it by the schema.',
  routes: `Which request is which Cedar action on which resource; one example from the schema. ${REQUIRED} Add yours.`,
  'routes.*.method': 'The HTTP method of the route (REST and HTTP APIs).',
  'routes.*.path': 'The path template; a {parameter} names the resource id.',
  'routes.*.routeKey': 'WebSocket APIs authorize only $connect.',
  'routes.*.action': 'The Cedar action the request asks for, as the schema names it.',
  'routes.*.resource': 'The Cedar resource of the request.',
  'routes.*.resource.type': "The resource's entity type; the action must apply to it.",
  'routes.*.resource.pathParameter': 'The path parameter that holds the resource id.',
  'routes.*.resource.queryParameter': 'The query parameter that holds the resource id.',
  'routes.*.context': "The action's context: every attribute the schema requires, each from a claim, header, query or request value.",
  'routes.*.context.*': 'One context attribute, as the schema names it.',
  'routes.*.context.*.claim': 'The claim that carries the value; use header, query or request instead where it comes from the request.',
  'routes.*.context.*.type': "The attribute's Cedar type, as the schema declares it.",
  cache: `Caching of decisions. ${REQUIRED}`,
  'cache.ttlSeconds': `Seconds API Gateway reuses an authorizer result, 0 to 3600; 0 turns its cache off. ${REQUIRED}`,
  'cache.decisionCacheSize': `Decisions kept in the authorizer's own memory. Default: ${MODE_DEFAULTS.decisionCacheSize}.`,
  timeouts: `Time budgets; an engine, key or store call that overruns is a Deny. ${REQUIRED}`,
  'timeouts.engineMs': `Budget for one authorization engine call, in ms. ${REQUIRED}`,
  'timeouts.jwksMs': `Budget for fetching the issuer's signing keys, in ms. Default: ${MODE_DEFAULTS.jwksMs}.`,
  'timeouts.entityStoreMs': `Budget for an entity store read, in ms. Default: ${MODE_DEFAULTS.entityStoreMs}.`,
  engine: `Who decides. ${REQUIRED}`,
  'engine.kind': 'local (Cedar in the Lambda) or avp (Amazon Verified Permissions, with a policyStore).',
  tenancy: 'single, or multi for one policy store per tenant. Default: single.',
  'tenancy.kind': 'single or multi. Default: single.',
  entityStore: `The DynamoDB table of resource entities (their attributes and parents). ${OPTIONAL} Without it, resources have none.`,
  'entityStore.table': "The table's name.",
  'entityStore.tableEnv': 'Environment variable the stack passes the table name in. Default: ENTITY_TABLE.',
  'entityStore.keyAttribute': "The partition key attribute, which holds each entity's uid.",
  'entityStore.cacheTtlSeconds': `Seconds an entity read stays cached. Default: ${MODE_DEFAULTS.entityCacheTtlSeconds}.`,
  'entityStore.maxDepth': `Levels of parents loaded per request; deeper is a Deny. Default: ${MODE_DEFAULTS.entityMaxDepth}.`,
  'entityStore.maxEntities': `Entities loaded per request at most; more is a Deny. Default: ${MODE_DEFAULTS.entityMaxEntities}.`,
  templateLinks: 'The DynamoDB table of template links: the local engine needs it as the policies hold templates.',
  'templateLinks.table': "The table's name.",
  'templateLinks.tableEnv': `Environment variable the stack passes the table name in. Default: ${MODE_DEFAULTS.templateLinkTableEnv}.`,
  'templateLinks.keyAttribute': "The partition key attribute, which holds each linked principal's uid.",
  'templateLinks.cacheTtlSeconds': `Seconds a principal's links stay cached. Default: ${MODE_DEFAULTS.templateLinkCacheTtlSeconds}.`,
  policies: `Folders or files under policies/ that make up this mode's policies; every one to start with, narrow it. ${REQUIRED}`,
  lambda: `The authorizer function. ${REQUIRED}`,
  'lambda.memoryMb': `Memory, 128 to 10240 MB. ${REQUIRED}`,
  'lambda.timeoutSeconds': `Timeout, 1 to 30 s. ${REQUIRED}`,
  'lambda.logRetentionDays': 'Days its logs are kept. Default: 30.',
  backend: `Where allowed requests go: http (a URL) or lambda (a function ARN). ${REQUIRED}`,
  'backend.kind': 'http or lambda.',
  'backend.url': "The backend's base URL.",
};

/** The note for a field, or undefined when there is none (a test asserts every written field has one). */
export function fieldNote(path: readonly string[]): string | undefined {
  for (const [pattern, note] of Object.entries(NOTES)) {
    const parts = pattern.split('.');
    if (parts.length === path.length && parts.every((part, index) => part === '*' || part === path[index])) return note;
  }
  return undefined;
}
