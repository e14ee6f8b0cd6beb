// The entity store and the template-link table failing in DynamoDB's own ways (slow, throttled, down), through a real
// REST handler: each is a Deny that says why, never cached, and the next request after the fault is decided again.
import type { ModeConfig } from '../../../runtime/config.js';
import { MemoryTelemetry, restRequestAuthorizer } from '../../../runtime/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  dependencies,
  ENTITY_TABLE,
  libraryBundle,
  libraryMode,
  LINK_TABLE,
  startLibraryWorld,
  type LibraryWorld,
} from '../cedar-fidelity/support/library-world.js';
import { restRequestEvent } from '../../../local/gateway/authorizer-events.js';
import { startDynamoFaultProxy, type DynamoFaultProxy } from './support/dynamo-fault-proxy.js';

let world: LibraryWorld;
let proxy: DynamoFaultProxy;

beforeAll(async () => {
  world = await startLibraryWorld();
  proxy = await startDynamoFaultProxy(world.dynamo.endpoint);
});

afterEach(() => proxy.setFault(undefined));

afterAll(async () => {
  await proxy.close();
  await world.close();
});

/** The library mode with a short entity-store budget, so a slow table costs little time. */
const FAST_STORE: ModeConfig = (() => {
  const mode = libraryMode();
  return { ...mode, timeouts: { ...mode.timeouts, entityStoreMs: 300 } };
})();

/** A REST handler whose DynamoDB client goes through the fault proxy; `call` answers the Effect and the decision line. */
function throughProxy(mode: ModeConfig) {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({
    mode,
    bundle: libraryBundle(),
    dependencies: { ...dependencies(world, { telemetry }), dynamoDb: proxy.client },
  });
  return {
    telemetry,
    async call(path: string, token: string) {
      const segment = path.split('/')[1] ?? '';
      const event = restRequestEvent(
        { apiId: 'libapi', stage: 'prod' },
        { method: 'GET', path, rawQuery: '', headers: { Authorization: `Bearer ${token}` }, sourceIp: '198.51.100.7' },
        `/${segment}/{docId}`,
        {},
      );
      const before = telemetry.records.length;
      const result = await handler(event);
      return { effect: result.policyDocument.Statement[0]?.Effect, record: telemetry.records[before] };
    },
  };
}

describe('a slow entity table (past timeouts.entityStoreMs)', () => {
  it('denies with errorKind entity-store without waiting for the reply, then allows once the table is fast again', async () => {
    const client = throughProxy(FAST_STORE);
    const token = world.token('alice');
    proxy.setFault({ kind: 'latency', table: ENTITY_TABLE, ms: 3000 });

    const during = await client.call('/read/d-alice', token);
    // The delayed read has not even reached dynalite yet: the answer came from the budget, not from the store.
    const forwardedWhenAnswered = proxy.forwardedRequests();
    proxy.setFault(undefined);
    const after = await client.call('/read/d-alice', token);

    expect(during.effect).toBe('Deny');
    expect(during.record).toMatchObject({
      result: 'deny',
      errorKind: 'entity-store',
      cacheHit: false,
      reason: expect.stringMatching(new RegExp(`^entity store ${ENTITY_TABLE} failed: `)),
    });
    expect(forwardedWhenAnswered).toBe(0);
    expect(after.effect).toBe('Allow');
    expect(after.record).toMatchObject({ result: 'allow', determiningPolicies: ['readers.own-docs'] });
  });
});

describe('a throttled entity table (BatchGetItem answers with UnprocessedKeys)', () => {
  it('denies with errorKind entity-store and "throttled the read", never treating the unread entities as absent', async () => {
    const client = throughProxy(libraryMode());
    const token = world.token('alice');
    proxy.setFault({ kind: 'unprocessed', table: ENTITY_TABLE });

    const during = await client.call('/read/d-alice', token);
    proxy.setFault(undefined);
    const after = await client.call('/read/d-alice', token);

    expect(proxy.faultedRequests()).toBeGreaterThan(0);
    expect(during.effect).toBe('Deny');
    expect(during.record).toMatchObject({
      result: 'deny',
      errorKind: 'entity-store',
      reason: `entity store ${ENTITY_TABLE} throttled the read`,
      cacheHit: false,
    });
    expect(after.effect).toBe('Allow');
  });
});

describe('the template-link table down (HTTP 500), then back', () => {
  it('denies a delegated read with errorKind template-links while it is down, and allows it once it is back', async () => {
    await world.putLinks({ type: 'Lib::User', id: 'kira' }, [
      { id: 'kira-views-d-plain', templateId: 'delegated-view', resource: { type: 'Lib::Doc', id: 'd-plain' } },
    ]);
    const client = throughProxy(libraryMode());
    const token = world.token('kira');
    proxy.setFault({ kind: 'server-error', table: LINK_TABLE });

    const during = await client.call('/delegated/d-plain', token);
    proxy.setFault(undefined);
    const after = await client.call('/delegated/d-plain', token);

    expect(during.effect).toBe('Deny');
    expect(during.record).toMatchObject({
      result: 'deny',
      errorKind: 'template-links',
      reason: `template-link table ${LINK_TABLE} failed: injected: internal server error`,
      cacheHit: false,
    });
    expect(after.effect).toBe('Allow');
    expect(after.record).toMatchObject({ result: 'allow', determiningPolicies: ['kira-views-d-plain'] });
  });
});
