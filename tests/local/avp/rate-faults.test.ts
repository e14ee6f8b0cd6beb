// Request-rate throttling and seeded random faults on the local AVP endpoint, as a tenant sync meets them in AWS.
//
// AVP answers a request over a quota with HTTP 429 ThrottlingException ("Quotas for Amazon Verified Permissions",
// https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/quotas.html, "Quotas for operations per second";
// each operation has its own quota, per account and Region). The endpoint's clock is injected: no test waits.
import {
  GetPolicyStoreCommand,
  ListPolicyStoresCommand,
  ThrottlingException,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type FaultRule, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { newBillingStore } from './support/billing-store.js';

let endpoint: LocalAvpEndpoint;
let client: VerifiedPermissionsClient;
let policyStoreId: string;
let clock = 1_000_000;

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint({ now: () => clock });
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
  policyStoreId = await newBillingStore(client);
});

afterEach(() => {
  endpoint.setFault(undefined);
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

/** What each of `count` sequential calls met: ok, or the error's name. */
async function outcomes(count: number, call: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  for (let index = 0; index < count; index += 1) {
    seen.push(
      await call().then(
        () => 'ok',
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      ),
    );
  }
  return seen;
}

const getStore = () => client.send(new GetPolicyStoreCommand({ policyStoreId }));
const listStores = () => client.send(new ListPolicyStoresCommand({}));

describe('rate-limit', () => {
  it('lets a burst through, then answers 429 ThrottlingException until the bucket refills at the rate', async () => {
    endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 2, burst: 3 });

    const burst = await outcomes(5, getStore);
    clock += 500; // one token at 2 per second
    const halfSecondLater = await outcomes(2, getStore);
    clock += 10_000; // refills to the burst, no further
    const muchLater = await outcomes(4, getStore);

    expect(burst).toEqual(['ok', 'ok', 'ok', 'ThrottlingException', 'ThrottlingException']);
    expect(halfSecondLater).toEqual(['ok', 'ThrottlingException']);
    expect(muchLater).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
  });

  it('throttles with HTTP 429, the status the SDK retries on', async () => {
    endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 1 });
    await getStore();

    const error = await getStore().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    expect((error as ThrottlingException).message).toBe('Rate exceeded');
  });

  it('keeps one bucket per operation, as AVP keeps one quota per operation', async () => {
    endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 1, burst: 2 });

    const gets = await outcomes(3, getStore);
    const lists = await outcomes(3, listStores);

    expect(gets).toEqual(['ok', 'ok', 'ThrottlingException']);
    expect(lists).toEqual(['ok', 'ok', 'ThrottlingException']);
  });

  it('limits only the operations it names', async () => {
    endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 1, burst: 1, operations: ['GetPolicyStore'] });

    const gets = await outcomes(2, getStore);
    const lists = await outcomes(3, listStores);

    expect(gets).toEqual(['ok', 'ThrottlingException']);
    expect(lists).toEqual(['ok', 'ok', 'ok']);
  });

  it('refuses a rate that is not a number above zero, and a burst that is not a positive integer', () => {
    expect(() => endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 0 })).toThrow(
      'rate-limit requestsPerSecond must be a finite number > 0, got 0',
    );
    expect(() => endpoint.setFault({ kind: 'rate-limit', requestsPerSecond: 5, burst: 0.5 })).toThrow(
      'rate-limit burst must be a positive integer, got 0.5',
    );
  });
});

describe('random faults', () => {
  const RANDOM: FaultRule = { kind: 'random', probability: 0.25, faults: [{ kind: 'throttle' }, { kind: 'server-error' }], seed: 7 };

  it('fails the same requests with the same faults on every run of the same seed', async () => {
    endpoint.setFault(RANDOM);
    const first = await outcomes(60, getStore);
    endpoint.setFault(RANDOM);
    const second = await outcomes(60, getStore);
    endpoint.setFault({ ...RANDOM, seed: 8 });
    const otherSeed = await outcomes(60, getStore);

    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'ThrottlingException', 'InternalServerException']));
  });

  it('fails about the chosen fraction of requests: 25 % of 200 is between 35 and 65 for this seed', async () => {
    endpoint.setFault({ ...RANDOM, faults: [{ kind: 'server-error' }] });

    const seen = await outcomes(200, getStore);
    const failed = seen.filter((outcome) => outcome === 'InternalServerException').length;

    expect(failed).toBeGreaterThanOrEqual(35);
    expect(failed).toBeLessThanOrEqual(65);
  });

  it('fails nothing at probability 0 and everything at probability 1', async () => {
    endpoint.setFault({ ...RANDOM, probability: 0 });
    const never = await outcomes(20, getStore);
    endpoint.setFault({ ...RANDOM, probability: 1, faults: [{ kind: 'server-error' }] });
    const always = await outcomes(20, getStore);

    expect(never).toEqual(Array(20).fill('ok'));
    expect(always).toEqual(Array(20).fill('InternalServerException'));
  });

  it('refuses a probability outside 0..1, an empty list of faults, and an unknown operation', () => {
    expect(() => endpoint.setFault({ ...RANDOM, probability: 1.5 })).toThrow('random probability must be from 0 to 1, got 1.5');
    expect(() => endpoint.setFault({ ...RANDOM, faults: [] })).toThrow('random faults must name at least one fault to inject');
    expect(() => endpoint.setFault({ kind: 'throttle', operations: ['NoSuchCall' as 'GetPolicyStore'] })).toThrow(
      'fault.operations names an unknown operation "NoSuchCall"',
    );
  });
});

describe('a list of faults', () => {
  it('applies the first that fires: a throttle scoped to one operation, then a rate limit for the rest', async () => {
    endpoint.setFault([
      { kind: 'server-error', operations: ['ListPolicyStores'], times: 1 },
      { kind: 'rate-limit', requestsPerSecond: 1, burst: 2 },
    ]);

    const lists = await outcomes(4, listStores);
    const gets = await outcomes(3, getStore);

    // The scoped fault took the first ListPolicyStores before it reached the bucket, and then cleared itself.
    expect(lists).toEqual(['InternalServerException', 'ok', 'ok', 'ThrottlingException']);
    expect(gets).toEqual(['ok', 'ok', 'ThrottlingException']);
  });

  it('a fault scoped to an operation leaves the others alone and counts only its own requests against times', async () => {
    endpoint.setFault({ kind: 'server-error', operations: ['GetPolicyStore'], times: 2 });

    const lists = await outcomes(2, listStores);
    const gets = await outcomes(3, getStore);

    expect(lists).toEqual(['ok', 'ok']);
    expect(gets).toEqual(['InternalServerException', 'InternalServerException', 'ok']);
  });

  it('setFault(undefined) clears every fault of the list', async () => {
    endpoint.setFault([{ kind: 'throttle' }, { kind: 'rate-limit', requestsPerSecond: 1, burst: 1 }]);
    endpoint.setFault(undefined);

    const seen = await outcomes(3, getStore);

    expect(seen).toEqual(['ok', 'ok', 'ok']);
  });
});
