// Context from API Gateway's request context (source IP, request time) through the REST, HTTP API and TOKEN handlers,
// and the decision cache keyed on those values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES,
  httpClient,
  libraryMode,
  restClient,
  startLibraryWorld,
  tokenClient,
  webSocketClient,
  webSocketMode,
  type LibraryWorld,
} from './support/library-world.js';

let world: LibraryWorld;

beforeAll(async () => {
  world = await startLibraryWorld();
});

afterAll(async () => {
  await world.close();
});

const IN_2026 = Date.parse('2026-06-01T12:00:00.000Z');
const IN_2027 = Date.parse('2027-01-01T00:00:00.000Z');

describe.each(ENGINES)('with the %s engine', (engine) => {
  describe('REST REQUEST events: requestContext.identity.sourceIp and requestTimeEpoch', () => {
    it('allows a request from 203.0.113.9 in 2026: the source IP as an ipaddr, the time as a datetime', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['enter.office-hours'] });
    });

    it('denies the same request from another network', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '198.51.100.7', requestTimeEpochMs: IN_2026 });

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it('denies the same request at 2027-01-01T00:00:00.000Z, the first instant outside 2026', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2027 });

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it('allows one millisecond before 2027', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2027 - 1 });

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['enter.office-hours'] });
    });

    it('reads the source IP as a String and the time as Long epoch milliseconds when the route types them so', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter-epoch/d-plain', world.token('bob'), {
        sourceIp: '203.0.113.9',
        requestTimeEpochMs: IN_2026,
      });

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['enter.by-epoch'] });
    });

    it('denies a source IP that is no address, saying why', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), {
        sourceIp: 'test-invoke-source-ip',
        requestTimeEpochMs: IN_2026,
      });

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          'context ip (request sourceIp): expected an IP address such as "10.0.0.1", "2001:db8::1" or "10.0.0.0/8", got ' +
          '"test-invoke-source-ip": not an IPv4 or IPv6 address (IPv4 embedded in IPv6 and zone ids are refused)',
        determiningPolicies: [],
      });
    });
  });

  describe('HTTP API events: requestContext.http.sourceIp and timeEpoch', () => {
    it('allows a request from 203.0.113.9 in 2026', async () => {
      const client = httpClient(world, libraryMode({ engine, api: { type: 'http', authorizer: 'request', tokenHeader: 'Authorization' } }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });

      expect(answer).toEqual({ isAuthorized: true, reason: undefined });
    });

    it('denies a request from another network', async () => {
      const client = httpClient(world, libraryMode({ engine, api: { type: 'http', authorizer: 'request', tokenHeader: 'Authorization' } }));

      const answer = await client.call('/enter/d-plain', world.token('bob'), { sourceIp: '192.0.2.1', requestTimeEpochMs: IN_2026 });

      expect(answer).toEqual({ isAuthorized: false, reason: undefined });
    });
  });

  describe('WebSocket $connect events: requestContext.identity.sourceIp and requestTimeEpoch', () => {
    it('allows a connection from 203.0.113.9 in 2026', async () => {
      const client = webSocketClient(world, webSocketMode({ engine }));

      expect(await client.connect(world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 })).toEqual({
        effect: 'Allow',
        reason: undefined,
      });
    });

    it('denies a connection in 2027', async () => {
      const client = webSocketClient(world, webSocketMode({ engine }));

      expect(await client.connect(world.token('bob'), { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2027 })).toEqual({
        effect: 'Deny',
        reason: undefined,
      });
    });
  });

  describe('TOKEN events carry no request context', () => {
    it('denies a route that reads the source IP, saying the event has none', async () => {
      const client = tokenClient(world, libraryMode({ engine, api: { type: 'rest', authorizer: 'token', tokenHeader: 'Authorization' } }));

      const answer = await client.call('/enter/d-plain', world.token('bob'));

      expect(answer).toEqual({
        effect: 'Deny',
        reason: 'context ip (request sourceIp) is missing: this event carries no request context (a TOKEN authorizer has none)',
      });
    });
  });

  describe('the decision cache is keyed on the request-context values a route reads', () => {
    it("answers a second source IP afresh, not from the first one's cached Allow", async () => {
      const client = restClient(world, libraryMode({ engine, decisionTtlSeconds: 300 }));
      const token = world.token('bob');

      const first = await client.call('/enter/d-plain', token, { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });
      const second = await client.call('/enter/d-plain', token, { sourceIp: '192.0.2.1', requestTimeEpochMs: IN_2026 });

      expect([first.effect, second.effect]).toEqual(['Allow', 'Deny']);
      expect(client.telemetry.records.map((record) => record.cacheHit)).toEqual([false, false]);
    });

    it('answers a second request time afresh', async () => {
      const client = restClient(world, libraryMode({ engine, decisionTtlSeconds: 300 }));
      const token = world.token('bob');

      const first = await client.call('/enter/d-plain', token, { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });
      const second = await client.call('/enter/d-plain', token, { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2027 });

      expect([first.effect, second.effect]).toEqual(['Allow', 'Deny']);
    });

    it('serves the same source IP and time from the cache', async () => {
      const client = restClient(world, libraryMode({ engine, decisionTtlSeconds: 300 }));
      const token = world.token('bob');

      await client.call('/enter/d-plain', token, { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });
      const again = await client.call('/enter/d-plain', token, { sourceIp: '203.0.113.9', requestTimeEpochMs: IN_2026 });

      expect(again.effect).toBe('Allow');
      expect(client.telemetry.records.map((record) => record.cacheHit)).toEqual([false, true]);
    });
  });
});
