// Route matching follows API Gateway's precedence, whatever order the mode lists its routes in.
//
// AWS documentation this emulates:
// - "Create routes for HTTP APIs in API Gateway" (Routing API requests: an exact match first, a greedy path variable
//   after, `ANY` matches the methods a resource does not define):
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// - "Set up a proxy integration with a proxy resource" (a greedy `{proxy+}` at the end of the path, the `ANY` method):
//   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html
import { describe, expect, it } from 'vitest';
import type { HttpRoute } from '../../../runtime/config.js';
import { RouteMismatchError } from '../../../runtime/decisions/route-identity.js';
import { RouteError } from '../../../runtime/errors.js';
import { RouteTable, routeOverlap } from '../../../runtime/routes/route-table.js';

function route(method: string, path: string): HttpRoute {
  return {
    kind: 'http',
    key: `${method} ${path}`,
    method,
    path,
    action: `${method} ${path}`,
    resource: { type: 'T', id: 'x' },
    context: [],
  };
}

/** Every order of the list: the answer must not depend on which one the mode file uses. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function winner(routes: readonly HttpRoute[], method: string, path: string): string | undefined {
  return new RouteTable(routes).match(method, path)?.route.key;
}

describe('route precedence, in every order the routes can be listed', () => {
  const statements = [
    route('GET', '/statements/{month}'),
    route('GET', '/statements/consolidated'),
    route('GET', '/statements/{proxy+}'),
    route('ANY', '/statements/consolidated'),
  ];

  for (const order of permutations(statements)) {
    const listed = order.map((r) => r.key).join(' | ');
    it(`picks the literal segment over a {parameter} (${listed})`, () => {
      expect(winner(order, 'GET', '/statements/consolidated')).toBe('GET /statements/consolidated');
    });

    it(`picks a {parameter} over the greedy {proxy+} for one segment (${listed})`, () => {
      expect(winner(order, 'GET', '/statements/2026-04')).toBe('GET /statements/{month}');
    });

    it(`leaves the greedy {proxy+} the deeper paths (${listed})`, () => {
      const match = new RouteTable(order).match('GET', '/statements/2026/04');
      expect(match?.route.key).toBe('GET /statements/{proxy+}');
      expect(match?.pathParameters).toEqual({ proxy: '2026/04' });
    });

    it(`gives ANY the methods the resource does not define (${listed})`, () => {
      expect(winner(order, 'POST', '/statements/consolidated')).toBe('ANY /statements/consolidated');
      expect(winner(order, 'POST', '/statements/2026-04')).toBeUndefined();
    });
  }

  it('compares segment by segment: an earlier literal beats a later one', () => {
    for (const order of permutations([route('GET', '/{a}/b'), route('GET', '/a/{b}')])) {
      expect(winner(order, 'GET', '/a/b')).toBe('GET /a/{b}');
    }
  });

  it('prefers the resource that matches before the method: a literal ANY beats a {parameter} GET', () => {
    for (const order of permutations([route('GET', '/items/{id}'), route('ANY', '/items/latest')])) {
      expect(winner(order, 'GET', '/items/latest')).toBe('ANY /items/latest');
    }
  });

  it('lets a greedy parameter never match an empty remainder or an empty segment', () => {
    const table = new RouteTable([route('GET', '/files/{proxy+}')]);
    expect(table.match('GET', '/files')).toBeUndefined();
    expect(table.match('GET', '/files/')).toBeUndefined();
    expect(table.match('GET', '/files/a//b')).toBeUndefined();
    expect(table.match('GET', '/files/a%2Fb/c')?.pathParameters).toEqual({ proxy: 'a/b/c' });
  });
});

describe('routeOverlap, the check behind ROUTE_OVERLAP', () => {
  const cases: [string, string, 'first' | 'second' | undefined][] = [
    ['GET /statements/{month}', 'GET /statements/consolidated', 'second'],
    ['GET /statements/consolidated', 'GET /statements/{month}', 'first'],
    ['GET /files/{proxy+}', 'GET /files/{name}', 'second'],
    ['ANY /a/{id}', 'GET /a/{x}', 'second'],
    ['GET /a/{id}', 'POST /a/latest', undefined],
    ['GET /a/{id}', 'GET /b/{id}', undefined],
    ['GET /a/{id}', 'GET /a/{id}/c', undefined],
    ['GET /a/{id}', 'GET /a/{other}', undefined],
    ['GET /{a}/b', 'GET /a/{b}', 'second'],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} and ${b}: ${expected === undefined ? 'no overlap' : `the ${expected} wins`}`, () => {
      const [methodA = '', pathA = ''] = a.split(' ');
      const [methodB = '', pathB = ''] = b.split(' ');
      expect(routeOverlap({ method: methodA, path: pathA }, { method: methodB, path: pathB })).toBe(expected);
    });
  }
});

describe('matching a request target', () => {
  const routes = [route('GET', '/tenants/{id}'), route('GET', '/tenants/current')];
  const table = new RouteTable(routes);

  it('takes an HTTP API route from routeKey and pathParameters, never from the path', () => {
    // A custom domain with API mapping key `v1` leaves `/v1` in rawPath ("Map API stages to a custom domain name for
    // HTTP APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html).
    const match = table.matchTarget({
      method: 'GET',
      path: '/v1/tenants/t-1',
      routeIdentity: { kind: 'route-key', routeKey: 'GET /tenants/{id}', pathParameters: { id: 't-1' } },
    });
    expect(match).toEqual({ route: routes[0], pathParameters: { id: 't-1' } });
  });

  it('denies an HTTP API routeKey the mode does not have, or one without its path parameter', () => {
    const target = (routeKey: string, pathParameters: Record<string, string>) => ({
      routeIdentity: { kind: 'route-key' as const, routeKey, pathParameters },
    });
    expect(() => table.matchTarget(target('$default', {}))).toThrow(new RouteError('no route for $default'));
    expect(() => table.matchTarget(target('GET /tenants/{id}', {}))).toThrow(RouteError);
    expect(() => table.matchTarget(target('GET /tenants/{id}', { id: '' }))).toThrow(RouteError);
  });

  it('accepts a REST event whose resource and httpMethod are the matched route', () => {
    const match = table.matchTarget({
      method: 'GET',
      path: '/tenants/current',
      routeIdentity: { kind: 'resource', resource: '/tenants/current', httpMethod: 'GET' },
    });
    expect(match.route.key).toBe('GET /tenants/current');
  });

  it('denies a REST event that API Gateway routed elsewhere, naming both routes', () => {
    const target = {
      method: 'GET',
      path: '/tenants/current',
      routeIdentity: { kind: 'resource' as const, resource: '/tenants/{id}', httpMethod: 'GET' },
    };
    expect(() => table.matchTarget(target)).toThrow(RouteMismatchError);
    expect(() => table.matchTarget(target)).toThrow(
      'route-mismatch: the event was routed to GET /tenants/{id}, but its method and path match GET /tenants/current',
    );
  });

  it('keeps matching a REST TOKEN event, which names no route, by its methodArn path', () => {
    expect(table.matchTarget({ method: 'GET', path: '/tenants/current' }).route.key).toBe('GET /tenants/current');
  });
});
