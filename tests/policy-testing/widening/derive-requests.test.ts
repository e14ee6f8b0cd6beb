// deriveRequests on the issue tracker's suite: attribute variants of fixture principals, presence and absence of
// optional attributes from the schema, deduplication against the space, the cap per policy, and determinism.
import { policyToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import type { PolicyChange } from '../../../policy-testing/policy-changes.js';
import { buildRequestSpace, describeOrigin, type SpaceRequest } from '../../../policy-testing/request-space.js';
import { deriveRequests } from '../../../policy-testing/widening/derive-requests.js';
import { REPO_ROOT } from '../../support/project-copy.js';

const tests = loadPolicyTests({ root: join(REPO_ROOT, 'tests/fixtures/issue-tracker') });
const space = buildRequestSpace(tests);

/** A policy the working tree adds to the tracker's one mode. */
function added(id: string, text: string): PolicyChange {
  const answer = policyToJson(text);
  if (answer.type !== 'success') throw new Error(`does not parse: ${text}`);
  return {
    kind: 'added',
    id,
    after: { kind: 'policy', effect: 'permit', text, location: 'policies/issues/new.cedar:1', modes: ['web'], json: answer.json },
  };
}

/** t.many's 19 candidates less the 3 kept: 16 distinct requests plus 3 duplicates, counted beyond the cap, not built. */
const LEFT_OUT = 16;

const summary = (item: SpaceRequest) => [describeOrigin(item.origin), item.principalName, item.request.action.id, item.resourceName];

describe('requests derived from a changed policy', () => {
  it('clones fixture principals with an optional attribute present and absent, as the schema allows', () => {
    const change = added(
      't.named',
      'permit (principal, action == Tracker::Action::"view_issue", resource) when { principal has displayName };',
    );

    const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });

    expect(derived.requests.map(summary)).toEqual([
      ['from t.named: !(principal has displayName)', 'rex (reporter) [!(principal has displayName)]', 'view_issue', 'issue-1'],
      ['from t.named: principal has displayName', 'mia (maintainer) [principal has displayName]', 'view_issue', 'issue-1'],
    ]);
    // rex already has a displayName and mia has none: those two variants are fixture requests, and are left out.
    const principals = derived.requests.map((item) => item.entities.find((entity) => JSON.stringify(entity.uid).includes('Tracker::User')));
    expect(principals.map((entity) => entity?.attrs)).toEqual([
      { email: 'rex@example.com' },
      { email: 'mia@example.com', displayName: 'synthetic' },
    ]);
  });

  it('derives no absence of a required attribute, and drops variants equal to a request of the space', () => {
    // title is required; mia's own email is what she already has, so that variant is a fixture request.
    const change = added(
      't.required',
      'permit (principal, action == Tracker::Action::"view_issue", resource) ' +
        'when { resource has title && principal.email == "mia@example.com" };',
    );

    const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });

    expect(derived.requests.map((item) => describeOrigin(item.origin))).toEqual([
      'from t.required: principal.email == "mia@example.com"',
      'from t.required: principal.email != "mia@example.com" ("mia@example.com-other")',
      'from t.required: principal.email != "mia@example.com" ("mia@example.com-other")',
    ]);
    expect(derived.requests.every((item) => !space.some((known) => known.key === item.key))).toBe(true);
  });

  it('puts an entity the policy names in the principal slot, and a synthetic member of a named group', () => {
    const change = added('t.uid', 'permit (principal in Tracker::Group::"triage", action == Tracker::Action::"edit_issue", resource);');

    const derived = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });

    expect(derived.requests.map(summary)).toEqual([
      [
        'from t.uid: principal in Tracker::Group::"triage" (synthetic Tracker::User)',
        'synthetic triage member (no resource names it)',
        'edit_issue',
        'issue-1',
      ],
    ]);
    expect(derived.requests[0]?.entities.find((entity) => JSON.stringify(entity.uid).includes('synthetic'))).toEqual({
      uid: { type: 'Tracker::User', id: 'synthetic-triage-member' },
      attrs: { email: 'mia@example.com' },
      parents: [{ type: 'Tracker::Group', id: 'triage' }],
    });
  });

  it('keeps at most the cap per policy, one request of each probe in turn, and says how many were left out', () => {
    const change = added(
      't.many',
      'permit (principal, action, resource) when { principal.email like "*@corp" && principal has displayName && resource.title == "T" };',
    );

    const all = deriveRequests({ changes: [change], tests, space, capPerPolicy: 200 });
    const capped = deriveRequests({ changes: [change], tests, space, capPerPolicy: 3 });

    expect({
      kept: capped.requests.map((item) => describeOrigin(item.origin)),
      notes: capped.notes,
    }).toEqual({
      kept: [
        'from t.many: principal.email == "@corp" (like "*@corp")',
        'from t.many: principal has displayName',
        'from t.many: resource.title == "T"',
      ],
      notes: [
        't.many: 3 requests derived from its conditions were evaluated (the cap per policy); ' +
          `${LEFT_OUT} more candidates (before deduplication) were left out`,
      ],
    });
    expect({ uncapped: all.notes, evaluatedUncapped: all.requests.length }).toEqual({ uncapped: [], evaluatedUncapped: 16 });
  });

  it('is deterministic: the same inputs give the same requests in the same order', () => {
    const changes = [
      added('t.a', 'permit (principal in Tracker::Group::"writers", action, resource) when { principal has displayName };'),
      added('t.b', 'permit (principal, action, resource) when { resource.title like "Login*" };'),
    ];

    const first = deriveRequests({ changes, tests, space, capPerPolicy: 200 });
    const second = deriveRequests({ changes, tests, space, capPerPolicy: 200 });

    expect(second.requests.map((item) => [item.key, describeOrigin(item.origin)])).toEqual(
      first.requests.map((item) => [item.key, describeOrigin(item.origin)]),
    );
    expect(first.requests.length).toBeGreaterThan(4);
  });
});
