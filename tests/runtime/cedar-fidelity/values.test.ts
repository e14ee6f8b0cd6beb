// Every Cedar value type in claims, context and entities, through the real REST REQUEST handler: extension values,
// records, and Cognito's numeric custom claims, which arrive as strings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, libraryMode, restClient, startLibraryWorld, type LibraryWorld } from './support/library-world.js';

let world: LibraryWorld;

beforeAll(async () => {
  world = await startLibraryWorld();
});

afterAll(async () => {
  await world.close();
});

describe.each(ENGINES)('with the %s engine', (engine) => {
  describe('a Cognito numeric custom claim ("custom:clearance": "3")', () => {
    it('carried as text is the Long 3, and clears the clearance >= 3 rule', async () => {
      const client = restClient(world, libraryMode({ engine, clearanceEncoding: 'text' }));

      const answer = await client.call('/cleared/d-plain', world.token('bob', { 'custom:clearance': '3' }));

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['clearance.three'] });
    });

    it('carried as text, "2" is the Long 2, which does not', async () => {
      const client = restClient(world, libraryMode({ engine, clearanceEncoding: 'text' }));

      expect(await client.call('/cleared/d-plain', world.token('bob', { 'custom:clearance': '2' }))).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });

    it('declared as JSON, the same string claim is denied, saying a Long must be a JSON integer', async () => {
      const client = restClient(world, libraryMode({ engine, clearanceEncoding: 'json' }));

      const answer = await client.call('/cleared/d-plain', world.token('bob', { 'custom:clearance': '3' }));

      expect(answer).toEqual({
        effect: 'Deny',
        reason: 'claim custom:clearance: expected a safe integer, got string "3"',
        determiningPolicies: [],
      });
    });

    it('carried as text, "3.0" is denied: a Long is spelled as an integer', async () => {
      const client = restClient(world, libraryMode({ engine, clearanceEncoding: 'text' }));

      const answer = await client.call('/cleared/d-plain', world.token('bob', { 'custom:clearance': '3.0' }));

      expect(answer).toEqual({ effect: 'Deny', reason: 'claim custom:clearance: expected an integer, got "3.0"', determiningPolicies: [] });
    });
  });

  describe('decimal in a claim, a header and a stored entity (stored as a plain string the schema types)', () => {
    const buyer = () => world.token('bob', { 'custom:limit': '50.00' });

    it("allows an amount between the document's price (19.99) and the principal's limit (50.00)", async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/buy/d-priced', buyer(), { headers: { 'X-Amount': '20.5' } });

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['buy.within-limit'] });
    });

    it('denies an amount over the limit', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/buy/d-priced', buyer(), { headers: { 'X-Amount': '50.0001' } })).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });

    it('denies a header that is no Cedar decimal, saying why', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/buy/d-priced', buyer(), { headers: { 'X-Amount': '20.12345' } });

      expect(answer).toEqual({
        effect: 'Deny',
        reason: 'context amount (header X-Amount): expected a decimal such as "12.50", got "20.12345": more than 4 digits after the point',
        determiningPolicies: [],
      });
    });

    it('denies a claim that is no Cedar decimal, saying why', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/buy/d-priced', world.token('bob', { 'custom:limit': 'lots' }), {
        headers: { 'X-Amount': '20.5' },
      });

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          'claim custom:limit: expected a decimal such as "12.50", got "lots": ' +
          'digits, a point and 1 to 4 digits, with an optional leading "-"',
        determiningPolicies: [],
      });
    });
  });

  describe('ipaddr, datetime and duration in claims, context and entities', () => {
    const visitor = (claims: Record<string, unknown> = {}) =>
      world.token('bob', { 'custom:office': '10.1.2.0/24', 'custom:since': '2025-01-01', 'custom:grace': '2h', ...claims });
    const visit = { headers: { 'X-From': '10.1.7.7', 'X-Wait': '90m' }, query: 'at=2026-03-10T12%3A00%3A00.000%2B0100' };

    it("allows a visit from inside the document's network, within its 30-day window, waiting less than the grace", async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/visit/d-visit', visitor(), visit)).toEqual({
        effect: 'Allow',
        reason: undefined,
        determiningPolicies: ['visit.window'],
      });
    });

    it('denies a visit from outside the network', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/visit/d-visit', visitor(), { ...visit, headers: { ...visit.headers, 'X-From': '192.168.0.1' } });

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it('denies a visit after the window closed', async () => {
      const client = restClient(world, libraryMode({ engine }));

      expect(await client.call('/visit/d-visit', visitor(), { ...visit, query: 'at=2026-04-01' })).toEqual({
        effect: 'Deny',
        reason: undefined,
        determiningPolicies: [],
      });
    });

    it("denies a wait longer than the principal's grace duration", async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/visit/d-visit', visitor(), { ...visit, headers: { ...visit.headers, 'X-Wait': '2h1ms' } });

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it('denies a datetime without a zone, saying what Cedar expects', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/visit/d-visit', visitor(), { ...visit, query: 'at=2026-03-10T12%3A00%3A00' });

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          'context at (query at): expected a datetime such as "2024-10-15" or "2024-10-15T11:35:00.000Z", got "2026-03-10T12:00:00": ' +
          'YYYY-MM-DD, optionally followed by Thh:mm:ss, optional .SSS, and Z or an offset ±hhmm',
        determiningPolicies: [],
      });
    });

    it('denies a claim holding an IPv4 address embedded in IPv6, which Cedar refuses', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/visit/d-visit', visitor({ 'custom:office': '::ffff:10.1.2.3' }), visit);

      expect(answer).toEqual({
        effect: 'Deny',
        reason:
          'claim custom:office: expected an IP address such as "10.0.0.1", "2001:db8::1" or "10.0.0.0/8", got "::ffff:10.1.2.3": not an ' +
          'IPv4 or IPv6 address (IPv4 embedded in IPv6 and zone ids are refused)',
        determiningPolicies: [],
      });
    });
  });

  describe('records in claims and context', () => {
    it("allows shipping to the principal's home city: a record claim (JSON text) and a record header", async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/ship/d-plain', world.token('bob', { 'custom:home': '{"city":"Lyon","zip":"69001"}' }), {
        headers: { 'X-Address': '{"city":"Lyon"}' },
      });

      expect(answer).toEqual({ effect: 'Allow', reason: undefined, determiningPolicies: ['ship.home-city'] });
    });

    it('denies shipping to another city', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/ship/d-plain', world.token('bob', { 'custom:home': '{"city":"Lyon"}' }), {
        headers: { 'X-Address': '{"city":"Paris"}' },
      });

      expect(answer).toEqual({ effect: 'Deny', reason: undefined, determiningPolicies: [] });
    });

    it('denies a header record with a key the type does not declare, naming it', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/ship/d-plain', world.token('bob', { 'custom:home': '{"city":"Lyon"}' }), {
        headers: { 'X-Address': '{"city":"Lyon","country":"FR"}' },
      });

      expect(answer).toEqual({
        effect: 'Deny',
        reason: 'context address (header X-Address): unknown attribute "country": the record declares "city", "zip"',
        determiningPolicies: [],
      });
    });

    it('denies a claim record that lacks a required key, naming it', async () => {
      const client = restClient(world, libraryMode({ engine }));

      const answer = await client.call('/ship/d-plain', world.token('bob', { 'custom:home': '{"zip":"69001"}' }), {
        headers: { 'X-Address': '{"city":"Lyon"}' },
      });

      expect(answer).toEqual({
        effect: 'Deny',
        reason: 'claim custom:home: required attribute "city" is missing',
        determiningPolicies: [],
      });
    });
  });
});
