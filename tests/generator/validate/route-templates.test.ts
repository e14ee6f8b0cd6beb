// Routes as API Gateway routes them: `ANY`, HEAD and OPTIONS, and a greedy `{name+}` last segment are accepted, and the
// checks that read routes (parameters, duplicates, the token cache) understand them. The refusals live in the corpus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProjectSources } from '../../../generator/load/source-files.js';
import { validateProject } from '../../../generator/validate/project.js';
import { CORPUS_DOMAIN_ROOT, materializeCase, removeCase, type CaseEdit } from './corpus/cases.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) removeCase(root);
});

function validateWith(edits: readonly CaseEdit[]) {
  const root = materializeCase({ name: 'routes', title: 'routes', edits, expect: [] });
  roots.push(root);
  return validateProject(readProjectSources(root));
}

/** The multi-tenant (HTTP API) mode's first route, to be replaced by the routes under test. */
const HTTP_FIRST_ROUTE =
  '  - method: GET\n    path: /tenants/{tenantId}/accounts/{accountId}\n    action: ViewAccount\n' +
  '    resource: { type: Billing::Account, pathParameter: accountId }\n';

function httpRoutes(routes: string): CaseEdit {
  return { file: 'modes/multi-tenant.yaml', from: HTTP_FIRST_ROUTE, to: routes };
}

describe('route methods and templates API Gateway routes', () => {
  // "Set up a proxy integration with a proxy resource" (a greedy {proxy+} resource with the ANY method),
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html
  it('accepts ANY on a greedy {proxy+} last segment whose resource is the greedy parameter', () => {
    // arrange
    const edits = [
      httpRoutes(
        '  - method: ANY\n    path: /tenants/{tenantId}/files/{proxy+}\n    action: ViewAccount\n' +
          '    resource: { type: Billing::Account, pathParameter: proxy }\n',
      ),
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
    const route = result.project?.modes.find((mode) => mode.mode.name === 'multi-tenant')?.mode.routes[0];
    expect(route).toMatchObject({ method: 'ANY', path: '/tenants/{tenantId}/files/{proxy+}', resource: { pathParameter: 'proxy' } });
  });

  // "Working with routes for HTTP APIs": HEAD and OPTIONS are methods a route may name, like GET.
  it.each(['HEAD', 'OPTIONS'])('accepts the method %s', (method) => {
    // arrange
    const edits = [httpRoutes(HTTP_FIRST_ROUTE.replace('method: GET', `method: ${method}`))];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics).toEqual([]);
  });

  it('refuses a resource parameter the path does not name, suggesting the greedy parameter by its name without `+`', () => {
    // arrange
    const edits = [
      httpRoutes(
        '  - method: ANY\n    path: /tenants/{tenantId}/files/{proxy+}\n    action: ViewAccount\n' +
          '    resource: { type: Billing::Account, pathParameter: proxi }\n',
      ),
    ];

    // act
    const result = validateWith(edits);

    // assert
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['ROUTE_PARAMETER_UNKNOWN', 'path parameter `proxi` does not appear in /tenants/{tenantId}/files/{proxy+}; did you mean `proxy`?'],
    ]);
  });

  it('treats a greedy segment and a plain parameter at one position as two routes, not a duplicate', () => {
    // arrange: GET /…/files/{id} and GET /…/files/{proxy+} (an HTTP API routes both; REST would need one variable child)
    const edits = [
      httpRoutes(
        '  - method: GET\n    path: /tenants/{tenantId}/files/{accountId}\n    action: ViewAccount\n' +
          '    resource: { type: Billing::Account, pathParameter: accountId }\n' +
          '  - method: GET\n    path: /tenants/{tenantId}/files/{proxy+}\n    action: ViewAccount\n' +
          '    resource: { type: Billing::Account, pathParameter: proxy }\n',
      ),
    ];

    // act
    const result = validateWith(edits);

    // assert: only the overlap warning, naming the single-segment route as the winner
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'ROUTE_OVERLAP',
        'GET /tenants/{tenantId}/files/{proxy+} and route 1 (GET /tenants/{tenantId}/files/{accountId}) can match the same request; ' +
          'API Gateway and the authorizer pick GET /tenants/{tenantId}/files/{accountId} over GET /tenants/{tenantId}/files/{proxy+}',
      ],
    ]);
  });

  it('refuses a cached token authorizer in front of an ANY route with a fixed resource, whose method ARN it cannot name', () => {
    // arrange: the internal (REST) mode with a token authorizer and one route, on ANY, with a fixed resource
    const internal = readFileSync(join(CORPUS_DOMAIN_ROOT, 'modes/internal.yaml'), 'utf8')
      .replace('  authorizer: request\n', '  authorizer: token\n')
      .replace(
        /\nroutes:\n[\s\S]*?\n\n/,
        '\nroutes:\n  - method: ANY\n    path: /accounts/acct-main\n    action: ViewAccount\n' +
          '    resource: { type: Billing::Account, id: acct-main }\n\n',
      );

    // act
    const result = validateWith([{ file: 'modes/internal.yaml', contents: internal }]);

    // assert
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'CACHE_TOKEN_UNSAFE',
        "a token authorizer caches on the token alone for 60 s, so its answer must name every route's exact method ARN; " +
          'route ANY /accounts/acct-main has none without a wildcard',
      ],
    ]);
  });
});
