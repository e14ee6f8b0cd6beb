import { describe, expect, it } from 'vitest';
import { groupRoutesByRequestInputs, routeRequestInputs } from '../../../runtime/routes/request-inputs.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: M2M } = fixtureMode('billing', 'm2m');

const route = (key: string) => {
  const found = CUSTOMER.routes.find((r) => r.key === key);
  if (!found) throw new Error(`no route ${key}`);
  return found;
};

describe('the request values a route decision reads (its cache-key inputs)', () => {
  it('are the headers of CreatePayment, sorted, and not the claim-sourced approver', () => {
    expect(routeRequestInputs(route('POST /accounts/{accountId}/billing'))).toEqual([
      { in: 'header', name: 'X-Payment-Amount' },
      { in: 'header', name: 'X-Payment-Currency' },
    ]);
  });

  it('are nothing for a route that reads only its path', () => {
    expect(routeRequestInputs(route('GET /accounts/{accountId}'))).toEqual([]);
  });

  it('include a resource id taken from the query string', () => {
    expect(routeRequestInputs(M2M.routes[0] ?? route('x'))).toEqual([{ in: 'query', name: 'accountId' }]);
  });

  it('group the customer routes into one authorizer for plain routes and one for CreatePayment', () => {
    const groups = groupRoutesByRequestInputs(CUSTOMER);
    expect(groups.map((g) => [g.inputs.map((i) => i.name), g.routes.length])).toEqual([
      [[], 7],
      [['X-Payment-Amount', 'X-Payment-Currency'], 1],
    ]);
  });
});
