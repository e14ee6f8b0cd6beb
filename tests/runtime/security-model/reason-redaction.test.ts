// No decision line holds a raw token: not the reasons of the token path (each way a token is refused), and not the
// reasons that quote request values, where a client may put a token by mistake or on purpose (a header, a path).
import { createHmac } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRequestEvent, type GatewayRequest } from '../../../local/gateway/authorizer-events.js';
import { decodeToken, encodeSegment, tamperPayload } from '../../../local/issuer/token-issuer.js';
import { MemoryTelemetry, restRequestAuthorizer, type DecisionRecord } from '../../../runtime/index.js';
import { REDACTED_TOKEN } from '../../../runtime/observability/decision-line.js';
import { API, CUSTOMER, CUSTOMER_BUNDLE, startBillingWorld, type BillingWorld } from './support/billing-world.js';

let world: BillingWorld;

beforeAll(async () => {
  world = await startBillingWorld();
});

afterAll(async () => {
  await world.close();
});

/** A token, or any piece of one long enough to replay or read: a JSON segment in base64url starts with `eyJ`. */
const TOKEN_SHAPED = /eyJ[A-Za-z0-9_-]{8,}/;

/** What a decision line must not contain: the token, its payload and its signature. */
function pieces(token: string): string[] {
  const [, payload = '', signature = ''] = token.split('.');
  return [token, payload, signature].filter((piece) => piece.length > 0);
}

function expectNoToken(record: DecisionRecord | undefined, token: string): void {
  const line = JSON.stringify(record);
  for (const piece of pieces(token)) expect(line).not.toContain(piece);
  expect(line).not.toMatch(TOKEN_SHAPED);
}

async function decisionLine(event: APIGatewayRequestAuthorizerEvent): Promise<DecisionRecord | undefined> {
  const telemetry = new MemoryTelemetry();
  const handler = restRequestAuthorizer({ mode: CUSTOMER, bundle: CUSTOMER_BUNDLE, dependencies: world.dependencies(telemetry) });
  await handler(event).catch(() => undefined);
  return telemetry.records[0];
}

const request = (path: string, headerLines: readonly (readonly [string, string])[]): GatewayRequest => ({
  method: path.endsWith('/billing') ? 'POST' : 'GET',
  path,
  rawQuery: '',
  headerLines,
  sourceIp: '198.51.100.7',
});

const view = (accountId: string, headerLines: readonly (readonly [string, string])[]) =>
  restRequestEvent(API, request(`/accounts/${accountId}`, headerLines), '/accounts/{accountId}', { accountId });

describe('the token path: every refusal reason leaves the token out', () => {
  const cases: readonly { readonly name: string; readonly token: () => string; readonly errorKind: string }[] = [
    { name: 'an expired token', token: () => expiredToken(), errorKind: 'token' },
    {
      name: 'a tampered payload',
      token: () => tamperPayload(world.customerToken(), { 'custom:customer_id': 'cust-2' }),
      errorKind: 'token',
    },
    { name: 'a token of another issuer (the m2m pool)', token: () => world.serviceToken(['billing/read']), errorKind: 'token' },
    { name: 'an HS256 forgery', token: () => hmacForgery(), errorKind: 'token' },
    { name: 'a token above 16 KB', token: () => `${world.customerToken()}${'A'.repeat(17_000)}`, errorKind: 'token' },
    { name: 'a token with an unknown kid', token: () => withKid(world.customerToken(), 'kid-nobody-has'), errorKind: 'token' },
  ];

  it.each(cases)('$name: 401, and the reason holds no piece of the token', async ({ token, errorKind }) => {
    const raw = token();

    const record = await decisionLine(view('acct-1', [['Authorization', `Bearer ${raw}`]]));

    expect(record).toMatchObject({ result: 'unauthorized', errorKind });
    expectNoToken(record, raw);
  });

  it('two different tokens in two Authorization headers: 401 ambiguous-input, and neither token is logged', async () => {
    const first = world.customerToken();
    const second = world.customerToken({ groups: ['admin'] });

    const record = await decisionLine(
      view('acct-1', [
        ['Authorization', `Bearer ${first}`],
        ['authorization', `Bearer ${second}`],
      ]),
    );

    expect(record).toMatchObject({ result: 'unauthorized', errorKind: 'ambiguous-input' });
    expectNoToken(record, first);
    expectNoToken(record, second);
  });
});

describe('reasons that quote request values leave a token out', () => {
  it('a token sent as the amount header (a Long): Deny route, the reason says what was wrong without the value', async () => {
    const stray = world.customerToken();
    const event = restRequestEvent(
      API,
      request('/accounts/acct-1/billing', [
        ['Authorization', `Bearer ${world.customerToken()}`],
        ['X-Payment-Currency', 'EUR'],
        ['X-Payment-Amount', stray],
      ]),
      '/accounts/{accountId}/billing',
      { accountId: 'acct-1' },
    );

    const record = await decisionLine(event);

    expect(record).toMatchObject({
      result: 'deny',
      errorKind: 'route',
      reason: `context amount (header X-Payment-Amount): expected an integer, got "${REDACTED_TOKEN}"`,
    });
    expectNoToken(record, stray);
  });

  it('a token as the account id in the path: Deny entity-store, and neither reason nor resource holds it', async () => {
    const stray = world.customerToken();

    const record = await decisionLine(view(stray, [['Authorization', `Bearer ${world.customerToken()}`]]));

    expect(record).toMatchObject({
      result: 'deny',
      errorKind: 'entity-store',
      reason: `no entity Billing::Account::"${REDACTED_TOKEN}": no entity means no access`,
    });
    expectNoToken(record, stray);
  });

  it('a token in a path no route matches: Deny route, and the reason names the path without it', async () => {
    const stray = world.customerToken();
    const event = restRequestEvent(
      API,
      request(`/tokens/${stray}`, [['Authorization', `Bearer ${world.customerToken()}`]]),
      '/tokens/{token}',
      { token: stray },
    );

    const record = await decisionLine(event);

    expect(record).toMatchObject({ result: 'deny', errorKind: 'route', reason: `no route for GET /tokens/${REDACTED_TOKEN}` });
    expectNoToken(record, stray);
  });
});

// ------------------------------------------------------------------ tokens

function expiredToken(): string {
  return world.issuer.mint(
    CUSTOMER,
    world.issuer.claimsFor(CUSTOMER, { id: 'user-1', groups: ['payer'], attributes: { customer: 'cust-1' } }),
    { expiresInSeconds: -1 },
  );
}

/** HS256 over genuine claims, keyed with the issuer's public key PEM: the classic key-confusion forgery. */
function hmacForgery(): string {
  const { payload } = decodeToken(world.customerToken());
  const input = `${encodeSegment({ alg: 'HS256', typ: 'JWT', kid: world.issuer.currentKid() })}.${encodeSegment(payload)}`;
  return `${input}.${createHmac('sha256', world.issuer.publicKeyPem()).update(input).digest('base64url')}`;
}

/** Keeps payload and signature, names another key id (the signature no longer matters: the key is unknown). */
function withKid(token: string, kid: string): string {
  const { header } = decodeToken(token);
  const [, payload, signature] = token.split('.');
  return `${encodeSegment({ ...header, kid })}.${payload}.${signature}`;
}
