import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { CedarValueJson, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type Fault, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import type { PolicyBundle } from '../../../runtime/config.js';
import { createAvpEngine } from '../../../runtime/engine/avp-engine.js';
import type { AuthorizationRequest, Engine } from '../../../runtime/engine/decision.js';
import { EngineError } from '../../../runtime/errors.js';
import { LAB_BUNDLE } from '../../differential/lab-domain.js';
import { dataset, lab, labRequest, user } from '../../differential/lab-world.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const customerBundle = fixtureMode('billing', 'customer').POLICY_BUNDLE;

const CUSTOMER: PolicyBundle = customerBundle;

const uid = (type: string, id: string): TypeAndId => ({ type: `Billing::${type}`, id });
const action = (id: string): TypeAndId => ({ type: 'Billing::Action', id });
const ref = (u: TypeAndId): CedarValueJson => ({ __entity: u });

function customerUser(id: string, role: string, customer: string): EntityJson {
  return { uid: uid('CustomerUser', id), attrs: { userId: id, customer: ref(uid('Customer', customer)) }, parents: [uid('Role', role)] };
}

function account(id: string, owner: string, frozen = false): EntityJson {
  return {
    uid: uid('Account', id),
    attrs: { owner: ref(uid('Customer', owner)), tenant: ref(uid('Tenant', 't1')), currency: 'EUR', frozen },
    parents: [uid('Customer', owner)],
  };
}

// vera_ViewAccount_ownAccount: allowed by customer.read-own.
const VIEW_OWN_ACCOUNT: AuthorizationRequest = {
  principal: uid('CustomerUser', 'vera'),
  action: action('ViewAccount'),
  resource: uid('Account', 'acct-1'),
  context: {},
  entities: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c1')],
};

/** Where the budget is not the subject: generous, so a busy machine never turns a decision into a timeout. */
const DECISION_BUDGET_MS = 5000;

let endpoint: LocalAvpEndpoint;
let policyStoreId: string;
let labStoreId: string;
const clients: VerifiedPermissionsClient[] = [];

function avpEngine(options: { maxAttempts: number; timeoutMs: number }): Engine {
  const client = createLocalAvpClient(endpoint.url, { maxAttempts: options.maxAttempts });
  clients.push(client);
  return createAvpEngine({ client, timeoutMs: options.timeoutMs });
}

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  policyStoreId = endpoint.seedPolicyStore({ bundle: CUSTOMER });
  labStoreId = endpoint.seedPolicyStore({ bundle: LAB_BUNDLE });
});

beforeEach(() => {
  endpoint.setFault(undefined);
  endpoint.resetRequestCounts();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

afterAll(async () => {
  await endpoint.close();
});

describe('decisions through the real SDK', () => {
  it("allows vera to view her own customer's account, determined by customer.read-own", async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });

    const decision = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
  });

  it("denies vera another customer's account, with no determining policy", async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    const request = {
      ...VIEW_OWN_ACCOUNT,
      resource: uid('Account', 'acct-2'),
      entities: [customerUser('vera', 'viewer', 'c1'), account('acct-2', 'c2')],
    };

    const decision = await engine.isAuthorized(request, { policyStoreId });

    expect(decision).toEqual({ decision: 'deny', determiningPolicies: [], errors: [] });
  });

  it('names both forbids, sorted, when a large payment from a frozen account is refused', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    const request: AuthorizationRequest = {
      principal: uid('CustomerUser', 'pat'),
      action: action('CreatePayment'),
      resource: uid('Account', 'acct-frozen'),
      context: { amount: 5_000_000, currency: 'EUR' },
      entities: [customerUser('pat', 'payer', 'c1'), account('acct-frozen', 'c1', true)],
    };

    const decision = await engine.isAuthorized(request, { policyStoreId });

    expect(decision).toEqual({
      decision: 'deny',
      determiningPolicies: ['shared.forbid-billing-from-frozen-account', 'shared.forbid-large-payment-without-approver'],
      errors: [],
    });
  });

  it('turns an ALLOW that came with an evaluation error into a deny: the erroring forbid might have applied', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    // alice owns d1 and writes with MFA (lab.owner-write), but doubling her clearance overflows in a forbid: AVP answers ALLOW.
    const request = labRequest(
      'alice',
      'write',
      lab('Dataset', 'd1'),
      [user('alice', { clearance: 2 ** 62 }), dataset('d1', { owner: 'alice' })],
      { mfa: true },
    );

    const decision = await engine.isAuthorized(request, { policyStoreId: labStoreId });

    expect(decision.decision).toBe('deny');
    expect(decision.determiningPolicies).toEqual([]);
    expect(decision.errors).toEqual([
      expect.stringMatching(/^policy lab\.forbid-owner-outranked: integer overflow while attempting to multiply/),
    ]);
  });

  it("throws EngineError carrying AVP's ValidationException for an entity that does not conform to the store's schema", async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    const accountWithoutFrozen: EntityJson = {
      uid: uid('Account', 'acct-1'),
      attrs: { owner: ref(uid('Customer', 'c1')), tenant: ref(uid('Tenant', 't1')), currency: 'EUR' },
      parents: [],
    };

    const decision = engine.isAuthorized(
      { ...VIEW_OWN_ACCOUNT, entities: [customerUser('vera', 'viewer', 'c1'), accountWithoutFrozen] },
      { policyStoreId },
    );

    await expect(decision).rejects.toThrow(
      new EngineError(
        'Verified Permissions failed (ValidationException): entity does not conform to the schema: expected entity ' +
          '`Billing::Account::"acct-1"` to have attribute `frozen`, but it does not',
      ),
    );
  });

  it('throws EngineError without a policy store id', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, {});

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow('no policy store id for the avp engine');
  });

  it('throws EngineError, without calling AVP, for a value AVP has no type for', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    const request: AuthorizationRequest = { ...VIEW_OWN_ACCOUNT, context: { window: { __extn: { fn: 'offset', arg: '1h' } } } };

    const decision = engine.isAuthorized(request, { policyStoreId });

    await expect(decision).rejects.toThrow(
      new EngineError('the request cannot be sent to Verified Permissions: AVP has no attribute type for the extension function "offset"'),
    );
    expect(endpoint.requestCount('IsAuthorized')).toBe(0);
  });

  it('throws EngineError for a policy store AVP does not know', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId: 'NoSuchStore0000000000' });

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow(
      'Verified Permissions failed (ResourceNotFoundException): POLICY_STORE NoSuchStore0000000000 not found',
    );
  });
});

describe('every fault ends in EngineError, never an allow', () => {
  const cases: readonly { readonly fault: Fault; readonly message: string }[] = [
    { fault: { kind: 'latency', ms: 1000 }, message: 'Verified Permissions failed (AbortError): Request aborted' },
    { fault: { kind: 'throttle' }, message: 'Verified Permissions failed (ThrottlingException): Rate exceeded' },
    {
      fault: { kind: 'server-error' },
      message: 'Verified Permissions failed (InternalServerException): injected fault: internal server error',
    },
    { fault: { kind: 'malformed' }, message: 'Verified Permissions failed (SyntaxError): Unexpected token' },
    { fault: { kind: 'reset' }, message: 'Verified Permissions failed (TimeoutError): socket hang up' },
  ];

  it.each(cases)('$fault.kind ends in EngineError', async ({ fault, message }) => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: 150 });
    endpoint.setFault(fault);

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow(message);
    expect(endpoint.requestCount('IsAuthorized')).toBe(1);
  });
});

describe('the timeout budget', () => {
  it('aborts a reply slower than timeoutMs within the budget, and does not retry it', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 100 });
    endpoint.setFault({ kind: 'latency', ms: 1000 });
    const started = performance.now();

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    await expect(decision).rejects.toThrow(new EngineError('Verified Permissions failed (AbortError): Request aborted'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(endpoint.requestCount('IsAuthorized')).toBe(1);
  });

  it('answers a reply slower than usual but within timeoutMs', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: 1000 });
    endpoint.setFault({ kind: 'latency', ms: 50 });

    const decision = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
  });

  it('ends retries of a lasting throttle in EngineError once the budget runs out', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 200 });
    endpoint.setFault({ kind: 'throttle' });
    const started = performance.now();

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    await expect(decision).rejects.toThrow(EngineError);
    expect(performance.now() - started).toBeLessThan(600);
  });
});

describe('retries, with maxAttempts 3', () => {
  it('retries a lasting 500 three times in all, then throws EngineError', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 2000 });
    endpoint.setFault({ kind: 'server-error' });

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    await expect(decision).rejects.toThrow(
      new EngineError('Verified Permissions failed (InternalServerException): injected fault: internal server error'),
    );
    expect(endpoint.requestCount('IsAuthorized')).toBe(3);
  });

  it('retries two 500s and allows on the third attempt', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 2000 });
    endpoint.setFault({ kind: 'server-error', times: 2 });

    const decision = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
    expect(endpoint.requestCount('IsAuthorized')).toBe(3);
  });

  it('retries a throttled first attempt and allows on the second', async () => {
    // The SDK backs off up to 1 s after a throttle: the budget leaves room for it.
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 3000 });
    endpoint.setFault({ kind: 'throttle', times: 1 });

    const decision = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
    expect(endpoint.requestCount('IsAuthorized')).toBe(2);
  });

  it('retries a reset connection and allows on the second attempt', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 2000 });
    endpoint.setFault({ kind: 'reset', times: 1 });

    const decision = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
    expect(endpoint.requestCount('IsAuthorized')).toBe(2);
  });

  it('does not retry a malformed 200 answer: one request, then EngineError', async () => {
    const engine = avpEngine({ maxAttempts: 3, timeoutMs: 2000 });
    endpoint.setFault({ kind: 'malformed' });

    const decision = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    await expect(decision).rejects.toThrow(EngineError);
    await expect(decision).rejects.toThrow('Verified Permissions failed (SyntaxError)');
    expect(endpoint.requestCount('IsAuthorized')).toBe(1);
  });
});

describe('recovery', () => {
  it('answers normally again once a fault is cleared', async () => {
    const engine = avpEngine({ maxAttempts: 1, timeoutMs: DECISION_BUDGET_MS });
    endpoint.setFault({ kind: 'server-error' });
    const during = engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });
    await expect(during).rejects.toThrow(EngineError);

    endpoint.setFault(undefined);
    const after = await engine.isAuthorized(VIEW_OWN_ACCOUNT, { policyStoreId });

    expect(after).toEqual({ decision: 'allow', determiningPolicies: ['customer.read-own'], errors: [] });
  });
});
