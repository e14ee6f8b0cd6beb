// Handler fuzzing: random events and tokens into every handler type never crash, never Allow without a valid token in the right place,
// never hang; the decision cache never Allows what a fresh handler denies.
import fc from 'fast-check';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHmacToken,
  createUnsignedToken,
  decodeToken,
  stripSignature,
  tamperPayload,
  type Claims,
} from '../../local/issuer/token-issuer.js';
import type { ModeConfig, RouteConfig } from '../../runtime/config.js';
import { MemoryTelemetry, restTokenAuthorizer, UNAUTHORIZED } from '../../runtime/index.js';
import { parseMethodArn } from '../../runtime/routes/route-table.js';
import { createTokenVerifier, type TokenVerifier } from '../../runtime/token/verify-token.js';
import {
  CUSTOMER_TOKEN_MODE,
  customerTokenEvent,
  customerTokenHandler,
  MODE_NAMES,
  MODES,
  type Handler,
  type ModeName,
  type Target,
} from './support/modes.js';
import { startWorld, type World } from './support/world.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');

/** Fixed, so a failure replays exactly; fast-check prints it with the counterexample, and the test names carry it. */
const SEED = 0x5eed_f022;
const FUZZ_RUNS = 150;
const INTERLEAVING_RUNS = 25;
const PLACEMENT_RUNS = 40;

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.close();
});

// ------------------------------------------------------------------ principals, targets and budgets per mode

const PRINCIPALS: Readonly<Record<ModeName, () => readonly Claims[]>> = {
  customer: () => [
    world.issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['viewer'], attributes: { customer: 'cust-1' } }),
    world.issuer.claimsFor(CUSTOMER, { id: 'user-3', groups: ['admin'], attributes: { customer: 'cust-1' } }),
    world.issuer.claimsFor(CUSTOMER, { id: 'user-2', groups: ['payer'], attributes: { customer: 'cust-2' } }),
  ],
  internal: () => [
    {
      ...world.issuer.claimsFor(MODES.internal.mode, { id: 'sam', groups: ['support'], attributes: { email: 'sam@billing.example' } }),
      amr: ['pwd'],
    },
    {
      ...world.issuer.claimsFor(MODES.internal.mode, {
        id: 'frank',
        groups: ['fraud', 'refunds'],
        attributes: { email: 'frank@billing.example' },
      }),
      amr: ['pwd', 'mfa'],
    },
  ],
  m2m: () => [
    world.issuer.claimsFor(MODES.m2m.mode, {
      id: 'ledgerservice01',
      attributes: { clientId: 'ledgerservice01', scopes: ['billing/events.read'] },
    }),
    world.issuer.claimsFor(MODES.m2m.mode, { id: 'reconservice03', attributes: { clientId: 'reconservice03', scopes: ['billing/read'] } }),
  ],
  'multi-tenant': () => [
    world.issuer.claimsFor(MODES['multi-tenant'].mode, {
      id: 'tina',
      tenant: 'acme-bank',
      groups: ['viewer'],
      attributes: { customer: 'cust-a1' },
    }),
    world.issuer.claimsFor(MODES['multi-tenant'].mode, {
      id: 'gary',
      tenant: 'globex',
      groups: ['admin'],
      attributes: { customer: 'cust-g1' },
    }),
  ],
};

const pay = (amount: string, approver?: string) => ({
  'X-Payment-Amount': amount,
  'X-Payment-Currency': 'EUR',
  ...(approver !== undefined ? { 'X-Approver-Id': approver } : {}),
});

/** Requests that differ only in what a decision cache key must tell apart: ids, methods, headers, query, path tenant. */
const TARGETS: Readonly<Record<ModeName, readonly Target[]>> = {
  customer: [
    { method: 'GET', path: '/accounts/acct-1' },
    { method: 'GET', path: '/accounts/acct-2' },
    { method: 'GET', path: '/accounts/acct-1/billing' },
    { method: 'POST', path: '/accounts/acct-1/billing', headers: pay('100') },
    { method: 'POST', path: '/accounts/acct-1/billing', headers: pay('1000001') },
    { method: 'POST', path: '/accounts/acct-1/billing', headers: pay('1000001', 'user-9') },
    { method: 'GET', path: '/billing/pay-1' },
    { method: 'POST', path: '/billing/pay-1/approve' },
    { method: 'POST', path: '/customers/cust-1/beneficiaries' },
    { method: 'POST', path: '/customers/cust-2/beneficiaries' },
    { method: 'DELETE', path: '/beneficiaries/ben-1' },
    { method: 'GET', path: '/beneficiaries/ben-1' },
  ],
  internal: [
    { method: 'GET', path: '/billing/pay-1' },
    { method: 'POST', path: '/billing/pay-1/refund' },
    { method: 'POST', path: '/billing/pay-2/refund' },
    { method: 'POST', path: '/accounts/acct-1/freeze' },
    { method: 'POST', path: '/accounts/acct-1/unfreeze' },
    { method: 'GET', path: '/accounts/acct-2' },
    { method: 'GET', path: '/accounts/acct-unknown' },
  ],
  m2m: [
    { method: 'GET', path: '/', query: { accountId: 'acct-1' } },
    { method: 'GET', path: '/', query: { accountId: 'acct-2' } },
    { method: 'GET', path: '/', query: { accountId: 'acct-unknown' } },
    { method: 'GET', path: '/' },
  ],
  'multi-tenant': [
    { method: 'GET', path: '/tenants/acme-bank/accounts/acct-a1' },
    { method: 'GET', path: '/tenants/globex/accounts/acct-a1' },
    { method: 'GET', path: '/tenants/globex/accounts/acct-g1' },
    { method: 'GET', path: '/tenants/acme-bank/accounts/acct-g9' },
    { method: 'POST', path: '/tenants/globex/billing/pay-g1/approve' },
    { method: 'POST', path: '/tenants/acme-bank/billing/pay-a1/approve' },
    { method: 'POST', path: '/tenants/globex/accounts/acct-g1/billing', headers: pay('100') },
    { method: 'POST', path: '/tenants/globex/accounts/acct-g1/billing', headers: pay('1000001') },
  ],
};

/** The most one request may take: a JWKS fetch, the resource and its ancestors, the tenant lookup, the engine. */
function budgetMs(mode: ModeConfig): number {
  const { jwksMs, engineMs, entityStoreMs } = mode.timeouts;
  return jwksMs + engineMs + (mode.tenancy.kind === 'multi' ? 3 : 2) * entityStoreMs;
}

// ------------------------------------------------------------------ the handlers under test

type ApiKind = 'rest-request' | 'rest-token' | 'websocket' | 'http';

interface HandlerUnderTest {
  readonly name: string;
  readonly kind: ApiKind;
  readonly mode: ModeConfig;
  /** The generated mode whose principals and targets it takes. */
  readonly of: ModeName;
  handler(telemetry: MemoryTelemetry): Handler;
  /** A well-formed event of the API type, with no token in it. */
  event(target: Target): Record<string, unknown>;
  /** Where this API type reads the token from, as a property path into its event. */
  readonly placements: readonly { readonly name: string; readonly path: readonly string[] }[];
}

/** A partner API whose routes name fixed accounts: a TOKEN authorizer cached on the token alone answers for every route. */
const PARTNER: ModeConfig = {
  ...CUSTOMER_TOKEN_MODE,
  name: 'partner',
  cache: { ttlSeconds: 300, decisionCacheSize: 100 },
  routes: [
    {
      kind: 'http',
      key: 'GET /house-account',
      method: 'GET',
      path: '/house-account',
      action: 'ViewAccount',
      resource: { type: 'Billing::Account', id: 'acct-1' },
      context: [],
    },
    {
      kind: 'http',
      key: 'GET /settlement-account',
      method: 'GET',
      path: '/settlement-account',
      action: 'ViewAccount',
      resource: { type: 'Billing::Account', id: 'acct-2' },
      context: [],
    },
  ] satisfies RouteConfig[],
};

const asRecord = (event: unknown): Record<string, unknown> => event as Record<string, unknown>;

const HANDLERS: readonly HandlerUnderTest[] = [
  {
    name: 'REST request authorizer (customer, local engine)',
    kind: 'rest-request',
    mode: CUSTOMER,
    of: 'customer',
    handler: (telemetry) => MODES.customer.handler(world, telemetry),
    event: (target) => asRecord(MODES.customer.event(target, undefined)),
    placements: [
      { name: 'Authorization header', path: ['headers', 'Authorization'] },
      { name: 'authorization header, lower case', path: ['headers', 'authorization'] },
    ],
  },
  {
    name: 'REST request authorizer (internal, AVP)',
    kind: 'rest-request',
    mode: MODES.internal.mode,
    of: 'internal',
    handler: (telemetry) => MODES.internal.handler(world, telemetry),
    event: (target) => asRecord(MODES.internal.event(target, undefined)),
    placements: [{ name: 'Authorization header', path: ['headers', 'Authorization'] }],
  },
  {
    name: 'REST token authorizer (customer, uncached)',
    kind: 'rest-token',
    mode: CUSTOMER_TOKEN_MODE,
    of: 'customer',
    handler: (telemetry) => customerTokenHandler(world, telemetry),
    event: (target) => asRecord(customerTokenEvent(target, '')),
    placements: [{ name: 'authorizationToken', path: ['authorizationToken'] }],
  },
  {
    name: 'REST token authorizer (partner, cached on the token alone)',
    kind: 'rest-token',
    mode: PARTNER,
    of: 'customer',
    handler: (telemetry) =>
      restTokenAuthorizer({ mode: PARTNER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) }) as Handler,
    event: (target) =>
      asRecord(customerTokenEvent({ method: 'GET', path: target.path.includes('acct-2') ? '/settlement-account' : '/house-account' }, '')),
    placements: [{ name: 'authorizationToken', path: ['authorizationToken'] }],
  },
  {
    name: 'WebSocket $connect authorizer (m2m)',
    kind: 'websocket',
    mode: MODES.m2m.mode,
    of: 'm2m',
    handler: (telemetry) => MODES.m2m.handler(world, telemetry),
    event: (target) => asRecord(MODES.m2m.event(target, undefined)),
    placements: [
      { name: 'Authorization header', path: ['headers', 'Authorization'] },
      { name: 'access_token query parameter', path: ['queryStringParameters', 'access_token'] },
    ],
  },
  {
    name: 'HTTP API authorizer (multi-tenant, AVP)',
    kind: 'http',
    mode: MODES['multi-tenant'].mode,
    of: 'multi-tenant',
    handler: (telemetry) => MODES['multi-tenant'].handler(world, telemetry),
    event: (target) => asRecord(MODES['multi-tenant'].event(target, undefined)),
    placements: [{ name: 'authorization header', path: ['headers', 'authorization'] }],
  },
];

// ------------------------------------------------------------------ tokens

interface TokenPools {
  readonly valid: readonly string[];
  readonly otherModes: readonly string[];
  readonly forged: readonly string[];
}

let pools: Readonly<Record<ModeName, TokenPools>>;

beforeAll(() => {
  const valid: Record<ModeName, string[]> = {
    customer: validTokens('customer'),
    internal: validTokens('internal'),
    m2m: validTokens('m2m'),
    'multi-tenant': validTokens('multi-tenant'),
  };
  const poolsFor = (name: ModeName): TokenPools => {
    const principal = PRINCIPALS[name]()[0] ?? {};
    const genuine = valid[name][0] ?? '';
    const { payload } = decodeToken(genuine);
    return {
      valid: valid[name],
      otherModes: MODE_NAMES.filter((other) => other !== name).flatMap((other) => valid[other]),
      forged: [
        createUnsignedToken(payload, { kid: world.issuer.currentKid() }),
        createHmacToken(payload, world.issuer.publicKeyPem('rsa'), { kid: world.issuer.currentKid('rsa') }),
        tamperPayload(genuine, {
          sub: 'someone-else',
          'cognito:groups': ['admin'],
          groups: ['fraud'],
          scope: 'billing/events.read',
          'custom:tenant_id': 'globex',
        }),
        stripSignature(genuine),
        world.issuer.mint(MODES[name].mode, principal, { expiresInSeconds: -1 }),
        world.issuer.mint(MODES[name].mode, principal, { header: { kid: 'no-such-kid' } }),
      ],
    };
  };
  pools = {
    customer: poolsFor('customer'),
    internal: poolsFor('internal'),
    m2m: poolsFor('m2m'),
    'multi-tenant': poolsFor('multi-tenant'),
  };
});

function validTokens(name: ModeName): string[] {
  return PRINCIPALS[name]().map((claims) => world.issuer.mint(MODES[name].mode, claims));
}

/** Claims an attacker would like to bend, for every mode at once: unknown ones are simply ignored by the others. */
const MUTABLE_CLAIMS = [
  'sub',
  'aud',
  'iss',
  'exp',
  'nbf',
  'token_use',
  'client_id',
  'scope',
  'cognito:groups',
  'groups',
  'custom:customer_id',
  'custom:tenant_id',
  'email',
  'amr',
  '__proto__',
  'constructor',
] as const;

const jsonValue = fc.jsonValue({ maxDepth: 2 });

/** A genuinely signed token of the mode whose one claim holds a random JSON value. */
function mutatedToken(of: ModeName): fc.Arbitrary<string> {
  return fc
    .record({
      principal: fc.nat(),
      claim: fc.constantFrom(...MUTABLE_CLAIMS),
      value: fc.oneof(jsonValue, fc.constantFrom('admin', ['admin'], 'globex', 'billing/events.read', '', 0, -1)),
    })
    .map(({ principal, claim, value }) => {
      const principals = PRINCIPALS[of]();
      return world.issuer.mint(MODES[of].mode, { ...principals[principal % principals.length], [claim]: value });
    });
}

const segment = fc.base64String({ maxLength: 40 }).map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));

/** Any token an attacker can send: genuine, bent, another mode's, forged, or noise. */
function tokenArbitrary(of: ModeName): fc.Arbitrary<string> {
  const pool = (): TokenPools => pools[of];
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((i) => pool().valid[i % pool().valid.length] ?? '') },
    { weight: 3, arbitrary: mutatedToken(of) },
    { weight: 1, arbitrary: fc.nat().map((i) => pool().otherModes[i % pool().otherModes.length] ?? '') },
    { weight: 2, arbitrary: fc.nat().map((i) => pool().forged[i % pool().forged.length] ?? '') },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string(),
        fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
        fc.constant(''),
        fc.constant('A'.repeat(20_000)),
      ),
    },
  );
}

/** How the raw token is written; `accepted` says whether a Bearer token written so may be honoured at all. */
const FORMATS = [
  { name: 'Bearer', write: (t: string) => `Bearer ${t}`, accepted: true },
  { name: 'bearer', write: (t: string) => `bearer ${t}`, accepted: true },
  { name: 'Bearer, tab, trailing spaces', write: (t: string) => `Bearer\t${t}  `, accepted: true },
  { name: 'bare', write: (t: string) => t, accepted: true },
  { name: 'Basic', write: (t: string) => `Basic ${t}`, accepted: false },
  { name: 'two bearers', write: (t: string) => `Bearer ${t},Bearer ${t}`, accepted: false },
] as const;

// ------------------------------------------------------------------ events

interface FuzzCase {
  readonly event: unknown;
  /** The token, when it sits where this API type reads it and is written in an accepted format. */
  readonly honoured?: string;
  readonly description: string;
}

/** Paths a mutation may delete or overwrite, per API type. */
const MUTATION_PATHS: Readonly<Record<ApiKind, readonly (readonly string[])[]>> = {
  'rest-request': [
    ['methodArn'],
    ['headers'],
    ['queryStringParameters'],
    ['requestContext'],
    ['httpMethod'],
    ['path'],
    ['type'],
    ['pathParameters'],
    ['multiValueHeaders'],
  ],
  'rest-token': [['methodArn'], ['authorizationToken'], ['type']],
  websocket: [
    ['methodArn'],
    ['headers'],
    ['queryStringParameters'],
    ['requestContext'],
    ['requestContext', 'routeKey'],
    ['requestContext', 'eventType'],
  ],
  http: [
    ['headers'],
    ['rawPath'],
    ['requestContext'],
    ['requestContext', 'http'],
    ['requestContext', 'http', 'method'],
    ['requestContext', 'stage'],
    ['routeKey'],
    ['queryStringParameters'],
    ['identitySource'],
  ],
};

const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:api-id/prod';
const methodArnArbitrary = fc.oneof(
  fc.string(),
  fc
    .tuple(fc.constantFrom('GET', 'POST', 'DELETE', '*', 'get', ''), fc.webPath())
    .map(([method, path]) => `${ARN}/${method}${path.startsWith('/') ? path : `/${path}`}`),
  fc.constantFrom(
    `${ARN}/GET/accounts/*`,
    `${ARN}/*/*`,
    `${ARN}/GET/accounts/acct-1/../acct-2`,
    `${ARN}/$connect`,
    `${ARN}/GET/accounts/acct-1%2F..%2Facct-2`,
  ),
);

const mutationValue = fc.oneof(jsonValue, methodArnArbitrary, fc.constant(null));

/** Where a token sits that the API type must NOT read: a look-alike header, a prototype key, multi-value only, the query, the path. */
function hide(kind: ApiKind, event: Record<string, unknown>, value: string, where: number): string {
  const headers = (event['headers'] ?? {}) as Record<string, unknown>;
  const hiding: readonly { name: string; apply: () => void }[] = [
    { name: 'X-Authorization header', apply: () => (event['headers'] = { ...headers, 'X-Authorization': value }) },
    {
      name: 'headers.__proto__',
      apply: () => (event['headers'] = JSON.parse(`{"__proto__":{"Authorization":${JSON.stringify(value)}},"Host":"h"}`)),
    },
    { name: 'multiValueHeaders only', apply: () => (event['multiValueHeaders'] = { Authorization: [value] }) },
    { name: 'pathParameters', apply: () => (event['pathParameters'] = { Authorization: value }) },
    { name: 'a header named with a trailing space', apply: () => (event['headers'] = { ...headers, 'Authorization ': value }) },
    ...(kind !== 'websocket'
      ? [{ name: 'access_token query parameter', apply: () => (event['queryStringParameters'] = { access_token: value }) }]
      : []),
    ...(kind === 'rest-token'
      ? [{ name: 'Authorization header of a TOKEN event', apply: () => (event['headers'] = { Authorization: value }) }]
      : []),
    ...(kind === 'http' ? [{ name: 'identitySource only', apply: () => (event['identitySource'] = [value]) }] : []),
  ];
  const chosen = hiding[where % hiding.length];
  chosen?.apply();
  return chosen?.name ?? 'nowhere';
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown, remove: boolean): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (node === null || typeof node !== 'object' || last === undefined) return;
  if (remove) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = value;
}

function caseArbitrary(h: HandlerUnderTest): fc.Arbitrary<FuzzCase> {
  const targets = TARGETS[h.of];
  const wellFormed = fc
    .record({
      target: fc.nat({ max: targets.length - 1 }),
      token: tokenArbitrary(h.of),
      format: fc.nat({ max: FORMATS.length - 1 }),
      placement: fc.oneof(
        { weight: 3, arbitrary: fc.nat({ max: h.placements.length - 1 }).map((i) => ({ proper: i })) },
        { weight: 1, arbitrary: fc.nat().map((i) => ({ hidden: i })) },
        { weight: 1, arbitrary: fc.constant({ none: true }) },
      ),
      mutations: fc.array(fc.record({ path: fc.constantFrom(...MUTATION_PATHS[h.kind]), remove: fc.boolean(), value: mutationValue }), {
        maxLength: 3,
      }),
      extraHeaders: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
    })
    .map(({ target, token, format, placement, mutations, extraHeaders }): FuzzCase => {
      const event = structuredClone(h.event(targets[target] ?? { method: 'GET', path: '/' }));
      const written = FORMATS[format] ?? FORMATS[0];
      const value = written.write(token);
      if (h.kind !== 'rest-token') event['headers'] = { ...extraHeaders, ...(event['headers'] as Record<string, unknown>) };
      if (h.kind === 'rest-token') delete event['authorizationToken'];
      let where = 'no token';
      let tokenPath: readonly string[] | undefined;
      if ('proper' in placement) {
        const chosen = h.placements[placement.proper] ?? h.placements[0];
        if (chosen) {
          const [container] = chosen.path;
          // A WebSocket event without a query string has `queryStringParameters: null`: give the token a record to sit in.
          if (chosen.path.length > 1 && container !== undefined && (event[container] === null || typeof event[container] !== 'object'))
            event[container] = {};
          setPath(event, chosen.path, value, false);
          tokenPath = chosen.path;
          where = chosen.name;
        }
      } else if ('hidden' in placement) {
        where = `hiding: ${hide(h.kind, event, value, placement.hidden)}`;
      }
      for (const { path, remove, value: replacement } of mutations) setPath(event, path, replacement, remove);
      // A mutation of the token's own container (or the token itself) leaves no token where the handler reads it.
      const touched = tokenPath !== undefined && mutations.some(({ path }) => path.every((key, index) => tokenPath?.[index] === key));
      const honoured = tokenPath !== undefined && !touched && written.accepted ? token : undefined;
      const mutationList = JSON.stringify(mutations.map((m) => `${m.remove ? 'delete' : 'set'} ${m.path.join('.')}`));
      const description = `${written.name} token in ${where}${touched ? ' (then mutated)' : ''}, mutations ${mutationList}`;
      return { event, ...(honoured !== undefined ? { honoured } : {}), description };
    });
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 2 }).map((event): FuzzCase => ({ event, description: 'an arbitrary value as the event' })),
    },
    { weight: 6, arbitrary: wellFormed },
  );
}

// ------------------------------------------------------------------ checks

type Settled = { readonly value: unknown } | { readonly error: unknown } | { readonly hang: true };

async function timed(call: () => Promise<unknown>, budget: number): Promise<{ settled: Settled; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ hang: true }), budget + 1000);
  });
  const settled = await Promise.race([
    call().then(
      (value): Settled => ({ value }),
      (error: unknown): Settled => ({ error }),
    ),
    hang,
  ]);
  clearTimeout(timer);
  return { settled, ms: performance.now() - started };
}

const oracles = new Map<string, TokenVerifier>();

/** An independent verifier for the mode: an Allow is only legitimate for a token it accepts. */
async function oracleClaims(mode: ModeConfig, token: string): Promise<Claims | undefined> {
  let verifier = oracles.get(mode.name);
  if (!verifier) {
    verifier = createTokenVerifier(mode.identitySource, { jwksTimeoutMs: mode.timeouts.jwksMs, fetcher: world.issuer.fetcher, env: {} });
    oracles.set(mode.name, verifier);
  }
  return verifier.verify(token).then(
    ({ claims }) => ({ ...claims }),
    () => undefined,
  );
}

function isContext(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
  );
}

/** Fails (throws) unless the answer is well formed and any Allow rests on a valid, honoured token for exactly the request. */
async function checkAnswer(h: HandlerUnderTest, c: FuzzCase, settled: Settled): Promise<void> {
  expect(settled).not.toHaveProperty('hang');
  const methodArn =
    c.event !== null && typeof c.event === 'object' && typeof (c.event as Record<string, unknown>)['methodArn'] === 'string'
      ? String((c.event as Record<string, unknown>)['methodArn'])
      : '';
  let allowedPrincipal: string | undefined;

  if (h.kind === 'http') {
    expect(settled).toHaveProperty('value');
    const answer = (settled as { value: { isAuthorized: unknown; context: unknown } }).value;
    expect(Object.keys(answer).sort()).toEqual(['context', 'isAuthorized']);
    expect(typeof answer.isAuthorized).toBe('boolean');
    expect(isContext(answer.context)).toBe(true);
    if (answer.isAuthorized === true) allowedPrincipal = String((answer.context as Record<string, unknown>)['principalId']);
  } else {
    if ('error' in settled) {
      expect(settled.error).toBeInstanceOf(Error);
      expect((settled.error as Error).message).toBe(UNAUTHORIZED);
      return;
    }
    const answer = (settled as { value: APIGatewayAuthorizerResult }).value;
    expect(typeof answer.principalId).toBe('string');
    expect(isContext(answer.context)).toBe(true);
    expect(answer.policyDocument.Version).toBe('2012-10-17');
    expect(answer.policyDocument.Statement).toHaveLength(1);
    const [statement] = answer.policyDocument.Statement;
    const resources: string[] = statement && 'Resource' in statement && statement.Resource !== undefined ? [statement.Resource].flat() : [];
    expect(statement).toMatchObject({ Action: 'execute-api:Invoke' });
    if (statement?.Effect === 'Deny') {
      expect(resources).toEqual([methodArn || '*']);
    } else {
      expect(statement?.Effect).toBe('Allow');
      allowedPrincipal = answer.principalId;
      for (const resource of resources) expect(resource).not.toContain('*');
      if (h.mode.cache.ttlSeconds > 0 && h.kind === 'rest-token') {
        // One answer for every route of the token: each one spelled out under the request's own API and stage.
        const base = parseMethodArn(methodArn)?.base ?? '(no base)';
        for (const resource of resources) expect(resource.startsWith(`${base}/`)).toBe(true);
      } else {
        expect(resources).toEqual([methodArn]);
      }
    }
  }

  if (allowedPrincipal !== undefined) {
    // An Allow needs a token in the place this API type reads it, written as a bearer token, that verifies on its own.
    expect(c.honoured, `Allow without an honoured token: ${c.description}`).toBeDefined();
    const claims = c.honoured !== undefined ? await oracleClaims(h.mode, c.honoured) : undefined;
    expect(claims, `Allow for a token the verifier refuses: ${c.description}`).toBeDefined();
    expect(allowedPrincipal).toBe(claims?.[h.mode.claims.principal.idClaim]);
  }
}

describe(`handler fuzzing (seed ${SEED})`, () => {
  it.each(HANDLERS)(
    `$name: ${FUZZ_RUNS} random events answer exactly Unauthorized or a ` +
      `well-formed policy, Allow only for a valid token, within the budget`,
    async (h) => {
      const telemetry = new MemoryTelemetry();
      const handler = h.handler(telemetry);
      const budget = budgetMs(h.mode);
      let allows = 0;

      await fc.assert(
        fc.asyncProperty(caseArbitrary(h), async (c) => {
          const { settled, ms } = await timed(() => handler(c.event), budget);

          await checkAnswer(h, c, settled);
          expect(ms).toBeLessThanOrEqual(budget);
          if (
            'value' in settled &&
            ((settled.value as { isAuthorized?: unknown }).isAuthorized === true ||
              (settled.value as APIGatewayAuthorizerResult).policyDocument?.Statement[0]?.Effect === 'Allow')
          )
            allows += 1;
        }),
        { numRuns: FUZZ_RUNS, seed: SEED },
      );

      // Not vacuous: genuine tokens in the right place were allowed, and the runs reached the handler's telemetry.
      expect(allows).toBeGreaterThan(0);
      expect(telemetry.records.length).toBeGreaterThanOrEqual(FUZZ_RUNS);
    },
  );
});

describe(`genuine tokens out of place (seed ${SEED})`, () => {
  it.each(HANDLERS)(
    `$name: ${PLACEMENT_RUNS} genuine tokens hidden where this API type does not read them are never honoured`,
    async (h) => {
      const handler = h.handler(new MemoryTelemetry());
      const targets = TARGETS[h.of];

      await fc.assert(
        fc.asyncProperty(
          fc.record({
            token: fc.nat(),
            target: fc.nat({ max: targets.length - 1 }),
            where: fc.nat(),
            format: fc.nat({ max: FORMATS.length - 1 }),
          }),
          async ({ token, target, where, format }) => {
            const event = structuredClone(h.event(targets[target] ?? { method: 'GET', path: '/' }));
            if (h.kind === 'rest-token') delete event['authorizationToken'];
            const valid = pools[h.of].valid;
            const hiding = hide(h.kind, event, (FORMATS[format] ?? FORMATS[0]).write(valid[token % valid.length] ?? ''), where);

            const { settled } = await timed(() => handler(event), budgetMs(h.mode));

            await checkAnswer(h, { event, description: `a genuine token hidden in ${hiding}` }, settled);
          },
        ),
        { numRuns: PLACEMENT_RUNS, seed: SEED },
      );
    },
  );
});

// ------------------------------------------------------------------ the decision cache against a fresh handler

type Effect = 'allow' | 'deny' | 'unauthorized';

async function effectOf(kind: 'rest' | 'http' | 'websocket', answer: Promise<unknown>): Promise<Effect> {
  try {
    const value = await answer;
    if (kind === 'http') return (value as { isAuthorized: boolean }).isAuthorized ? 'allow' : 'deny';
    return (value as APIGatewayAuthorizerResult).policyDocument.Statement[0]?.Effect === 'Allow' ? 'allow' : 'deny';
  } catch (error) {
    if (error instanceof Error && error.message === UNAUTHORIZED) return 'unauthorized';
    throw error;
  }
}

describe(`the decision cache never allows what a fresh handler denies (seed ${SEED})`, () => {
  it.each(MODE_NAMES)(
    `%s: ${INTERLEAVING_RUNS} random interleavings of genuine tokens and requests through one cached handler`,
    async (name) => {
      const m = MODES[name];
      // m2m caches nothing by default: turn its cache on, so its key (the query's account id) is put to the test too.
      const cached: ModeConfig = { ...m.mode, cache: { ...m.mode.cache, ttlSeconds: Math.max(m.mode.cache.ttlSeconds, 60) } };
      const fresh: ModeConfig = { ...m.mode, cache: { ...m.mode.cache, ttlSeconds: 0 } };
      const reference = m.handler(world, new MemoryTelemetry(), fresh);
      const tokens = pools[name].valid;
      const targets = TARGETS[name];
      let cacheHits = 0;

      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ token: fc.nat({ max: tokens.length - 1 }), target: fc.nat({ max: targets.length - 1 }) }), {
            minLength: 2,
            maxLength: 20,
          }),
          async (steps) => {
            const telemetry = new MemoryTelemetry();
            const handler = m.handler(world, telemetry, cached);
            for (const step of steps) {
              const event = m.event(targets[step.target] ?? { method: 'GET', path: '/' }, `Bearer ${tokens[step.token] ?? ''}`);
              const viaCache = await effectOf(m.mode.api.type, handler(event));
              const viaFresh = await effectOf(m.mode.api.type, reference(event));
              if (viaCache === 'allow') expect(viaFresh, `${JSON.stringify(step)} allowed from the cache`).toBe('allow');
            }
            cacheHits += telemetry.records.filter((r) => r.cacheHit).length;
          },
        ),
        { numRuns: INTERLEAVING_RUNS, seed: SEED },
      );

      // Not vacuous: the cached handler did answer from its cache.
      expect(cacheHits).toBeGreaterThan(0);
    },
  );
});
