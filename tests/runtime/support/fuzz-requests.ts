// What a client sends to an API Gateway API, as the event-boundary fuzzer draws it: method, wire path, header lines and
// query pairs in arrival order (repeats and case variants kept), the token copies it carries, and the event noise.
import fc from 'fast-check';

export const API_TYPES = ['rest', 'http', 'websocket'] as const;
export type ApiType = (typeof API_TYPES)[number];

/** A token as the fuzzer names it; the test resolves it to text signed by the local issuer's keys. */
export type TokenCase =
  | { readonly kind: 'valid' | 'expired' | 'tampered' | 'unsigned' | 'wrong-client'; readonly principal: number }
  | { readonly kind: 'garbage' | 'empty' | 'oversized' };

/** How the token is spelled in front: the Bearer scheme in three casings, none at all, or another scheme. */
export const SPELLINGS = ['Bearer ', 'bearer ', 'BEARER   ', '', 'Basic '] as const;
export type Spelling = (typeof SPELLINGS)[number];

export interface TokenCopy {
  readonly token: TokenCase;
  readonly spelling: Spelling;
  /** A header line under this spelling of the name, or a query pair under exactly this name. */
  readonly in: 'header' | 'query';
  readonly name: string;
}

/**
 * How an event's REST-style header maps key a name sent in two casings: `folded` under the first spelling received
 * (local/gateway/authorizer-events.ts), `split` under each spelling (tests/runtime/ambiguous-input.test.ts). AWS does
 * not document which one it does, so both are fuzzed and both must be refused alike.
 */
export type HeaderLayout = 'folded' | 'split';

/**
 * Where the API is reached: on its execute-api domain (REST and WebSocket put the stage in the ARN; an HTTP API's
 * named stage is the first `rawPath` segment, `$default` adds none) or on a custom domain with an API mapping key,
 * which an HTTP API leaves in `rawPath` ("Map API stages to a custom domain name for HTTP APIs",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html).
 */
export type Entry =
  | { readonly kind: 'default-stage' }
  | { readonly kind: 'stage'; readonly stage: string }
  | { readonly kind: 'mapping'; readonly key: string };

/**
 * What is done to the event after the gateway built it. `exact` ones are still events the oracle predicts exactly
 * (unknown fields, `null` maps, a REST event without its route identity); `hostile` ones are events API Gateway never
 * sends (a route identity for another route, a garbled ARN, routeKeys that disagree): for those only the safety
 * property holds, that the answer is never an Allow the untouched event would not get.
 */
export const MUTATIONS = {
  rest: [
    'none',
    'extra-fields',
    'prototype-keys',
    'multi-value-null',
    'headers-null',
    'route-identity-dropped',
    'resource-swapped',
    'method-arn-garbled',
    'single-headers-null',
    'maps-disagree',
  ],
  http: ['none', 'extra-fields', 'prototype-keys', 'headers-null', 'route-key-undeclared', 'route-keys-disagree', 'path-parameters-null'],
  websocket: [
    'none',
    'extra-fields',
    'prototype-keys',
    'headers-null',
    'query-null',
    'not-connect',
    'request-context-missing',
    'single-query-null',
  ],
} as const;
export type Mutation = (typeof MUTATIONS)[ApiType][number];

export const HOSTILE_MUTATIONS: ReadonlySet<Mutation> = new Set<Mutation>([
  'resource-swapped',
  'method-arn-garbled',
  'route-key-undeclared',
  'route-keys-disagree',
  'path-parameters-null',
  'not-connect',
  'request-context-missing',
  'single-headers-null',
  'single-query-null',
  'maps-disagree',
]);

export interface FuzzRequest {
  readonly api: ApiType;
  readonly method: string;
  /** The path's segments as sent on the wire (percent-encoded), without stage or mapping key. */
  readonly segments: readonly string[];
  readonly entry: Entry;
  readonly tokens: readonly TokenCopy[];
  /** Every other header line, in order. */
  readonly headerLines: readonly (readonly [string, string])[];
  readonly queryPairs: readonly (readonly [string, string])[];
  readonly layout: HeaderLayout;
  readonly mutation: Mutation;
}

/** What the fuzzer draws paths and ids from, per API type: the mode's templates, ids of the world, and unknown ones. */
export interface RequestSpace {
  readonly api: ApiType;
  /** Path templates (`/accounts/{accountId}`) with the methods the mode declares on them (`ANY` too); unknown templates too. */
  readonly templates: readonly { readonly path: string; readonly methods: readonly string[] }[];
  /** Values a `{parameter}` takes, by parameter name; a greedy `{proxy+}` takes `proxy`'s, slashes included. */
  readonly ids: Readonly<Record<string, readonly string[]>>;
  readonly principals: number;
  readonly tokenHeader: string;
  readonly tokenQueryParameter?: string;
  /** Header lines and query pairs a route reads, by name, with the values to draw from. */
  readonly headerValues: Readonly<Record<string, readonly string[]>>;
  readonly queryValues: Readonly<Record<string, readonly string[]>>;
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

/**
 * What a client sends to an `ANY` route: every method API Gateway routes, and methods outside that list (WebDAV's
 * PROPFIND, a cache's PURGE), which an `ANY` route takes as well.
 */
const ANY_METHODS = [...OTHER_METHODS, 'PROPFIND', 'PURGE'] as const;

/**
 * A method for a template: one of its exact methods, or any method a client may send when it has an `ANY` route. Beside
 * `ANY`, an exact method is drawn half the time, so the route that wins over `ANY` is reached as often as `ANY` itself.
 */
function requestMethod(declared: readonly string[]): fc.Arbitrary<string> {
  const exact = declared.filter((method) => method !== 'ANY');
  const draws = [
    ...(exact.length > 0 ? [fc.constantFrom(...exact)] : []),
    ...(declared.includes('ANY') ? [fc.constantFrom(...ANY_METHODS)] : []),
  ];
  return fc.oneof(...draws);
}

/** `aUtHoRiZaTiOn`, `AUTHORIZATION`...: a header name in the casings clients and proxies really send. */
function casing(name: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    name,
    name.toLowerCase(),
    name.toUpperCase(),
    [...name].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join(''),
  );
}

/** A segment value percent-encoded as browsers, SDKs and curl variously do; every form decodes to the value. */
function encoded(value: string): fc.Arbitrary<string> {
  const every = (upper: boolean) =>
    [...Buffer.from(value, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .map((e) => (upper ? e.toUpperCase() : e))
      .join('');
  return fc.constantFrom(value, encodeURIComponent(value), value.replaceAll('-', '%2D'), every(true), every(false));
}

/**
 * A greedy `{proxy+}` tail: its value's `/`-separated parts as segments, each percent-encoded, or the whole value as one
 * segment whose slashes are sent encoded (`eu%2Facct-7`). The empty value leaves the path ending in `/` (`/files/`).
 */
function greedyTail(value: string): fc.Arbitrary<string[]> {
  const parts = value.split('/');
  const split = fc.tuple(...parts.map(encoded));
  if (parts.length === 1) return split;
  const whole = fc.constantFrom(encodeURIComponent(value), encodeURIComponent(value).replaceAll('%2F', '%2f'));
  return fc.oneof(
    split,
    whole.map((segment) => [segment]),
  );
}

function segmentsOf(template: string, ids: RequestSpace['ids']): fc.Arbitrary<string[]> {
  const parts = template.replace(/^\//, '').split('/');
  return fc
    .tuple(
      ...parts.map((part): fc.Arbitrary<string[]> => {
        const [, parameter, greedy] = /^\{(.+?)(\+)?\}$/.exec(part) ?? [];
        if (parameter === undefined) return fc.constant([part]);
        const pool = ids[parameter] ?? ['x'];
        return fc.constantFrom(...pool).chain((value) => (greedy ? greedyTail(value) : encoded(value).map((segment) => [segment])));
      }),
    )
    .map((groups) => groups.flat());
}

function tokenCase(principals: number): fc.Arbitrary<TokenCase> {
  const principal = fc.nat({ max: principals - 1 });
  return fc.oneof(
    { weight: 24, arbitrary: principal.map((p): TokenCase => ({ kind: 'valid', principal: p })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom('expired', 'tampered', 'unsigned', 'wrong-client') as fc.Arbitrary<'expired'>, principal)
        .map(([kind, p]): TokenCase => ({ kind, principal: p })),
    },
    { weight: 1, arbitrary: fc.constantFrom<TokenCase>({ kind: 'garbage' }, { kind: 'empty' }, { kind: 'oversized' }) },
  );
}

function tokenCopies(space: RequestSpace): fc.Arbitrary<TokenCopy[]> {
  const spelling = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Spelling>('Bearer ') },
    { weight: 3, arbitrary: fc.constantFrom(...SPELLINGS) },
  );
  const inHeader = fc.record({
    token: tokenCase(space.principals),
    spelling,
    in: fc.constant('header' as const),
    name: casing(space.tokenHeader),
  });
  const { tokenQueryParameter } = space;
  const copy =
    tokenQueryParameter === undefined
      ? inHeader
      : fc.oneof(
          { weight: 3, arbitrary: inHeader },
          {
            weight: 1,
            arbitrary: fc.record({
              token: tokenCase(space.principals),
              spelling: fc.constantFrom<Spelling>('', 'Bearer '),
              in: fc.constant('query' as const),
              name: fc.constant(tokenQueryParameter),
            }),
          },
        );
  // Mostly one copy; none, two (the same token twice, or two tokens) and three keep the refusals covered.
  return fc.oneof(
    { weight: 20, arbitrary: copy.map((c) => [c]) },
    { weight: 1, arbitrary: fc.constant<TokenCopy[]>([]) },
    {
      weight: 2,
      arbitrary: copy
        .chain((c) => fc.tuple(fc.constant(c), fc.oneof(fc.constant(c), copy), casing(space.tokenHeader)))
        .map(([a, b, name]) => [a, { ...b, name: b.in === 'header' ? name : b.name }]),
    },
    { weight: 1, arbitrary: fc.array(copy, { minLength: 3, maxLength: 3 }) },
  );
}

/** Lines a route reads (amount, currency): mostly once, sometimes absent, repeated or in two casings. */
function readLines(values: RequestSpace['headerValues']): fc.Arbitrary<[string, string][]> {
  const perName = Object.entries(values).map(([name, pool]) => {
    const line = fc.tuple(casing(name), fc.constantFrom(...pool));
    return fc.oneof(
      { weight: 10, arbitrary: line.map((l) => [l]) },
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(line, { minLength: 2, maxLength: 3 }) },
    );
  });
  return fc.tuple(...perName).map((groups) => groups.flat());
}

const NOISE_HEADERS: readonly (readonly [string, string])[] = [
  ['User-Agent', 'billing-web/1.0'],
  ['Accept', '*/*'],
  ['X-Request-Id', 'c0ffee-01'],
  ['X-Forwarded-For', '198.51.100.7, 10.0.0.1'],
  ['Cookie', 'session=abc; theme=dark'],
  ['X-Amzn-Trace-Id', 'Root=1-5759e988-bd862e3fe1be46a994272793'],
  // Names a plain-object map reads or sets as Object.prototype members.
  ['toString', 'x'],
  ['__proto__', 'p'],
];

function noiseLines(): fc.Arbitrary<[string, string][]> {
  return fc.array(
    fc.constantFrom(...NOISE_HEADERS).chain(([name, value]) => fc.tuple(casing(name), fc.constant(value))),
    { maxLength: 4 },
  );
}

function queryPairs(space: RequestSpace): fc.Arbitrary<[string, string][]> {
  const read = Object.entries(space.queryValues).map(([name, pool]) => {
    const pair = fc.tuple(fc.constant(name), fc.constantFrom(...pool));
    return fc.oneof(
      { weight: 10, arbitrary: pair.map((p) => [p]) },
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: fc.array(pair, { minLength: 2, maxLength: 3 }) },
    );
  });
  // Unknown parameters, and case variants of a read one: query names are case-sensitive, so `AccountId` is another name.
  const unknown = fc.array(
    fc.tuple(
      fc.constantFrom('page', 'utm_source', 'AccountId', 'ACCESS_TOKEN', 'x', 'constructor', '__proto__'),
      fc.constantFrom('1', 'a,b', '', 'acct-1'),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...read), unknown).map(([groups, extra]) => [...groups.flat(), ...extra]);
}

function entry(api: ApiType): fc.Arbitrary<Entry> {
  if (api !== 'http') return fc.constantFrom<Entry>({ kind: 'stage', stage: 'prod' }, { kind: 'mapping', key: 'v1' });
  return fc.constantFrom<Entry>(
    { kind: 'default-stage' },
    { kind: 'stage', stage: 'prod' },
    { kind: 'mapping', key: 'v1' },
    { kind: 'mapping', key: 'billing/v2' },
  );
}

/** A client request for the API type: token copies first, then the lines a route reads amid unrelated ones. */
export function fuzzRequest(space: RequestSpace): fc.Arbitrary<FuzzRequest> {
  const template = fc.constantFrom(...space.templates);
  const target = template.chain((t) =>
    fc.tuple(
      fc.oneof({ weight: 6, arbitrary: requestMethod(t.methods) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
      segmentsOf(t.path, space.ids),
    ),
  );
  const mutation = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Mutation>('none') },
    { weight: 3, arbitrary: fc.constantFrom<Mutation>(...MUTATIONS[space.api]) },
  );
  return fc
    .record({
      target,
      entry: entry(space.api),
      tokens: tokenCopies(space),
      read: readLines(space.headerValues),
      noise: noiseLines(),
      query: queryPairs(space),
      layout: fc.constantFrom<HeaderLayout>('folded', 'split'),
      mutation,
    })
    .map(
      (r): FuzzRequest => ({
        api: space.api,
        method: space.api === 'websocket' ? 'GET' : r.target[0],
        segments: space.api === 'websocket' ? [] : r.target[1],
        entry: r.entry,
        tokens: r.tokens,
        headerLines: [...r.noise.slice(0, 2), ...r.read, ...r.noise.slice(2)],
        queryPairs: r.query,
        layout: r.layout,
        mutation: r.mutation,
      }),
    );
}
