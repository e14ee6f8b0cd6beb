// Tenant isolation as a property: 10,000 random requests through the multi-tenant HTTP API authorizer, and not one cross-tenant Allow.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig } from '../../runtime/config.js';
import { MemoryTelemetry } from '../../runtime/index.js';
import { MULTI_TENANT_MODE, type Handler, type Target } from './support/modes.js';
import { startWorld, TENANT_CUSTOMERS, TENANT_RESOURCES, TENANTS, type TenantResource, type World } from './support/world.js';

/** Fixed, so a failure replays exactly: fast-check prints it with the shrunk counterexample, and so does the test name. */
const SEED = 0x7e4a_2026;
const REQUESTS = 10_000;
/**
 * Requests per run, sent concurrently: one after another, each AVP round trip mostly waits on the loopback socket.
 * Concurrency also interleaves the handler's shared caches. numRuns × BATCH is exactly REQUESTS.
 */
const BATCH = 50;

/** A tenant with a valid token from the shared user pool but no row in the tenant table (no policy store). */
const UNKNOWN_TENANT = 'umbrella';
const TOKEN_TENANTS = [...TENANTS, UNKNOWN_TENANT] as const;
const ROLE_SETS: readonly (readonly string[])[] = [[], ['viewer'], ['payer'], ['admin'], ['viewer', 'admin']];

/** The mode's routes, by what they need: the resource type their id names, and the headers CreatePayment reads. */
const ROUTES = [
  { method: 'GET', suffix: (id: string) => `/accounts/${id}`, type: 'Billing::Account' },
  { method: 'GET', suffix: (id: string) => `/accounts/${id}/billing`, type: 'Billing::Account' },
  { method: 'POST', suffix: (id: string) => `/accounts/${id}/billing`, type: 'Billing::Account' },
  { method: 'GET', suffix: (id: string) => `/billing/${id}`, type: 'Billing::Payment' },
  { method: 'POST', suffix: (id: string) => `/billing/${id}/approve`, type: 'Billing::Payment' },
] as const;

interface TokenSpec {
  readonly token: string;
  readonly tenant: string;
  readonly customer: string;
  readonly roles: readonly string[];
}

let world: World;
let tokens: readonly TokenSpec[];
let handler: Handler;

beforeAll(async () => {
  world = await startWorld();
  const { mode } = MULTI_TENANT_MODE;
  tokens = TOKEN_TENANTS.flatMap((tenant) =>
    TENANT_CUSTOMERS.flatMap((customer) =>
      ROLE_SETS.map((roles, index) => {
        const claims = world.issuer.claimsFor(mode, {
          id: `user-${tenant}-${customer}-${index}`,
          tenant,
          groups: roles,
          attributes: { customer },
        });
        return { token: world.issuer.mint(mode, claims), tenant, customer, roles };
      }),
    ),
  );
  // Entities cached for the whole run, so 10,000 requests stay fast: the data does not change while it runs.
  const warm: ModeConfig = { ...mode, entityStore: mode.entityStore ? { ...mode.entityStore, cacheTtlSeconds: 600 } : undefined };
  handler = MULTI_TENANT_MODE.handler(world, new MemoryTelemetry(), warm);
});

afterAll(async () => {
  await world.close();
});

/**
 * A random request: any token (any tenant, customer and roles), any route, a path tenant and a resource tenant that
 * are often the token's own (so Allows happen and the property is not vacuous) and often another one, and a resource
 * of that tenant, usually of the route's type, sometimes of the other type or unknown.
 */
function requestArbitrary(tokenCount: number) {
  return fc.record({
    tokenIndex: fc.integer({ min: 0, max: tokenCount - 1 }),
    pathTenant: fc.oneof(fc.constant('same' as const), fc.constantFrom(...TOKEN_TENANTS)),
    resourceTenant: fc.oneof(fc.constant('same' as const), fc.constantFrom(...TENANTS)),
    route: fc.nat({ max: ROUTES.length - 1 }),
    resourcePick: fc.nat(),
    resourceKind: fc.oneof(
      { weight: 8, arbitrary: fc.constant('route type' as const) },
      { weight: 1, arbitrary: fc.constant('any type' as const) },
      { weight: 1, arbitrary: fc.constant('unknown' as const) },
    ),
    amount: fc.constantFrom('100', '1000000', '1000001'),
    approver: fc.option(fc.constantFrom('clerk-a', 'clerk-g'), { nil: undefined }),
  });
}

type Drawn = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never;

interface Resolved {
  readonly token: TokenSpec;
  readonly pathTenant: string;
  readonly resource: TenantResource | undefined;
  readonly target: Target;
}

function resolve(drawn: Drawn): Resolved {
  const token = tokens[drawn.tokenIndex];
  const route = ROUTES[drawn.route];
  if (!token || !route) throw new Error('index out of range');
  const pathTenant = drawn.pathTenant === 'same' ? token.tenant : drawn.pathTenant;
  const resourceTenant = drawn.resourceTenant === 'same' ? token.tenant : drawn.resourceTenant;
  const candidates =
    drawn.resourceKind === 'route type'
      ? TENANT_RESOURCES.filter((r) => r.tenant === resourceTenant && r.type === route.type)
      : TENANT_RESOURCES.filter((r) => r.tenant === resourceTenant);
  const resource =
    drawn.resourceKind === 'unknown' || candidates.length === 0 ? undefined : candidates[drawn.resourcePick % candidates.length];
  const id = resource?.id ?? `acct-${resourceTenant}-unknown`;
  const headers: Record<string, string> = {
    'X-Payment-Amount': drawn.amount,
    'X-Payment-Currency': 'EUR',
    ...(drawn.approver !== undefined ? { 'X-Approver-Id': drawn.approver } : {}),
  };
  return { token, pathTenant, resource, target: { method: route.method, path: `/tenants/${pathTenant}${route.suffix(id)}`, headers } };
}

describe('tenant isolation (multi-tenant mode, 3 tenant policy stores, entities of every tenant in one table)', () => {
  it(`${REQUESTS} random requests across tenants yield zero cross-tenant Allows (seed ${SEED})`, async () => {
    const seen = { requests: 0, allows: 0, crossTenantRequests: 0 };

    await fc.assert(
      fc.asyncProperty(fc.array(requestArbitrary(tokens.length), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const requests = batch.map(resolve);
        const answers = await Promise.all(
          requests.map(
            async ({ token, target }) =>
              (await handler(MULTI_TENANT_MODE.event(target, `Bearer ${token.token}`))) as {
                isAuthorized: boolean;
                context: Record<string, unknown>;
              },
          ),
        );
        const violations: string[] = [];
        requests.forEach(({ token, pathTenant, resource, target }, index) => {
          const answer = answers[index];
          // An unknown resource belongs to no tenant: it is never the token's own.
          const crossTenant = token.tenant !== pathTenant || resource === undefined || token.tenant !== resource.tenant;
          seen.requests += 1;
          if (crossTenant) seen.crossTenantRequests += 1;
          if (answer?.isAuthorized) seen.allows += 1;
          // An Allow is the token's own tenant, named in the path and owning the resource; anything else fails the run.
          if (answer === undefined || (answer.isAuthorized && (crossTenant || answer.context['tenantId'] !== token.tenant))) {
            violations.push(
              `${token.tenant} token (customer ${token.customer}, roles [${token.roles.join(',')}]) allowed ${target.method} ` +
                `${target.path}, a resource of ${resource?.tenant ?? 'nobody'}`,
            );
          }
        });
        expect(violations).toEqual([]);
      }),
      { numRuns: REQUESTS / BATCH, seed: SEED },
    );

    expect(seen.requests).toBe(REQUESTS);
    // Not vacuous: same-tenant requests were allowed, and thousands of requests crossed tenants.
    expect(seen.allows).toBeGreaterThan(REQUESTS / 50);
    expect(seen.crossTenantRequests).toBeGreaterThan(REQUESTS / 2);
  });
});
