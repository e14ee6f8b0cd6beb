// A JWT attack corpus through the real handlers of every mode: each attack ends in exactly the 401 or the Deny stated, never an Allow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHmacToken,
  createUnsignedToken,
  decodeToken,
  replaceSegment,
  stripSignature,
  tamperPayload,
  type Claims,
  type MintOptions,
} from '../../local/issuer/token-issuer.js';
import type { ModeConfig } from '../../runtime/config.js';
import { MemoryTelemetry } from '../../runtime/index.js';
import { MAX_TOKEN_LENGTH } from '../../runtime/token/extract-token.js';
import {
  allow,
  deny,
  denyFor,
  expectAnswer,
  MODE_NAMES,
  MODES,
  unauthorized,
  type Expected,
  type ModeName,
  type ModeUnderTest,
  type PolicyContext,
  type Target,
} from './support/modes.js';
import { signPayloadText, withDuplicateClaim } from './support/raw-jws.js';
import { startWorld, type World } from './support/world.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.close();
});

// ------------------------------------------------------------------ one legitimate principal per mode

interface Scenario {
  readonly m: ModeUnderTest;
  /** A legitimate principal with a low privilege. */
  readonly claims: () => Claims;
  /** A request that principal is allowed, and the policy that allows it. */
  readonly target: Target;
  readonly allowedBy: PolicyContext;
  /** Claims naming an audience or app client the mode does not trust. */
  readonly wrongAudience: Claims;
  /** A genuine token of the same issuer with the other token use (id ↔ access). */
  readonly otherTokenUse: () => string;
  /** The claim that grants privileges, its privileged and unprivileged values, and a request only privilege allows. */
  readonly privilege: {
    readonly claim: string;
    readonly granted: unknown;
    readonly withheld: unknown;
    readonly target: Target;
    readonly allowedBy: PolicyContext;
    readonly deniedBy: (withheld: unknown) => PolicyContext;
  };
  /** An identity claim written twice: a first-wins reader would trust `first`. */
  readonly duplicateIdentity: {
    readonly claim: string;
    readonly first: unknown;
    readonly last: unknown;
    readonly target: Target;
    readonly expected: Expected;
  };
  /** A claim the principal needs, present only inside `__proto__`. */
  readonly requiredClaim: { readonly claim: string; readonly expected: Expected };
}

const CUSTOMER_ADMIN_ONLY: Target = { method: 'POST', path: '/billing/pay-1/approve' };
const TENANT_ADMIN_ONLY: Target = { method: 'POST', path: '/tenants/acme-bank/billing/pay-a1/approve' };
const FRAUD_ONLY: Target = { method: 'POST', path: '/accounts/acct-1/freeze' };

const customerUser = (roles: readonly string[], determiningPolicies: readonly string[] = []): PolicyContext => ({
  principalId: 'user-1',
  principalType: 'Billing::CustomerUser',
  roles,
  determiningPolicies,
});
const staffUser = (roles: readonly string[], determiningPolicies: readonly string[] = []): PolicyContext => ({
  principalId: 'sam',
  principalType: 'Billing::StaffUser',
  roles,
  determiningPolicies,
});
const service = (determiningPolicies: readonly string[] = []): PolicyContext => ({
  principalId: 'ledgerservice01',
  principalType: 'Billing::Service',
  roles: [],
  determiningPolicies,
});
const tenantUser = (roles: readonly string[], determiningPolicies: readonly string[] = []): PolicyContext => ({
  principalId: 'tina',
  principalType: 'Billing::TenantUser',
  tenantId: 'acme-bank',
  roles,
  determiningPolicies,
});
const asRoles = (groups: unknown): string[] => (Array.isArray(groups) ? groups.map(String) : []);

/** The same issuer and app clients, issuing the other token use. */
function withTokenUse(mode: ModeConfig, tokenUse: 'id' | 'access'): ModeConfig {
  const source = mode.identitySource;
  if (source.kind === 'oidc') throw new Error('OIDC sources have no token_use');
  return { ...mode, identitySource: { kind: 'cognito', userPoolId: source.userPoolId, clientIds: source.clientIds, tokenUse } };
}

const SCENARIOS: Readonly<Record<ModeName, Scenario>> = {
  customer: {
    m: MODES.customer,
    claims: () =>
      world.issuer.claimsFor(MODES.customer.mode, {
        id: 'user-1',
        groups: ['viewer'],
        attributes: { customer: 'cust-1', email: 'ana@example.com' },
      }),
    target: { method: 'GET', path: '/accounts/acct-1' },
    allowedBy: customerUser(['viewer'], ['customer.read-own']),
    wrongAudience: { aud: 'otherclient01' },
    otherTokenUse: () => world.issuer.mint(withTokenUse(MODES.customer.mode, 'access'), SCENARIOS.customer.claims()),
    privilege: {
      claim: 'cognito:groups',
      granted: ['admin'],
      withheld: ['viewer'],
      target: CUSTOMER_ADMIN_ONLY,
      allowedBy: customerUser(['admin'], ['customer.admin-approve-payment']),
      deniedBy: (groups) => customerUser(asRoles(groups)),
    },
    duplicateIdentity: {
      claim: 'custom:customer_id',
      first: 'cust-2',
      last: 'cust-1',
      target: { method: 'GET', path: '/accounts/acct-2' },
      expected: deny(customerUser(['viewer'])),
    },
    requiredClaim: { claim: 'custom:customer_id', expected: denyFor('claims') },
  },
  internal: {
    m: MODES.internal,
    claims: () => ({
      ...world.issuer.claimsFor(MODES.internal.mode, { id: 'sam', groups: ['support'], attributes: { email: 'sam@billing.example' } }),
      amr: ['pwd', 'mfa'],
    }),
    target: { method: 'GET', path: '/billing/pay-1' },
    allowedBy: staffUser(['support'], ['staff.support-read']),
    wrongAudience: { aud: 'api://other-api' },
    // Okta's id token is for the OIDC client: its audience is the client id, not the API.
    otherTokenUse: () =>
      world.issuer.mint(MODES.internal.mode, {
        ...SCENARIOS.internal.claims(),
        aud: '0oalocalclient',
        scp: undefined,
        cid: undefined,
        nonce: 'n-1',
      }),
    privilege: {
      claim: 'groups',
      granted: ['fraud'],
      withheld: ['support'],
      target: FRAUD_ONLY,
      allowedBy: staffUser(['fraud'], ['staff.fraud-freeze-account']),
      deniedBy: (groups) => staffUser(asRoles(groups)),
    },
    duplicateIdentity: {
      claim: 'aud',
      first: 'api://billing-internal',
      last: 'api://other-api',
      target: { method: 'GET', path: '/billing/pay-1' },
      expected: unauthorized,
    },
    requiredClaim: { claim: 'email', expected: denyFor('claims') },
  },
  m2m: {
    m: MODES.m2m,
    claims: () =>
      world.issuer.claimsFor(MODES.m2m.mode, {
        id: 'ledgerservice01',
        attributes: { clientId: 'ledgerservice01', scopes: ['billing/events.read'] },
      }),
    target: { method: 'GET', path: '/', query: { accountId: 'acct-1' } },
    allowedBy: service(['service.subscribe-payment-events']),
    wrongAudience: { client_id: 'rogueservice99' },
    otherTokenUse: () => world.issuer.mint(withTokenUse(MODES.m2m.mode, 'id'), { sub: 'ledgerservice01', scope: 'billing/events.read' }),
    privilege: {
      claim: 'scope',
      granted: 'billing/events.read',
      withheld: 'billing/read',
      target: { method: 'GET', path: '/', query: { accountId: 'acct-1' } },
      allowedBy: service(['service.subscribe-payment-events']),
      deniedBy: () => service(),
    },
    duplicateIdentity: {
      claim: 'client_id',
      first: 'ledgerservice01',
      last: 'rogueservice99',
      target: { method: 'GET', path: '/', query: { accountId: 'acct-1' } },
      expected: unauthorized,
    },
    requiredClaim: { claim: 'client_id', expected: unauthorized },
  },
  'multi-tenant': {
    m: MODES['multi-tenant'],
    claims: () =>
      world.issuer.claimsFor(MODES['multi-tenant'].mode, {
        id: 'tina',
        tenant: 'acme-bank',
        groups: ['viewer'],
        attributes: { customer: 'cust-a1' },
      }),
    target: { method: 'GET', path: '/tenants/acme-bank/accounts/acct-a1' },
    allowedBy: tenantUser(['viewer'], ['tenant.read-own']),
    wrongAudience: { client_id: 'otherclient01' },
    otherTokenUse: () => world.issuer.mint(withTokenUse(MODES['multi-tenant'].mode, 'id'), SCENARIOS['multi-tenant'].claims()),
    privilege: {
      claim: 'cognito:groups',
      granted: ['admin'],
      withheld: ['viewer'],
      target: TENANT_ADMIN_ONLY,
      allowedBy: tenantUser(['admin'], ['tenant.admin-approve-payment']),
      deniedBy: (groups) => tenantUser(asRoles(groups)),
    },
    duplicateIdentity: {
      claim: 'custom:tenant_id',
      first: 'globex',
      last: 'acme-bank',
      target: { method: 'GET', path: '/tenants/globex/accounts/acct-g1' },
      expected: denyFor('tenant'),
    },
    requiredClaim: { claim: 'custom:tenant_id', expected: denyFor('claims') },
  },
};

const ALL = MODE_NAMES.map((name) => SCENARIOS[name]);

// ------------------------------------------------------------------ helpers

function mint(s: Scenario, overrides: Claims = {}, options: MintOptions = {}): string {
  return world.issuer.mint(s.m.mode, { ...s.claims(), ...overrides }, options);
}

/** The claims of a genuine token, as the issuer signed them (protocol claims, iss, iat, exp included). */
function signedPayload(s: Scenario, overrides: Claims = {}): Record<string, unknown> {
  return decodeToken(mint(s, overrides)).payload;
}

/**
 * Sends `Bearer <token>` (or a raw Authorization value) to a fresh handler of the mode and checks the exact answer and logged error kind.
 */
async function expectAttack(
  s: Scenario,
  token: string,
  expected: Expected,
  target: Target = s.target,
  options: { raw?: boolean } = {},
): Promise<void> {
  const telemetry = new MemoryTelemetry();
  const handler = s.m.handler(world, telemetry);

  await expectAnswer(s.m, target, handler(s.m.event(target, options.raw ? token : `Bearer ${token}`)), expected);

  const kind = expected.outcome === 'unauthorized' ? 'token' : 'reason' in expected ? expected.reason : undefined;
  expect(telemetry.records.map((r) => r.errorKind)).toEqual([kind]);
}

/** Claims count whole seconds: starting early in a second keeps "1 s ahead" true while the request runs. */
async function earlyInASecond(): Promise<void> {
  const intoSecond = Date.now() % 1000;
  if (intoSecond > 200) await new Promise((resolve) => setTimeout(resolve, 1000 - intoSecond));
}

/**
 * For exp and nbf boundaries: the handler first serves a genuine request (JWKS, entities and tenant now cached), then
 * the token is minted early in a second and sent at once, so the request takes milliseconds of the 800 ms margin.
 */
async function expectAtTimeBoundary(
  s: Scenario,
  options: { expiresInSeconds?: number; notBeforeSeconds?: number },
  expected: Expected,
): Promise<void> {
  const telemetry = new MemoryTelemetry();
  const handler = s.m.handler(world, telemetry);
  await expectAnswer(s.m, s.target, handler(s.m.event(s.target, `Bearer ${mint(s)}`)), allow(s.allowedBy));
  await earlyInASecond();

  await expectAnswer(s.m, s.target, handler(s.m.event(s.target, `Bearer ${mint(s, {}, options)}`)), expected);

  expect(telemetry.records.map((r) => r.errorKind)).toEqual([undefined, expected.outcome === 'unauthorized' ? 'token' : undefined]);
}

// ------------------------------------------------------------------ controls

describe('controls: the genuine tokens the attacks start from', () => {
  it.each(ALL)('$m.name: the low-privilege principal is allowed its request', async (s) => {
    await expectAttack(s, mint(s), allow(s.allowedBy));
  });

  it.each(ALL)('$m.name: the privileged principal is allowed the request the attacks aim at', async (s) => {
    await expectAttack(s, mint(s, { [s.privilege.claim]: s.privilege.granted }), allow(s.privilege.allowedBy), s.privilege.target);
  });
});

// ------------------------------------------------------------------ signature and algorithm

describe('alg none', () => {
  it.each(ALL)('$m.name: an unsigned token carrying genuine claims gets 401', async (s) => {
    await expectAttack(s, createUnsignedToken(signedPayload(s), { kid: world.issuer.currentKid() }), unauthorized);
  });
});

describe('HS256 signed with the RSA public key (key confusion)', () => {
  it.each(ALL)('$m.name: an HMAC over genuine claims keyed with the public key PEM gets 401', async (s) => {
    const token = createHmacToken(signedPayload(s), world.issuer.publicKeyPem('rsa'), { kid: world.issuer.currentKid('rsa') });

    await expectAttack(s, token, unauthorized);
  });
});

describe('RS256 / ES256 confusion', () => {
  it.each(ALL)('$m.name: header ES256 with the RSA kid over an RSA signature gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { key: 'rsa', header: { alg: 'ES256' } }), unauthorized);
  });

  it.each(ALL)('$m.name: header ES256 with the EC kid over an RSA signature gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { key: 'rsa', header: { alg: 'ES256', kid: world.issuer.currentKid('ec') } }), unauthorized);
  });

  it.each(ALL)('$m.name: header RS256 with the EC kid over an ES256 signature gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { key: 'ec', header: { alg: 'RS256' } }), unauthorized);
  });

  it.each(ALL)('$m.name: header RS256 with the RSA kid over an ES256 signature gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { key: 'ec', header: { alg: 'RS256', kid: world.issuer.currentKid('rsa') } }), unauthorized);
  });
});

describe('an unknown kid', () => {
  it.each(ALL)('$m.name: a genuine signature under a kid the JWKS does not list gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { header: { kid: 'no-such-kid' } }), unauthorized);
  });
});

describe('a tampered payload', () => {
  it.each(ALL)('$m.name: privileges added after signing get 401', async (s) => {
    const genuine = mint(s, { [s.privilege.claim]: s.privilege.withheld });

    await expectAttack(s, tamperPayload(genuine, { [s.privilege.claim]: s.privilege.granted }), unauthorized, s.privilege.target);
  });

  it.each(ALL)('$m.name: boundary, one character of the signed payload segment changed gets 401', async (s) => {
    const [header, payload = '', signature] = mint(s).split('.');
    const flipped = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}`;

    await expectAttack(s, `${header}.${flipped}.${signature}`, unauthorized);
  });
});

describe('a stripped signature', () => {
  it.each(ALL)('$m.name: header.payload. with no signature gets 401', async (s) => {
    await expectAttack(s, stripSignature(mint(s)), unauthorized);
  });
});

// ------------------------------------------------------------------ time

describe('expiry', () => {
  it.each(ALL)('$m.name: a token that expired 1 s ago gets 401', async (s) => {
    await expectAttack(s, mint(s, {}, { expiresInSeconds: -1 }), unauthorized);
  });

  it.each(ALL)('$m.name: boundary, a token that expires in 1 s is allowed', async (s) => {
    await expectAtTimeBoundary(s, { expiresInSeconds: 1 }, allow(s.allowedBy));
  });
});

describe('not before', () => {
  it.each(ALL)('$m.name: a token whose nbf is 1 s in the future gets 401', async (s) => {
    await expectAtTimeBoundary(s, { notBeforeSeconds: 1 }, unauthorized);
  });

  it.each(ALL)('$m.name: boundary, a token whose nbf is this very second is allowed', async (s) => {
    await expectAttack(s, mint(s, {}, { notBeforeSeconds: 0 }), allow(s.allowedBy));
  });
});

// ------------------------------------------------------------------ issuer, audience, token use

describe('the wrong issuer', () => {
  it.each(ALL)("$m.name: an attacker's user pool as iss, signed by a trusted key, gets 401", async (s) => {
    await expectAttack(s, mint(s, { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Attacker1' }), unauthorized);
  });

  it.each(ALL)('$m.name: the trusted iss with a trailing slash gets 401', async (s) => {
    await expectAttack(s, mint(s, { iss: `${world.issuer.endpointsFor(s.m.mode).issuer}/` }), unauthorized);
  });
});

describe('the wrong audience or client id', () => {
  it.each(ALL)('$m.name: a token for an untrusted audience or app client gets 401', async (s) => {
    await expectAttack(s, mint(s, s.wrongAudience), unauthorized);
  });

  it.each(ALL)('$m.name: boundary, the empty string as audience or client id gets 401', async (s) => {
    const [claim] = Object.keys(s.wrongAudience);
    await expectAttack(s, mint(s, { [claim ?? 'aud']: '' }), unauthorized);
  });
});

describe('token use confusion (an id token where an access token is required, and the reverse)', () => {
  it.each(ALL)('$m.name: a genuine token of the other token use gets 401', async (s) => {
    await expectAttack(s, s.otherTokenUse(), unauthorized);
  });
});

// ------------------------------------------------------------------ shape and size

describe('a 1 MB token', () => {
  it.each(ALL)('$m.name: a genuinely signed 1 MB token gets 401 before any parsing', async (s) => {
    await expectAttack(s, mint(s, { padding: 'A'.repeat(1024 * 1024) }), unauthorized);
  });

  /** `Bearer`, then spaces, then a genuine ~16 KB token: the Authorization value is exactly `length` characters. */
  function authorizationOfLength(s: Scenario, length: number): string {
    const token = mint(s, { padding: 'A'.repeat(10_500) });
    const spaces = length - 'Bearer'.length - token.length;
    if (spaces < 1) throw new Error(`the token is too long (${token.length}) for an Authorization value of ${length}`);
    return `Bearer${' '.repeat(spaces)}${token}`;
  }

  it.each(ALL)(`$m.name: boundary, an Authorization value of exactly ${MAX_TOKEN_LENGTH} characters is allowed`, async (s) => {
    await expectAttack(s, authorizationOfLength(s, MAX_TOKEN_LENGTH), allow(s.allowedBy), s.target, { raw: true });
  });

  it.each(ALL)(`$m.name: boundary, an Authorization value of ${MAX_TOKEN_LENGTH + 1} characters gets 401`, async (s) => {
    await expectAttack(s, authorizationOfLength(s, MAX_TOKEN_LENGTH + 1), unauthorized, s.target, { raw: true });
  });
});

describe('segments that are not JSON', () => {
  it.each(ALL)('$m.name: a header that is truncated JSON gets 401', async (s) => {
    await expectAttack(s, replaceSegment(mint(s), 0, '{"alg":"RS256",'), unauthorized);
  });

  it.each(ALL)('$m.name: a payload that is not JSON, under the original signature, gets 401', async (s) => {
    await expectAttack(s, replaceSegment(mint(s), 1, 'sub=user-1&admin=true'), unauthorized);
  });

  it.each(ALL)('$m.name: a payload that is not JSON, genuinely signed, gets 401', async (s) => {
    await expectAttack(s, signPayloadText(world.keys.rsa, JSON.stringify(signedPayload(s)).slice(0, -1)), unauthorized);
  });

  it.each(ALL)('$m.name: a payload that is a JSON array of the claims, genuinely signed, gets 401', async (s) => {
    await expectAttack(s, signPayloadText(world.keys.rsa, JSON.stringify([signedPayload(s)])), unauthorized);
  });

  it.each(ALL)('$m.name: boundary, an empty payload segment gets 401', async (s) => {
    const [header, , signature] = mint(s).split('.');
    await expectAttack(s, `${header}..${signature}`, unauthorized);
  });
});

// ------------------------------------------------------------------ claims

describe('duplicate claims', () => {
  it.each(ALL)('$m.name: the privilege claim written twice, privileged first, is read as its last value: Deny', async (s) => {
    const payload = signedPayload(s, { [s.privilege.claim]: s.privilege.withheld });
    const token = signPayloadText(world.keys.rsa, withDuplicateClaim(payload, s.privilege.claim, s.privilege.granted));

    await expectAttack(s, token, deny(s.privilege.deniedBy(s.privilege.withheld)), s.privilege.target);
  });

  it.each(ALL)('$m.name: an identity claim written twice, trusted value first, is read as its last value', async (s) => {
    const { claim, first, last, target, expected } = s.duplicateIdentity;
    const payload = signedPayload(s, { [claim]: last });
    const token = signPayloadText(world.keys.rsa, withDuplicateClaim(payload, claim, first));

    await expectAttack(s, token, expected, target);
  });
});

describe('__proto__ and constructor claims', () => {
  /** A genuinely signed payload whose JSON text carries `__proto__` and `constructor` members. */
  function withPrototypeMembers(payload: Record<string, unknown>, smuggled: Claims): string {
    const members = `"__proto__":${JSON.stringify(smuggled)},"constructor":${JSON.stringify({ prototype: smuggled })}`;
    return `{${members},${JSON.stringify(payload).slice(1)}`;
  }

  it.each(ALL)('$m.name: privileges inside __proto__ and constructor.prototype grant nothing: Deny', async (s) => {
    const payload = signedPayload(s, { [s.privilege.claim]: s.privilege.claim === 'scope' ? s.privilege.withheld : undefined });
    const token = signPayloadText(world.keys.rsa, withPrototypeMembers(payload, { [s.privilege.claim]: s.privilege.granted }));

    await expectAttack(s, token, deny(s.privilege.deniedBy(undefined)), s.privilege.target);
    expect(Object.prototype).not.toHaveProperty(s.privilege.claim);
  });

  it.each(ALL)('$m.name: a required claim present only inside __proto__ is missing', async (s) => {
    const { claim, expected } = s.requiredClaim;
    const present = signedPayload(s)[claim];
    const token = signPayloadText(world.keys.rsa, withPrototypeMembers(signedPayload(s, { [claim]: undefined }), { [claim]: present }));

    await expectAttack(s, token, expected);
    expect(Object.prototype).not.toHaveProperty(claim);
  });
});

describe('type confusion in claims', () => {
  const cases: readonly { mode: ModeName; name: string; claims: Claims; expected: Expected }[] = [
    {
      mode: 'customer',
      name: 'groups as a list of objects',
      claims: { 'cognito:groups': [{ name: 'admin' }] },
      expected: denyFor('claims'),
    },
    { mode: 'customer', name: 'groups as an object', claims: { 'cognito:groups': { admin: true } }, expected: denyFor('claims') },
    { mode: 'customer', name: 'groups as a string', claims: { 'cognito:groups': 'admin' }, expected: denyFor('claims') },
    { mode: 'customer', name: 'the customer id as a number', claims: { 'custom:customer_id': 1 }, expected: denyFor('claims') },
    {
      mode: 'customer',
      name: 'the customer id as an entity reference',
      claims: { 'custom:customer_id': { __entity: { type: 'Billing::Customer', id: 'cust-1' } } },
      expected: denyFor('claims'),
    },
    { mode: 'internal', name: 'groups as a list of objects', claims: { groups: [{ name: 'fraud' }] }, expected: denyFor('claims') },
    { mode: 'internal', name: 'groups as an object', claims: { groups: { fraud: true } }, expected: denyFor('claims') },
    { mode: 'internal', name: 'the email as a number', claims: { email: 7 }, expected: denyFor('claims') },
    {
      mode: 'internal',
      name: 'amr (read into the request context) as a string where a list is expected',
      claims: { amr: 'mfa' },
      expected: denyFor('claims'),
    },
    { mode: 'internal', name: 'amr as a list of objects', claims: { amr: [{ method: 'mfa' }] }, expected: denyFor('claims') },
    // aws-jwt-verify refuses a non-string `scope` (or `sub`, `iss`...) while parsing, before any claim is mapped.
    {
      mode: 'm2m',
      name: 'scope as a list where a string is expected',
      claims: { scope: ['billing/events.read'] },
      expected: unauthorized,
    },
    { mode: 'm2m', name: 'the client id as a number', claims: { client_id: 1 }, expected: unauthorized },
    { mode: 'multi-tenant', name: 'groups as an object', claims: { 'cognito:groups': { admin: true } }, expected: denyFor('claims') },
    { mode: 'multi-tenant', name: 'groups as a list of lists', claims: { 'cognito:groups': [['admin']] }, expected: denyFor('claims') },
    { mode: 'multi-tenant', name: 'the tenant id as a number', claims: { 'custom:tenant_id': 1 }, expected: denyFor('claims') },
    { mode: 'multi-tenant', name: 'the tenant id as a list', claims: { 'custom:tenant_id': ['acme-bank'] }, expected: denyFor('claims') },
    { mode: 'multi-tenant', name: 'the customer id as a number', claims: { 'custom:customer_id': 1 }, expected: denyFor('claims') },
    {
      mode: 'multi-tenant',
      name: 'boundary, the tenant id as the empty string',
      claims: { 'custom:tenant_id': '' },
      expected: denyFor('claims'),
    },
  ];

  it.each(cases)('$mode: $name', async ({ mode, claims, expected }) => {
    const s = SCENARIOS[mode];

    await expectAttack(s, mint(s, claims), expected, s.privilege.target);
  });
});

// ------------------------------------------------------------------ group names

/** Names that read as the privileged group to a human or a naive string builder, and are not it. */
function lookAlikes(group: string, entityType: string): readonly { name: string; value: string }[] {
  const cyrillicA = group.replace('a', '\u0430');
  return [
    { name: 'Cedar syntax closing the string', value: `${group}" || true || "` },
    { name: 'a NUL byte after the name', value: `${group}\u0000` },
    { name: 'a Cedar entity literal', value: `${entityType}::"${group}"` },
    { name: 'a Cyrillic а', value: cyrillicA },
    { name: 'full-width letters', value: [...group].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join('') },
    { name: 'a zero-width joiner after the name', value: `${group}\u200d` },
    { name: 'boundary, upper case', value: group.toUpperCase() },
    { name: 'boundary, a trailing space', value: `${group} ` },
  ];
}

const GROUP_TARGETS: readonly { mode: ModeName; group: string; entityType: string; target: Target }[] = [
  { mode: 'customer', group: 'admin', entityType: 'Billing::Role', target: CUSTOMER_ADMIN_ONLY },
  { mode: 'customer', group: 'admin', entityType: 'Billing::Role', target: { method: 'POST', path: '/customers/cust-1/beneficiaries' } },
  { mode: 'internal', group: 'fraud', entityType: 'Billing::StaffGroup', target: FRAUD_ONLY },
  { mode: 'multi-tenant', group: 'admin', entityType: 'Billing::Role', target: TENANT_ADMIN_ONLY },
];

describe('group names carrying Cedar syntax or Unicode confusables', () => {
  const cases = GROUP_TARGETS.flatMap(({ mode, group, entityType, target }) =>
    lookAlikes(group, entityType).map(({ name, value }) => ({ mode, target, name, value, label: `${target.method} ${target.path}` })),
  );

  it.each(cases)('$mode: $name, on $label, is denied', async ({ mode, target, value }) => {
    const s = SCENARIOS[mode];

    await expectAttack(s, mint(s, { [s.privilege.claim]: [value] }), deny(s.privilege.deniedBy([value])), target);
  });

  it('the genuine admin is allowed to add a beneficiary to their own customer (control for the second customer target)', async () => {
    const s = SCENARIOS.customer;

    await expectAttack(s, mint(s, { 'cognito:groups': ['admin'] }), allow(customerUser(['admin'], ['customer.admin-add-beneficiary'])), {
      method: 'POST',
      path: '/customers/cust-1/beneficiaries',
    });
  });
});

describe('scope names carrying confusables (m2m)', () => {
  // Scopes are space-delimited: a trailing space is only a delimiter, and scopes are no entities.
  const cases = lookAlikes('billing/events.read', 'Billing::Scope').filter(
    ({ name }) => name !== 'a Cedar entity literal' && name !== 'boundary, a trailing space',
  );

  it.each(cases)('$name, next to a genuine mode scope, is denied', async ({ value }) => {
    const s = SCENARIOS.m2m;

    await expectAttack(s, mint(s, { scope: `billing/read ${value}` }), deny(service()));
  });
});
