// fast-check arbitraries for the differential tests: random lab entity graphs that conform to the schema (with a few
// deliberate exceptions), and one principal's requests against each graph.
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import type { AuthorizationRequest, TemplateLinkRecord } from '../../runtime/engine/decision.js';
import { ACTIONS, LEVELS, context, dataset, lab, team, user, type ContextFacts, type LabAction } from './lab-world.js';

/** Ordered: a team's parents come after it, so every generated hierarchy is acyclic. */
// Small on purpose: every engine parses the whole graph for every request, and the teams, people and datasets the
// policies and links name are all here.
export const TEAM_IDS = ['ml', 'ops', 'audit', 'archive', 'research'] as const;
export const USER_IDS = ['alice', 'bob', 'dora', 'eve'] as const;
export const DATASET_IDS = ['d0', 'd1', 'd2'] as const;
const IPS = ['10.1.2.3', '10.200.0.1', '192.168.7.7', '172.16.0.9', '::1', 'fe80::1'] as const;
const SUBNETS = ['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12', '::1/128'] as const;
const DECIMALS = ['0.0', '1.5', '250.5', '250.5001', '-3.25', '9999.9999'] as const;
const DATETIMES = [
  '2025-01-10T00:00:00Z',
  '2026-01-10T00:00:00Z',
  '2026-01-19T23:59:59Z',
  '2026-01-20',
  '2026-01-10T05:00:00.250+0100',
] as const;
const DURATIONS = ['1h', '1h1s', '10d', '-2d', '90m', '1d2h3m4s5ms'] as const;
/** 2^62 doubles to 2^63: lab.forbid-owner-outranked overflows, on purpose. */
const CLEARANCES = [0, 1, 2, 3, 5, -1, 2 ** 62, -(2 ** 62)] as const;
const PROJECTS = ['atlas', 'hermes'] as const;
const LABELS = ['open', 'survey', 'raw'] as const;

/** Three link sets, one per policy store, so the local engine's link LRU holds several sets at once. */
export const LINK_SETS: readonly (readonly TemplateLinkRecord[])[] = [
  [],
  [
    { id: 'link-bob-archive', templateId: 'lab.delegate-read', principal: lab('User', 'bob'), resource: lab('Team', 'archive') },
    { id: 'link-audit-archive', templateId: 'lab.audit-read', principal: lab('User', 'unused'), resource: lab('Team', 'archive') },
  ],
  [
    { id: 'link-eve-research', templateId: 'lab.delegate-read', principal: lab('User', 'eve'), resource: lab('Team', 'research') },
    { id: 'link-ops-write-d1', templateId: 'lab.grant-write', principal: lab('Team', 'ops'), resource: lab('Dataset', 'd1') },
    { id: 'link-audit-d2', templateId: 'lab.audit-read', principal: lab('User', 'unused'), resource: lab('Dataset', 'd2') },
  ],
];

/** How a request or a whole graph departs from the schema, on purpose: every engine must refuse it. */
export type Departure =
  | 'none'
  | 'context-missing-attribute'
  | 'context-extra-attribute'
  | 'enum-outside'
  | 'principal-type'
  | 'undeclared-attribute';

export interface Scenario {
  readonly linkSet: number;
  /** Every request names this principal, so a scenario is one BatchIsAuthorized. */
  readonly principal: string;
  readonly entities: readonly EntityJson[];
  /** Set when the graph itself does not conform: every request is refused. */
  readonly graphDeparture: Departure;
  /** Conform to the schema (unless the graph does not): decided as one batch. */
  readonly requests: readonly AuthorizationRequest[];
  /** Each departs from the schema: decided one by one, each refused. */
  readonly refusals: readonly AuthorizationRequest[];
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const subset = <T>(values: readonly T[]) => fc.subarray([...values]);

/** An extension value in either form the schema accepts: Cedar's explicit `__extn`, or a plain string. */
function extensionArb(fn: 'decimal' | 'ip' | 'datetime' | 'duration', values: readonly string[]): fc.Arbitrary<CedarValueJson> {
  return fc.tuple(pick(values), fc.boolean()).map(([arg, plain]) => (plain ? arg : { __extn: { fn, arg } }));
}

const tagsArb = fc.option(
  fc
    .record({ project: pick(PROJECTS) }, { requiredKeys: [] })
    .chain((tags) => fc.option(pick(LABELS)).map((extra) => (extra ? { ...tags, note: extra } : tags))),
  { nil: undefined },
);

function userArb(id: string): fc.Arbitrary<EntityJson> {
  return fc
    .record({
      clearance: pick(CLEARANCES),
      level: pick(LEVELS),
      building: pick(['north', 'south']),
      floor: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      trusted: fc.array(extensionArb('ip', IPS), { maxLength: 3 }),
      manager: fc.option(pick(USER_IDS), { nil: undefined }),
      teams: subset(TEAM_IDS),
      tags: tagsArb,
    })
    .map((f) => {
      const base = user(id, {
        clearance: f.clearance,
        level: f.level,
        office: f.floor === undefined ? { building: f.building } : { building: f.building, floor: f.floor },
        ...(f.manager !== undefined ? { manager: f.manager } : {}),
        teams: f.teams,
        ...(f.tags !== undefined ? { tags: f.tags } : {}),
      });
      return { ...base, attrs: { ...base.attrs, trusted: f.trusted } };
    });
}

function datasetArb(id: string): fc.Arbitrary<EntityJson> {
  return fc
    .record({
      owner: pick([...USER_IDS, 'ghost']),
      level: pick(LEVELS),
      budget: extensionArb('decimal', DECIMALS),
      created: extensionArb('datetime', DATETIMES),
      retention: extensionArb('duration', DURATIONS),
      subnet: extensionArb('ip', SUBNETS),
      labels: subset(LABELS),
      source: pick(['survey', 'census']),
      version: fc.integer({ min: 0, max: 9 }),
      teams: subset(TEAM_IDS),
      tags: tagsArb,
    })
    .map((f) => {
      const base = dataset(id, {
        owner: f.owner,
        level: f.level,
        labels: f.labels,
        meta: { source: f.source, version: f.version },
        teams: f.teams,
        ...(f.tags !== undefined ? { tags: f.tags } : {}),
      });
      return { ...base, attrs: { ...base.attrs, budget: f.budget, created: f.created, retention: f.retention, subnet: f.subnet } };
    });
}

/** Each team's parents come from the teams after it. */
const teamsArb: fc.Arbitrary<EntityJson[]> = fc.tuple(
  ...TEAM_IDS.map((id, index) => subset(TEAM_IDS.slice(index + 1)).map((parents) => team(id, parents))),
);

const contextFactsArb: fc.Arbitrary<ContextFacts> = fc.record(
  {
    ip: pick(IPS),
    now: pick(DATETIMES),
    mfa: fc.boolean(),
    client: fc.record({ app: pick(['console', 'cli']), version: fc.integer({ min: 0, max: 9 }) }),
    amount: pick(DECIMALS),
    window: pick(DURATIONS),
  },
  { requiredKeys: ['ip', 'now', 'mfa', 'client'] },
);

/** Context values as plain strings where the schema declares an extension type: Cedar reads both forms. */
function plainContext(action: LabAction, facts: ContextFacts): Record<string, CedarValueJson> {
  const explicit = context(action, facts);
  return Object.fromEntries(Object.entries(explicit).map(([key, value]) => [key, isExtension(value) ? value.__extn.arg : value]));
}

function isExtension(value: CedarValueJson): value is { __extn: { fn: string; arg: string } } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && '__extn' in value;
}

const requestSpecArb = fc.record({
  action: pick(ACTIONS),
  dataset: pick(DATASET_IDS),
  level: pick(LEVELS),
  facts: contextFactsArb,
  plain: fc.boolean(),
});

type RequestSpec = typeof requestSpecArb extends fc.Arbitrary<infer T> ? T : never;

function toRequest(principal: string, entities: readonly EntityJson[], spec: RequestSpec): AuthorizationRequest {
  const resource: TypeAndId = spec.action === 'classify' ? lab('Level', spec.level) : lab('Dataset', spec.dataset);
  const ctx = spec.plain ? plainContext(spec.action, spec.facts) : context(spec.action, spec.facts);
  return { principal: lab('User', principal), action: lab('Action', spec.action), resource, context: ctx, entities };
}

const REQUEST_DEPARTURES = [
  'context-missing-attribute',
  'context-extra-attribute',
  'enum-outside',
  'principal-type',
] as const satisfies readonly Departure[];

function depart(request: AuthorizationRequest, departure: (typeof REQUEST_DEPARTURES)[number]): AuthorizationRequest {
  switch (departure) {
    case 'context-missing-attribute': {
      const { client: _client, ...rest } = request.context;
      return { ...request, context: rest };
    }
    case 'context-extra-attribute':
      return { ...request, context: { ...request.context, badge: 'visitor' } };
    case 'enum-outside':
      return { ...request, action: lab('Action', 'classify'), resource: lab('Level', 'purple'), context: context('classify') };
    case 'principal-type':
      return { ...request, principal: lab('Team', 'ml') };
  }
}

/**
 * One graph, one principal, `requestsPerScenario` conforming requests and up to two departing ones. About one graph in
 * twenty-five carries an attribute the schema does not declare, and some entities are left out of the list (a missing
 * team cuts a hierarchy silently; a missing owner makes a policy error).
 */
export function scenarioArb(requestsPerScenario: number): fc.Arbitrary<Scenario> {
  return fc
    .record({
      linkSet: fc.integer({ min: 0, max: LINK_SETS.length - 1 }),
      principal: pick(USER_IDS),
      teams: teamsArb,
      users: fc.tuple(...USER_IDS.map(userArb)),
      datasets: fc.tuple(...DATASET_IDS.map(datasetArb)),
      dropped: fc.array(fc.integer({ min: 0, max: TEAM_IDS.length + USER_IDS.length + DATASET_IDS.length - 1 }), { maxLength: 3 }),
      undeclared: fc.integer({ min: 0, max: 24 }).map((n) => n === 0),
      specs: fc.array(requestSpecArb, { minLength: requestsPerScenario, maxLength: requestsPerScenario }),
      departures: fc.array(fc.tuple(requestSpecArb, pick(REQUEST_DEPARTURES)), { maxLength: 2 }),
    })
    .map((s) => {
      const all = [...s.teams, ...s.users, ...s.datasets];
      const kept = all.filter((_, index) => !s.dropped.includes(index));
      const entities = s.undeclared ? kept.map((e, index) => (index === 0 ? { ...e, attrs: { ...e.attrs, colour: 'teal' } } : e)) : kept;
      return {
        linkSet: s.linkSet,
        principal: s.principal,
        entities,
        graphDeparture: s.undeclared ? 'undeclared-attribute' : 'none',
        requests: s.specs.map((spec) => toRequest(s.principal, entities, spec)),
        refusals: s.departures.map(([spec, departure]) => depart(toRequest(s.principal, entities, spec), departure)),
      } satisfies Scenario;
    });
}
