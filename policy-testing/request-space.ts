// The requests a decision diff evaluates: every test case, plus each suite's fixture principals x actions x fixture resources the schema
// allows.
import { createHash } from 'node:crypto';
import type { Context, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { SchemaCheck, TestRequest } from './evaluate.js';
import type { PolicyTests } from './load-tests.js';
import type { LoadedSuite } from './load-suites.js';
import { reachableEntities } from './reachable-entities.js';
import { displayName } from './read-entities.js';

export interface SpaceRequest {
  /** Identifies the request, its entities, template links and schema check; equal requests of several suites are evaluated once. */
  readonly key: string;
  readonly mode: string;
  /** The suite whose entities and template links the request uses. */
  readonly suite: LoadedSuite;
  readonly request: TestRequest;
  readonly entities: readonly EntityJson[];
  readonly schemaCheck: SchemaCheck;
  readonly principalName: string;
  readonly resourceName: string;
  readonly origin: RequestOrigin;
}

/**
 * Where a request of the space comes from: a test case, the suites' fixture cross product, or derived from a changed
 * policy's scope or condition (so a change no fixture exercises still shows its flips).
 */
export type RequestOrigin =
  | { readonly kind: 'case'; readonly file: string; readonly line: number; readonly id: string }
  | { readonly kind: 'fixtures' }
  | {
      readonly kind: 'derived';
      /** The changed policy the request was derived from. */
      readonly policyId: string;
      /** What was derived from it, e.g. `context.currency == "CHF"` or `a User in Group::"writers" who is not the reporter`. */
      readonly detail: string;
    };

/** `case tests/policies/x.test.yaml:12 pay-small`, `fixtures`, or `from shared.forbid-chf: context.currency == "CHF"`. */
export function describeOrigin(origin: RequestOrigin): string {
  switch (origin.kind) {
    case 'case':
      return `case ${origin.file}:${origin.line} ${origin.id}`;
    case 'fixtures':
      return 'fixtures';
    case 'derived':
      return `from ${origin.policyId}: ${origin.detail}`;
  }
}

export function buildRequestSpace(tests: PolicyTests): SpaceRequest[] {
  const schema = tests.schema;
  if (!schema) return [];
  const space = new Map<string, SpaceRequest>();
  const add = (request: Omit<SpaceRequest, 'key'>): void => {
    const key = requestKey(request);
    if (!space.has(key)) space.set(key, { ...request, key });
  };

  for (const suite of tests.suites) {
    const pool = suite.entities;
    for (const testCase of suite.cases) {
      add({
        mode: suite.mode,
        suite,
        request: testCase.request,
        entities: testCase.entities,
        schemaCheck: testCase.schemaCheck,
        principalName: displayName(testCase.request.principal, pool),
        resourceName: displayName(testCase.request.resource, pool),
        origin: { kind: 'case', file: testCase.suite, line: testCase.position.line, id: testCase.id },
      });
    }
  }

  const contexts = contextsByAction(tests);
  for (const suite of tests.suites) {
    const pool = suite.entities;
    const json = pool.map((entity) => entity.json);
    for (const action of schema.actions.values()) {
      const principals = pool.filter((entity) => action.principalTypes.includes(entity.uid.type));
      const resources = pool.filter((entity) => action.resourceTypes.includes(entity.uid.type));
      for (const principal of principals) {
        for (const resource of resources) {
          for (const context of contexts.get(action.id) ?? [{}]) {
            const request: TestRequest = {
              principal: principal.uid,
              action: { type: action.entityType, id: action.id },
              resource: resource.uid,
              context,
            };
            add({
              mode: suite.mode,
              suite,
              request,
              entities: reachableEntities(request, json),
              schemaCheck: 'request',
              principalName: displayName(principal.uid, pool),
              resourceName: displayName(resource.uid, pool),
              origin: { kind: 'fixtures' },
            });
          }
        }
      }
    }
  }
  return [...space.values()];
}

/** The distinct contexts the suites give each action in cases that expect no error: realistic values, boundaries included. */
function contextsByAction(tests: PolicyTests): Map<string, Context[]> {
  const found = new Map<string, Map<string, Context>>();
  for (const testCase of tests.suites.flatMap((suite) => suite.cases)) {
    if (testCase.expect.errors.length > 0 || testCase.schemaCheck !== 'request') continue;
    const byJson = found.get(testCase.request.action.id) ?? new Map<string, Context>();
    byJson.set(canonical(testCase.request.context), testCase.request.context);
    found.set(testCase.request.action.id, byJson);
  }
  return new Map(
    [...found].map(([action, byJson]) => [
      action,
      [...byJson.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, context]) => context),
    ]),
  );
}

/** The identity of a request of the space: equal keys are evaluated once. */
export function requestKey(request: Omit<SpaceRequest, 'key'>): string {
  const { principal, action, resource, context } = request.request;
  return createHash('sha256')
    .update(
      canonical({
        mode: request.mode,
        principal,
        action,
        resource,
        context,
        entities: request.entities,
        links: request.suite.links,
        schemaCheck: request.schemaCheck,
      }),
    )
    .digest('hex');
}

/** JSON with sorted object keys, so equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}
