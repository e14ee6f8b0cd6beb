// A small library domain for the Cedar-fidelity suites: its schema and policies (bundled with cedar-wasm), a mode
// written as the generator would write it, entities seeded in dynalite, a local issuer, and API Gateway events.
import { schemaToJson, type EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Clock } from '../../../../common/clock.js';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../../local/avp/avp-endpoint.js';
import { createTables, putEntities, startLocalDynamo, type LocalDynamo } from '../../../../local/dynamodb/local-dynamodb.js';
import {
  httpRequestEvent,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type IncomingRequest,
} from '../../../../local/gateway/authorizer-events.js';
import { startLocalIssuer, type LocalIssuer } from '../../../../local/issuer/token-issuer.js';
import type { ContextValueConfig, ModeConfig, PolicyBundle, RouteConfig } from '../../../../runtime/config.js';
import { entityKey } from '../../../../runtime/entities/entity-store.js';
import { RouteTable } from '../../../../runtime/routes/route-table.js';
import {
  httpAuthorizer,
  MemoryTelemetry,
  restRequestAuthorizer,
  restTokenAuthorizer,
  webSocketAuthorizer,
  type RuntimeDependencies,
} from '../../../../runtime/index.js';

export const ENTITY_TABLE = 'library-entities';
export const LINK_TABLE = 'library-links';
export const POLICY_STORE = 'ps-library';

/** Every row of the suites runs in both engines: cedar-wasm in-process, and the local AVP endpoint through the SDK. */
export const ENGINES = ['local', 'avp'] as const;
export type EngineKind = (typeof ENGINES)[number];

const SCHEMA = `
namespace Lib {
  type Address = { city: String, zip?: String };
  entity Org in [Org] { budget?: decimal };
  entity Tenant in [Org];
  entity Team in [Team];
  entity Color enum ["red", "green"];
  entity User in [Team, Tenant] {
    clearance?: Long, limit?: decimal, office?: ipaddr, since?: datetime, grace?: duration, home?: Address, dept?: String,
  };
  entity Doc in [Org] {
    owner?: User, sponsor?: Org, price?: decimal, network?: ipaddr, published?: datetime, window?: duration,
  } tags String;

  action readers;
  action readDoc in [readers] appliesTo { principal: User, resource: Doc };
  action viewAsTeam, viewInOrg, viewAsMember, viewSponsored, viewTagged, viewCleared, viewDelegated
    appliesTo { principal: User, resource: Doc };
  action pickColor appliesTo { principal: User, resource: Color };
  action buy appliesTo { principal: User, resource: Doc, context: { amount: decimal } };
  action visit appliesTo { principal: User, resource: Doc, context: { from: ipaddr, at: datetime, wait: duration } };
  action ship appliesTo { principal: User, resource: Doc, context: { address: Address } };
  action enter appliesTo { principal: User, resource: Doc, context: { ip: ipaddr, now: datetime } };
  action enterByEpoch appliesTo { principal: User, resource: Doc, context: { ip: String, nowMs: Long } };
}`;

const POLICIES: Readonly<Record<string, string>> = {
  'readers.own-docs':
    `permit(principal, action in Lib::Action::"readers", resource) ` + `when { resource has owner && resource.owner == principal };`,
  'team.all': `permit(principal in Lib::Team::"g-all", action == Lib::Action::"viewAsTeam", resource);`,
  'org.acme-docs': `permit(principal, action == Lib::Action::"viewInOrg", resource in Lib::Org::"acme");`,
  'org.acme-members': `permit(principal in Lib::Org::"acme", action == Lib::Action::"viewAsMember", resource);`,
  'sponsor.funded':
    `permit(principal, action == Lib::Action::"viewSponsored", resource) when { resource has sponsor && resource.sponsor ` +
    `has budget && resource.sponsor.budget.greaterThan(decimal("1000.0")) };`,
  'tags.public':
    `permit(principal, action == Lib::Action::"viewTagged", resource) when { resource.hasTag("classification") && ` +
    `resource.getTag("classification") == "public" };`,
  'color.red': `permit(principal, action == Lib::Action::"pickColor", resource == Lib::Color::"red");`,
  'clearance.three':
    `permit(principal, action == Lib::Action::"viewCleared", resource) ` + `when { principal has clearance && principal.clearance >= 3 };`,
  'buy.within-limit': `permit(principal, action == Lib::Action::"buy", resource) when {
    principal has limit && resource has price &&
    context.amount.lessThanOrEqual(principal.limit) && resource.price.lessThanOrEqual(context.amount)
  };`,
  'visit.window': `permit(principal, action == Lib::Action::"visit", resource) when {
    resource has network && resource has published && resource has window && principal has since && principal has grace &&
    principal has office && context.from.isInRange(resource.network) && principal.office.isInRange(resource.network) &&
    context.at > resource.published && context.at < resource.published.offset(resource.window) &&
    principal.since < context.at && context.wait < principal.grace
  };`,
  'ship.home-city':
    `permit(principal, action == Lib::Action::"ship", resource) when { principal has home && context.address.city == ` +
    `principal.home.city };`,
  'enter.office-hours': `permit(principal, action == Lib::Action::"enter", resource) when {
    context.ip.isInRange(ip("203.0.113.0/24")) && context.now >= datetime("2026-01-01") && context.now < datetime("2027-01-01")
  };`,
  'enter.by-epoch':
    `permit(principal, action == Lib::Action::"enterByEpoch", resource) when ` +
    `{ context.ip == "203.0.113.9" && context.nowMs >= 1767225600000 };`,
};

const TEMPLATES: Readonly<Record<string, string>> = {
  'delegated-view': `permit(principal in ?principal, action == Lib::Action::"viewDelegated", resource == ?resource);`,
};

export function libraryBundle(): PolicyBundle {
  const schema = schemaToJson(SCHEMA);
  if (schema.type !== 'success') throw new Error(`the fixture schema does not parse: ${schema.errors.map((e) => e.message).join('; ')}`);
  return { mode: 'library', namespace: 'Lib', schema: schema.json as Record<string, unknown>, policies: POLICIES, templates: TEMPLATES };
}

const docRoute = (segment: string, action: string, context: readonly ContextValueConfig[] = []): RouteConfig => ({
  kind: 'http',
  key: `GET /${segment}/{docId}`,
  method: 'GET',
  path: `/${segment}/{docId}`,
  action,
  resource: { type: 'Lib::Doc', pathParameter: 'docId' },
  context,
});

export const ROUTES: readonly RouteConfig[] = [
  docRoute('read', 'readDoc'),
  docRoute('team', 'viewAsTeam'),
  docRoute('org', 'viewInOrg'),
  docRoute('member', 'viewAsMember'),
  docRoute('sponsored', 'viewSponsored'),
  docRoute('tagged', 'viewTagged'),
  docRoute('cleared', 'viewCleared'),
  docRoute('delegated', 'viewDelegated'),
  {
    kind: 'http',
    key: 'GET /colors/{color}',
    method: 'GET',
    path: '/colors/{color}',
    action: 'pickColor',
    resource: { type: 'Lib::Color', pathParameter: 'color' },
    context: [],
  },
  docRoute('buy', 'buy', [{ name: 'amount', source: 'header', key: 'X-Amount', type: 'decimal', required: true }]),
  docRoute('visit', 'visit', [
    { name: 'from', source: 'header', key: 'X-From', type: 'ipaddr', required: true },
    { name: 'at', source: 'query', key: 'at', type: 'datetime', required: true },
    { name: 'wait', source: 'header', key: 'X-Wait', type: 'duration', required: true },
  ]),
  docRoute('ship', 'ship', [
    { name: 'address', source: 'header', key: 'X-Address', type: '{ city: String, zip?: String }', required: true },
  ]),
  docRoute('enter', 'enter', [
    { name: 'ip', source: 'request', key: 'sourceIp', type: 'ipaddr', required: true },
    { name: 'now', source: 'request', key: 'requestTime', type: 'datetime', required: true },
  ]),
  docRoute('enter-epoch', 'enterByEpoch', [
    { name: 'ip', source: 'request', key: 'sourceIp', type: 'String', required: true },
    { name: 'nowMs', source: 'request', key: 'requestTime', type: 'Long', required: true },
  ]),
];

export interface ModeOptions {
  /** @default 'local' */
  readonly engine?: EngineKind;
  readonly maxDepth?: number;
  readonly maxEntities?: number;
  readonly attributeSource?: ModeConfig['claims']['principal']['attributeSource'];
  readonly clearanceEncoding?: 'json' | 'text';
  readonly decisionTtlSeconds?: number;
  readonly entityTtlSeconds?: number;
  readonly linkTtlSeconds?: number;
  readonly api?: ModeConfig['api'];
}

/** The mode as `modes/library.yaml` would generate it: Cognito id tokens, a REST request authorizer, the local engine. */
export function libraryMode(options: ModeOptions = {}): ModeConfig {
  const text = { required: false, encoding: 'text' } as const;
  return {
    name: 'library',
    api: options.api ?? { type: 'rest', authorizer: 'request', tokenHeader: 'Authorization' },
    identitySource: { kind: 'cognito', userPoolId: 'eu-west-1_LibPool01', clientIds: ['libraryapp01'], tokenUse: 'id' },
    claims: {
      principal: { entityType: 'Lib::User', idClaim: 'sub', attributeSource: options.attributeSource ?? { kind: 'token' } },
      attributes: [
        { claim: 'custom:clearance', attribute: 'clearance', type: 'Long', required: false, encoding: options.clearanceEncoding ?? 'text' },
        { claim: 'custom:limit', attribute: 'limit', type: 'decimal', ...text },
        { claim: 'custom:office', attribute: 'office', type: 'ipaddr', ...text },
        { claim: 'custom:since', attribute: 'since', type: 'datetime', ...text },
        { claim: 'custom:grace', attribute: 'grace', type: 'duration', ...text },
        { claim: 'custom:home', attribute: 'home', type: '{ city: String, zip?: String }', ...text },
        { claim: 'custom:dept', attribute: 'dept', type: 'String', required: false, encoding: 'json' },
      ],
      groups: { claim: 'cognito:groups', entityType: 'Lib::Team' },
      tenant: { claim: 'custom:tenant', entityType: 'Lib::Tenant', asParent: true },
    },
    routes: ROUTES,
    cache: { ttlSeconds: options.decisionTtlSeconds ?? 0, decisionCacheSize: 1000 },
    // Generous: the suites run in parallel with others on a busy machine, and a time-out here would be a 401 or a Deny.
    timeouts: { engineMs: 10_000, jwksMs: 10_000, entityStoreMs: 10_000 },
    engine:
      options.engine === 'avp' ? { kind: 'avp', policyStore: { id: POLICY_STORE }, maxRetries: 0 } : { kind: 'local', policyStore: 'none' },
    tenancy: { kind: 'single' },
    entityStore: {
      table: ENTITY_TABLE,
      tableEnv: 'ENTITY_TABLE',
      keyAttribute: 'uid',
      cacheTtlSeconds: options.entityTtlSeconds ?? 0,
      maxDepth: options.maxDepth ?? 6,
      maxEntities: options.maxEntities ?? 200,
    },
    // AVP keeps template links in its policy store; only a local-engine mode reads them from a table.
    templateLinks:
      options.engine === 'avp'
        ? { kind: 'none' }
        : {
            kind: 'table',
            table: LINK_TABLE,
            tableEnv: 'TEMPLATE_LINK_TABLE',
            keyAttribute: 'uid',
            cacheTtlSeconds: options.linkTtlSeconds ?? 0,
          },
    actionEntityType: 'Lib::Action',
  };
}

const uid = (type: string, id: string) => ({ type: `Lib::${type}`, id });
const ref = (type: string, id: string) => ({ __entity: uid(type, id) });

/**
 * Teams: g-eng-backend in g-eng in g-all. Orgs: acme-research in acme-rd in acme; tenant t1 in acme. Extension values
 * are stored as plain strings (the schema types them) except d-visit's window, stored in the explicit form.
 */
export const ENTITIES: readonly EntityJson[] = [
  { uid: uid('Team', 'g-eng-backend'), attrs: {}, parents: [uid('Team', 'g-eng')] },
  { uid: uid('Team', 'g-eng'), attrs: {}, parents: [uid('Team', 'g-all')] },
  { uid: uid('Team', 'g-all'), attrs: {}, parents: [] },
  { uid: uid('Tenant', 't1'), attrs: {}, parents: [uid('Org', 'acme')] },
  { uid: uid('Org', 'acme'), attrs: { budget: '50000.00' }, parents: [] },
  { uid: uid('Org', 'acme-rd'), attrs: {}, parents: [uid('Org', 'acme')] },
  { uid: uid('Org', 'acme-research'), attrs: {}, parents: [uid('Org', 'acme-rd')] },
  { uid: uid('Org', 'rich'), attrs: { budget: '5000.0' }, parents: [] },
  { uid: uid('Org', 'poor'), attrs: { budget: '10.5' }, parents: [] },
  { uid: uid('Org', 'elsewhere'), attrs: {}, parents: [] },
  { uid: uid('Doc', 'd-plain'), attrs: {}, parents: [uid('Org', 'elsewhere')] },
  { uid: uid('Doc', 'd-research'), attrs: {}, parents: [uid('Org', 'acme-research')] },
  { uid: uid('Doc', 'd-alice'), attrs: { owner: ref('User', 'alice') }, parents: [] },
  { uid: uid('Doc', 'd-rich'), attrs: { sponsor: ref('Org', 'rich') }, parents: [] },
  { uid: uid('Doc', 'd-poor'), attrs: { sponsor: ref('Org', 'poor') }, parents: [] },
  { uid: uid('Doc', 'd-public'), attrs: {}, parents: [], tags: { classification: 'public' } },
  { uid: uid('Doc', 'd-secret'), attrs: {}, parents: [], tags: { classification: 'secret' } },
  { uid: uid('Doc', 'd-priced'), attrs: { price: '19.99' }, parents: [] },
  {
    uid: uid('Doc', 'd-visit'),
    attrs: { network: '10.1.0.0/16', published: '2026-03-01T09:00:00Z', window: { __extn: { fn: 'duration', arg: '30d' } } },
    parents: [],
  },
];

export interface LibraryWorld {
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  /** Holds the store POLICY_STORE, seeded from the library bundle. */
  readonly avp: LocalAvpEndpoint;
  readonly verifiedPermissions: VerifiedPermissionsClient;
  /** A signed id token of the library's Cognito pool for `sub`, with these claims laid over the protocol ones. */
  token(sub: string, claims?: Record<string, unknown>): string;
  /** Writes a principal's template links, as an operator granting a delegation at run time would. */
  putLinks(
    principal: { type: string; id: string },
    links: readonly { id: string; templateId: string; resource: { type: string; id: string } }[],
  ): Promise<void>;
  /** Writes a links item's text as it is, well-formed or not. */
  putLinksText(principal: { type: string; id: string }, text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLibraryWorld(): Promise<LibraryWorld> {
  const [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  avp.seedPolicyStore({ policyStoreId: POLICY_STORE, bundle: libraryBundle() });
  const verifiedPermissions = createLocalAvpClient(avp.url);
  await createTables(dynamo.client, [
    { name: ENTITY_TABLE, keyAttribute: 'uid' },
    { name: LINK_TABLE, keyAttribute: 'uid' },
  ]);
  await putEntities(dynamo.client, ENTITY_TABLE, ENTITIES);
  const mode = libraryMode();
  const putLinksText = async (principal: { type: string; id: string }, text: string): Promise<void> => {
    await dynamo.client.send(new PutItemCommand({ TableName: LINK_TABLE, Item: { uid: { S: entityKey(principal) }, links: { S: text } } }));
  };
  return {
    issuer,
    dynamo,
    avp,
    verifiedPermissions,
    token: (sub, claims = {}) => issuer.mint(mode, { sub, 'custom:tenant': 't1', ...claims }),
    putLinksText,
    putLinks: (principal, links) => putLinksText(principal, JSON.stringify(links)),
    close: async () => {
      verifiedPermissions.destroy();
      await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
    },
  };
}

export const API: ApiIdentity = { apiId: 'libapi', stage: 'prod' };

export interface CallOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly sourceIp?: string;
  readonly requestTimeEpochMs?: number;
  readonly now?: () => number;
  readonly telemetry?: MemoryTelemetry;
}

function incoming(path: string, token: string, options: CallOptions): IncomingRequest {
  return {
    method: 'GET',
    path,
    rawQuery: options.query ?? '',
    headers: { Authorization: `Bearer ${token}`, ...options.headers },
    sourceIp: options.sourceIp ?? '198.51.100.7',
  };
}

export function dependencies(world: LibraryWorld, options: { clock?: Clock; telemetry?: MemoryTelemetry } = {}): RuntimeDependencies {
  return {
    jwksFetcher: world.issuer.fetcher,
    dynamoDb: world.dynamo.client,
    verifiedPermissions: world.verifiedPermissions,
    env: {},
    telemetry: options.telemetry ?? new MemoryTelemetry(),
    ...(options.clock ? { clock: options.clock } : {}),
  };
}

/** The Effect of a REST REQUEST authorizer's answer, and the reason its decision line gives. */
export interface Answer {
  readonly effect: string;
  readonly reason: string | undefined;
  readonly determiningPolicies: readonly string[];
}

/** One REST REQUEST authorizer for a mode; `call` sends the event API Gateway would send for `GET path`. */
export function restClient(world: LibraryWorld, mode: ModeConfig, options: { clock?: Clock } = {}) {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({ mode, bundle: libraryBundle(), dependencies: dependencies(world, { ...options, telemetry }) });
  return {
    telemetry,
    async call(path: string, token: string, callOptions: CallOptions = {}): Promise<Answer> {
      const template = `/${path.split('/')[1] ?? ''}/{${path.startsWith('/colors/') ? 'color' : 'docId'}}`;
      const event = restRequestEvent(API, incoming(path, token, callOptions), template, {});
      if (callOptions.requestTimeEpochMs !== undefined) event.requestContext.requestTimeEpoch = callOptions.requestTimeEpochMs;
      const before = telemetry.records.length;
      const result: APIGatewayAuthorizerResult = await handler(event);
      const record = telemetry.records[before];
      return {
        effect: result.policyDocument.Statement[0]?.Effect ?? 'none',
        reason: record?.reason,
        determiningPolicies: record?.determiningPolicies ?? [],
      };
    },
  };
}

/** An HTTP API (payload 2.0) authorizer: a simple response, `isAuthorized` and its decision line's reason. */
export function httpClient(world: LibraryWorld, mode: ModeConfig) {
  const telemetry = new MemoryTelemetry();
  const handler = httpAuthorizer({ mode, bundle: libraryBundle(), dependencies: dependencies(world, { telemetry }) });
  return {
    async call(path: string, token: string, callOptions: CallOptions = {}): Promise<{ isAuthorized: boolean; reason: string | undefined }> {
      // API Gateway names the matched route template in routeKey and sends its path parameters.
      const match = new RouteTable(mode.routes).match('GET', path);
      const event = httpRequestEvent(
        API,
        { ...incoming(path, token, callOptions), headers: { authorization: `Bearer ${token}` } },
        match ? match.route.key : `GET ${path}`,
        { ...match?.pathParameters },
        [],
      );
      if (callOptions.requestTimeEpochMs !== undefined) event.requestContext.timeEpoch = callOptions.requestTimeEpochMs;
      const before = telemetry.records.length;
      const result = await handler(event);
      return { isAuthorized: result.isAuthorized, reason: telemetry.records[before]?.reason };
    },
  };
}

/** A REST TOKEN authorizer (no API Gateway cache, so it decides per method ARN): its event has no request context. */
export function tokenClient(world: LibraryWorld, mode: ModeConfig) {
  const telemetry = new MemoryTelemetry();
  const handler = restTokenAuthorizer({ mode, bundle: libraryBundle(), dependencies: dependencies(world, { telemetry }) });
  return {
    async call(path: string, token: string): Promise<{ effect: string; reason: string | undefined }> {
      const before = telemetry.records.length;
      const result = await handler(restTokenEvent(API, incoming(path, token, {}), `Bearer ${token}`));
      return { effect: result.policyDocument.Statement[0]?.Effect ?? 'none', reason: telemetry.records[before]?.reason };
    },
  };
}

/** The library as a WebSocket API whose $connect enters d-plain, reading the source IP and request time. */
export function webSocketMode(options: ModeOptions = {}): ModeConfig {
  const base = libraryMode({ ...options, api: { type: 'websocket', authorizer: 'request', tokenHeader: 'Authorization' } });
  const connect: RouteConfig = {
    kind: 'connect',
    key: '$connect',
    routeKey: '$connect',
    action: 'enter',
    resource: { type: 'Lib::Doc', id: 'd-plain' },
    context: ROUTES.find((route) => route.action === 'enter')?.context ?? [],
  };
  return { ...base, routes: [connect] };
}

/** A WebSocket $connect authorizer: REQUEST events whose request context has identity.sourceIp and requestTimeEpoch. */
export function webSocketClient(world: LibraryWorld, mode: ModeConfig) {
  const telemetry = new MemoryTelemetry();
  const handler = webSocketAuthorizer({ mode, bundle: libraryBundle(), dependencies: dependencies(world, { telemetry }) });
  return {
    async connect(token: string, callOptions: CallOptions = {}): Promise<{ effect: string; reason: string | undefined }> {
      const event = webSocketConnectEvent(API, incoming('/', token, callOptions), 'conn-1');
      if (callOptions.requestTimeEpochMs !== undefined) event.requestContext.requestTimeEpoch = callOptions.requestTimeEpochMs;
      const before = telemetry.records.length;
      const result = await handler(event);
      return { effect: result.policyDocument.Statement[0]?.Effect ?? 'none', reason: telemetry.records[before]?.reason };
    },
  };
}
