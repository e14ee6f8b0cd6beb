// A mode whose value type is misspelled is never a crash: the handler starts, and every request is denied saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryMode, restClient, startLibraryWorld, type LibraryWorld } from './support/library-world.js';

let world: LibraryWorld;

beforeAll(async () => {
  world = await startLibraryWorld();
});

afterAll(async () => {
  await world.close();
});

describe('a misspelled value type in the mode', () => {
  it('denies every request with kind config and a reason naming the spelling', async () => {
    const base = libraryMode();
    const mode = {
      ...base,
      claims: {
        ...base.claims,
        attributes: [{ claim: 'custom:limit', attribute: 'limit', type: 'Decimal', required: false, encoding: 'text' as const }],
      },
    };
    const client = restClient(world, mode);

    const answer = await client.call('/team/d-plain', world.token('alice', { 'cognito:groups': ['g-eng-backend'] }));

    expect(answer).toEqual({
      effect: 'Deny',
      reason:
        'mode library cannot be used: "Decimal": unknown type "Decimal": expected String, Long, Boolean, decimal, ipaddr, datetime, ' +
        'duration, Set<T>, Entity<Ns::Type> or a record { name: T } (at column 1)',
      determiningPolicies: [],
    });
    expect(client.telemetry.records[0]).toMatchObject({ errorKind: 'config' });
  });
});
