// Routing an explained request as API Gateway would, before any authorizer runs.
import { describe, expect, it } from 'vitest';
import { EXPLAIN_SOURCE_IP, routeRequest } from '../../../local/explain/authorizer-call.js';
import { buildMode } from '../../../local/explain/build-mode.js';
import { ExplainUsageError } from '../../../local/explain/errors.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const customer = buildMode(fixtureRoot('billing'), 'customer').config;
const m2m = buildMode(fixtureRoot('billing'), 'm2m').config;

function refusal(route: () => unknown): { readonly isUsageError: boolean; readonly message: string } | undefined {
  try {
    route();
    return undefined;
  } catch (error) {
    return { isUsageError: error instanceof ExplainUsageError, message: error instanceof Error ? error.message : String(error) };
  }
}

describe('routeRequest', () => {
  it(
    'matches the route and its path parameters, and sends the token ' + "in the mode's token header in place of any --header of that name",
    () => {
      const routed = routeRequest(
        customer,
        { kind: 'http', method: 'GET', path: '/accounts/acct-1', rawQuery: '' },
        [
          ['authorization', 'stale'],
          ['X-Trace', '1'],
        ],
        'jwt',
      );

      expect({ key: routed.route.key, pathParameters: routed.pathParameters, request: routed.request }).toEqual({
        key: 'GET /accounts/{accountId}',
        pathParameters: { accountId: 'acct-1' },
        request: {
          method: 'GET',
          path: '/accounts/acct-1',
          rawQuery: '',
          headers: { 'X-Trace': '1', Authorization: 'Bearer jwt' },
          sourceIp: EXPLAIN_SOURCE_IP,
        },
      });
    },
  );

  it("routes --connect to a WebSocket mode's $connect route", () => {
    const routed = routeRequest(m2m, { kind: 'connect', rawQuery: 'accountId=acct-1' }, [], 'jwt');

    expect({ route: routed.route.key, rawQuery: routed.request.rawQuery }).toEqual({
      route: '$connect',
      rawQuery: 'accountId=acct-1',
    });
  });

  it('refuses --connect for a mode that is not a WebSocket API', () => {
    expect(refusal(() => routeRequest(customer, { kind: 'connect', rawQuery: '' }, [], 'jwt'))).toEqual({
      isUsageError: true,
      message: 'mode "customer" is a rest API with no $connect route; use --method and --path',
    });
  });

  it('refuses --method and --path for a WebSocket mode', () => {
    expect(refusal(() => routeRequest(m2m, { kind: 'http', method: 'GET', path: '/', rawQuery: '' }, [], 'jwt'))).toEqual({
      isUsageError: true,
      message: 'mode "m2m" is a WebSocket API: explain its $connect with --connect',
    });
  });
});
