// The replayable decision record: off unless the mode enables it, one per evaluated decision, full entities with the
// redacted claims replaced by a marker, never the token, and never for a decision served from the decision cache.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { restRequestEvent, restTokenEvent, type GatewayRequest } from '../../../local/gateway/authorizer-events.js';
import { policyBundleVersion } from '../../../runtime/cache/bundle-version.js';
import type { ModeConfig } from '../../../runtime/config.js';
import { DECISION_RECORD_TYPE, REDACTED_VALUE, type ReplayableRecord } from '../../../runtime/observability/decision-record.js';
import { powertoolsTelemetry } from '../../../runtime/observability/telemetry.js';
import { MemoryTelemetry, restRequestAuthorizer, restTokenAuthorizer } from '../../../runtime/index.js';
import { API, CUSTOMER, CUSTOMER_BUNDLE, PARTNER, startBillingWorld, type BillingWorld } from '../security-model/support/billing-world.js';

let world: BillingWorld;

beforeAll(async () => {
  world = await startBillingWorld();
});

afterAll(async () => {
  await world.close();
});

const NOW = Date.parse('2026-12-06T10:00:00.000Z');
const EMAIL = 'alice.secret@example.com';
const APPROVER = 'approver-secret-7';

const withRecords = (mode: ModeConfig, redactClaims: readonly string[]): ModeConfig => ({ ...mode, decisionRecords: { redactClaims } });

function handlerFor(mode: ModeConfig) {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({
    mode,
    bundle: CUSTOMER_BUNDLE,
    dependencies: { ...world.dependencies(telemetry), clock: { now: () => NOW } },
  });
  return { handler, telemetry };
}

/** user-1, a payer of cust-1, whose token also carries an email and an approver id (both claims the mode reads). */
function tokenWithPersonalClaims(): string {
  const claims = world.issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { customer: 'cust-1' } });
  return world.issuer.mint(CUSTOMER, { ...claims, email: EMAIL, 'custom:approver_id': APPROVER });
}

const paymentEvent = (token: string) => {
  const request: GatewayRequest = {
    method: 'POST',
    path: '/accounts/acct-1/billing',
    rawQuery: '',
    headers: { Authorization: `Bearer ${token}`, 'X-Payment-Amount': '120', 'X-Payment-Currency': 'EUR' },
    sourceIp: '198.51.100.7',
  };
  return restRequestEvent(API, request, '/accounts/{accountId}/billing', { accountId: 'acct-1' });
};

function onlyRecord(telemetry: MemoryTelemetry): ReplayableRecord {
  expect(telemetry.replayable).toHaveLength(1);
  const [record] = telemetry.replayable;
  if (!record) throw new Error('no record was written');
  return record;
}

describe('decision records are off by default', () => {
  it('a mode that does not enable them writes the decision line and no record', async () => {
    // arrange
    const { handler, telemetry } = handlerFor(CUSTOMER);

    // act
    await handler(paymentEvent(tokenWithPersonalClaims()));

    // assert
    expect(CUSTOMER.decisionRecords).toBeUndefined();
    expect(telemetry.records).toHaveLength(1);
    expect(telemetry.replayable).toEqual([]);
  });
});

describe('a record when the mode enables them', () => {
  it('holds the request, the full entities, the decision and its determining policies, the bundle version and the time', async () => {
    // arrange
    const { handler, telemetry } = handlerFor(withRecords(CUSTOMER, []));

    // act
    const answer = await handler(paymentEvent(tokenWithPersonalClaims()));

    // assert
    const record = onlyRecord(telemetry);
    const line = telemetry.records[0];
    expect(answer.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(record.type).toBe(DECISION_RECORD_TYPE);
    expect(record.mode).toBe('customer');
    expect(record.bundleVersion).toBe(policyBundleVersion(CUSTOMER_BUNDLE));
    expect(record.timestamp).toBe('2026-12-06T10:00:00.000Z');
    expect(record.principal).toEqual({ type: 'Billing::CustomerUser', id: 'user-1' });
    expect(record.action).toEqual({ type: 'Billing::Action', id: 'CreatePayment' });
    expect(record.resource).toEqual({ type: 'Billing::Account', id: 'acct-1' });
    expect(record.context).toEqual({ amount: 120, approverId: APPROVER, currency: 'EUR' });
    expect(record.decision).toBe('allow');
    expect(record.determiningPolicies).toEqual(line?.determiningPolicies);
    expect(record.determiningPolicies.length).toBeGreaterThan(0);
    expect(record.redacted).toEqual([]);
    expect(record.templateLinks).toEqual([]);
    const uids = record.entities.map((entity) => JSON.stringify(entity.uid)).sort();
    expect(uids).toContain(JSON.stringify({ type: 'Billing::Account', id: 'acct-1' }));
    expect(uids).toContain(JSON.stringify({ type: 'Billing::Customer', id: 'cust-1' }));
    const principal = record.entities.find((entity) => JSON.stringify(entity.uid) === JSON.stringify(record.principal));
    expect(principal?.attrs['email']).toBe(EMAIL);
  });

  it('replaces each redacted claim with the marker, in the principal and in the context, and names where', async () => {
    // arrange
    const { handler, telemetry } = handlerFor(withRecords(CUSTOMER, ['custom:approver_id', 'email']));

    // act
    await handler(paymentEvent(tokenWithPersonalClaims()));

    // assert
    const record = onlyRecord(telemetry);
    const principal = record.entities.find((entity) => JSON.stringify(entity.uid) === JSON.stringify(record.principal));
    expect(principal?.attrs['email']).toBe(REDACTED_VALUE);
    expect(record.context['approverId']).toBe(REDACTED_VALUE);
    expect(record.redacted).toEqual(['context.approverId', 'principal.email']);
    const text = JSON.stringify(record);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(APPROVER);
  });

  it('never holds the token or any token-shaped text', async () => {
    // arrange
    const { handler, telemetry } = handlerFor(withRecords(CUSTOMER, []));
    const token = tokenWithPersonalClaims();

    // act
    await handler(paymentEvent(token));

    // assert
    const text = JSON.stringify(onlyRecord(telemetry));
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain('eyJ');
  });

  it('writes no record for a decision served from the decision cache: the engine did not evaluate it', async () => {
    // arrange
    const { handler, telemetry } = handlerFor(withRecords(CUSTOMER, []));
    const token = tokenWithPersonalClaims();

    // act
    await handler(paymentEvent(token));
    await handler(paymentEvent(token));

    // assert
    expect(telemetry.records.map((line) => line.cacheHit)).toEqual([false, true]);
    expect(telemetry.replayable).toHaveLength(1);
  });

  it("writes one record per route of a TOKEN authorizer's batch", async () => {
    // arrange
    const telemetry = new MemoryTelemetry();
    const handler = restTokenAuthorizer({
      mode: withRecords(PARTNER, []),
      bundle: CUSTOMER_BUNDLE,
      dependencies: world.dependencies(telemetry),
    });

    // act
    const request: GatewayRequest = { method: 'GET', path: '/house-account', rawQuery: '', headers: {}, sourceIp: '198.51.100.7' };
    await handler(restTokenEvent(API, request, `Bearer ${world.customerToken()}`));

    // assert
    expect(telemetry.replayable.map((record) => [record.action.id, record.resource.id, record.decision])).toEqual([
      ['ViewAccount', 'acct-1', 'allow'],
    ]);
  });
});

describe('the record line', () => {
  it('Powertools writes it as its own JSON line, `record` under the message "decision record", apart from the decision line', () => {
    // arrange
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const record: ReplayableRecord = {
      type: DECISION_RECORD_TYPE,
      version: 1,
      mode: 'customer',
      bundleVersion: '0123456789abcdef',
      timestamp: '2026-12-06T10:00:00.000Z',
      principal: { type: 'Billing::CustomerUser', id: 'user-1' },
      action: { type: 'Billing::Action', id: 'ViewAccount' },
      resource: { type: 'Billing::Account', id: 'acct-1' },
      context: {},
      entities: [],
      templateLinks: [],
      redacted: [],
      decision: 'allow',
      determiningPolicies: ['customer.view-own-account'],
      errors: [],
    };

    // act
    try {
      powertoolsTelemetry('customer').recordReplayable(record);
    } finally {
      spy.mockRestore();
    }

    // assert
    const line = JSON.parse(written.join('')) as Record<string, unknown>;
    expect(line['message']).toBe('decision record');
    expect(line['record']).toEqual(record);
    expect('decision' in line).toBe(false);
  });
});
