// Widens the request space from a change itself: for each changed policy or template, the probes of both sides'
// conditions are applied to the fixture requests of its actions in every suite whose mode holds it, deduplicated against
// the space and capped per policy, so a change no fixture exercises still shows the requests it flips.
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import type { SchemaModel } from '../../generator/load/cedar-schema.js';
import type { LoadedSuite } from '../load-suites.js';
import type { PolicyTests } from '../load-tests.js';
import { modesOf, type PolicyChange, type PolicySide } from '../policy-changes.js';
import type { SpaceRequest } from '../request-space.js';
import { applyProbe, type Candidate } from './apply-probe.js';
import { actionsInScope } from './policy-actions.js';
import { type PolicyFacts, readPolicyFacts } from './policy-facts.js';
import { type Probe, probesOf } from './probes.js';

/** Enough for every probe of a policy with a dozen conditions over a few dozen fixture requests, yet a bounded diff. */
export const DEFAULT_CAP_PER_POLICY = 200;

export interface DeriveOptions {
  readonly changes: readonly PolicyChange[];
  /** The working tree's schema and suites: derived requests use its fixtures. */
  readonly tests: PolicyTests;
  /** The space built so far; derived requests equal to one of it are left out. */
  readonly space: readonly SpaceRequest[];
  readonly capPerPolicy: number;
}

export interface DerivedSpace {
  /** Deterministic: changes by id, then probes taken in turn (one request of each probe, then the next of each). */
  readonly requests: readonly SpaceRequest[];
  /** Where the cap bit, and what could not be derived from. */
  readonly notes: readonly string[];
}

export function deriveRequests({ changes, tests, space, capPerPolicy }: DeriveOptions): DerivedSpace {
  const schema = tests.schema;
  if (!schema) return { requests: [], notes: [] };
  const known = new Set(space.map((item) => item.key));
  const requests: SpaceRequest[] = [];
  const notes: string[] = [];
  for (const change of changes) {
    const suites = tests.suites.filter((suite) => modesOf(change).includes(suite.mode));
    const candidates: Candidate[][] = [];
    for (const suite of suites) {
      const sides = sidesOf(change).map((side) => factsOf(side, suite, change.id));
      const readable = sides.filter((facts): facts is PolicyFacts[] => facts !== undefined);
      if (readable.length === 0) continue;
      candidates.push(...suiteCandidates({ change, suite, sides: readable, schema, space }));
    }
    const taken = roundRobin(candidates, known, capPerPolicy);
    requests.push(...taken.requests);
    if (taken.left > 0) {
      notes.push(
        `${change.id}: ${taken.requests.length} requests derived from its conditions were evaluated (the cap per policy); ` +
          `${taken.left} more candidates (before deduplication) were left out`,
      );
    }
    notes.push(...unreadNotes(change, suites));
  }
  return { requests, notes };
}

function sidesOf(change: PolicyChange): PolicySide[] {
  switch (change.kind) {
    case 'added':
      return [change.after];
    case 'removed':
      return [change.before];
    case 'modified':
    case 'modes-changed':
      return [change.before, change.after];
  }
}

/** A policy's facts, or a template's per link of the suite; undefined when the side is not in the suite's mode or unread. */
function factsOf(side: PolicySide, suite: LoadedSuite, id: string): PolicyFacts[] | undefined {
  if (!side.modes.includes(suite.mode)) return undefined;
  if (side.kind === 'policy') {
    const facts = readPolicyFacts(side.json);
    return facts ? [facts] : undefined;
  }
  const linked = suite.links
    .filter((link) => link.templateId === id)
    .flatMap((link) => readPolicyFacts(side.json, { principal: link.principal, resource: link.resource }) ?? []);
  return linked.length > 0 ? linked : undefined;
}

interface SuiteInputs {
  readonly change: PolicyChange;
  readonly suite: LoadedSuite;
  /** Per side, its facts (a template has one per link). */
  readonly sides: readonly (readonly PolicyFacts[])[];
  readonly schema: SchemaModel;
  readonly space: readonly SpaceRequest[];
}

/** One list of requests per probe, each over the suite's fixture requests of the policy's actions, in space order. */
function suiteCandidates({ change, suite, sides, schema, space }: SuiteInputs): Candidate[][] {
  const actions = new Set(sides.flat().flatMap((facts) => actionsInScope(facts.actions, schema)));
  const seeds = space.filter((item) => item.suite === suite && actions.has(item.request.action.id) && isValidSeed(item));
  const lists: Candidate[][] = [];
  sides.forEach((facts, index) => {
    const others = sides.filter((_, other) => other !== index).flat();
    for (const probe of probesOf(facts.flatMap((item) => item.facts))) {
      const context = { policyId: change.id, schema, otherGroups: otherGroups(probe, others) };
      lists.push(seeds.flatMap((seed) => applyProbe(probe, seed, context)));
    }
  });
  return lists;
}

/**
 * Derived requests are checked against the schema, so they grow only from requests that pass it: a case that turns
 * the check off, or expects an error (an adversarial entity or context), would make every variant a refusal on both
 * sides. The fixture cross product is built from schema-checked fixtures.
 */
function isValidSeed(item: SpaceRequest): boolean {
  if (item.schemaCheck !== 'request') return false;
  if (item.origin.kind !== 'case') return true;
  const { id } = item.origin;
  return item.suite.cases.some((testCase) => testCase.id === id && testCase.expect.errors.length === 0);
}

/** The groups the other side puts the same slot `in`, which a synthetic member of this side's group must not be in. */
function otherGroups(probe: Probe, others: readonly PolicyFacts[]): TypeAndId[] {
  if (probe.kind !== 'uid') return [];
  return others.flatMap((facts) =>
    facts.facts.flatMap((fact) =>
      fact.kind === 'uid' && fact.variable === probe.variable && fact.relation === 'in' && fact.uid.id !== probe.uid.id ? [fact.uid] : [],
    ),
  );
}

/**
 * One request of each probe in turn, so a cap keeps some of every probe; requests already known are skipped and not
 * counted. Beyond the cap candidates are counted, not built, so `left` may include some a build would find known.
 */
function roundRobin(lists: readonly Candidate[][], known: Set<string>, cap: number): { requests: SpaceRequest[]; left: number } {
  const requests: SpaceRequest[] = [];
  const seen = new Set<string>();
  let left = 0;
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let index = 0; index < longest; index++) {
    for (const list of lists) {
      const candidate = list[index];
      if (!candidate) continue;
      if (requests.length >= cap) {
        left++;
        continue;
      }
      const item = candidate();
      if (known.has(item.key) || seen.has(item.key)) continue;
      seen.add(item.key);
      requests.push(item);
    }
  }
  for (const item of requests) known.add(item.key);
  return { requests, left };
}

function unreadNotes(change: PolicyChange, suites: readonly LoadedSuite[]): string[] {
  return sidesOf(change).flatMap((side) => {
    if (
      side.kind === 'template' &&
      suites.length > 0 &&
      !suites.some((suite) => suite.links.some((link) => link.templateId === change.id))
    ) {
      return [`${change.id}: a template no suite links, so no request is derived from it`];
    }
    if (side.kind === 'policy' && !readPolicyFacts(side.json))
      return [`${change.id}: cedar-wasm cannot read it, so no request is derived from it`];
    return [];
  });
}
