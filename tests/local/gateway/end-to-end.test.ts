// End to end over real HTTP and a real WebSocket client: each mode's local API Gateway, its authorizer and the backend.
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrincipal, loadDemoData, SEED_PATH } from '../../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../../local/environment.js';
import { CACHE_HEADER, GATEWAY_BODIES } from '../../../local/gateway/local-gateway.js';
import { tamperPayload } from '../../../local/issuer/token-issuer.js';
import { MemoryTelemetry } from '../../../runtime/index.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

let env: LocalEnvironment;

beforeAll(async () => {
  env = await startLocalEnvironment({ root: fixtureRoot('billing'), telemetry: new MemoryTelemetry() });
});

afterAll(async () => {
  await env?.close();
});

/** A fresh token each call: every token is its own cache key, so tests never see each other's cached answers. */
function tokenFor(mode: string, principal: string, options: { expiresInSeconds?: number } = {}): string {
  return mintDemoToken(env.issuer, env.gateway(mode).mode, demoPrincipal(env.demo, mode, principal), options);
}

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly cache: string | null;
}

async function send(mode: string, probe: Probe, token?: string): Promise<Reply> {
  const gateway = env.gateway(mode);
  const response = await fetch(`${gateway.url}${probe.path}`, {
    method: probe.method,
    headers: { ...probe.headers, ...(token !== undefined ? { [gateway.mode.api.tokenHeader]: `Bearer ${token}` } : {}) },
  });
  return { status: response.status, body: await response.json(), cache: response.headers.get(CACHE_HEADER) };
}

function calls(mode: string): number {
  return env.gateway(mode).stats.authorizerCalls;
}

/** The backend's echo of an allowed request: the path it got and the authorizer context the gateway forwarded. */
function echo(probe: Probe, authorizer: Record<string, string>): object {
  return { backend: 'demo', method: probe.method, path: probe.path, principalId: authorizer['principalId'], authorizer };
}

type Upgrade =
  | { readonly status: 101; readonly socket: WebSocket; readonly welcome: unknown }
  | { readonly status: number; readonly body: unknown };

/** Opens a WebSocket; resolves with the first message once open, or with the refused upgrade's status and body. */
function upgrade(mode: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Upgrade> {
  const url = `${env.gateway(mode).url.replace(/^http/, 'ws')}${pathAndQuery}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    socket.once('message', (data: WebSocket.RawData) => resolve({ status: 101, socket, welcome: JSON.parse(data.toString()) }));
  });
}

function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data: WebSocket.RawData) => resolve(JSON.parse(data.toString()))));
}

async function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface HttpModeCase {
  readonly mode: string;
  readonly api: string;
  readonly allowed: Probe & { readonly principal: string; readonly authorizer: Record<string, string> };
  readonly denied: Probe & { readonly principal: string };
  readonly deniedBody: object;
  /** What a token the authorizer refuses gets, and why the API type answers that way. */
  readonly refusedToken: { readonly status: number; readonly body: object; readonly because: string };
  readonly unknownRoute: { readonly status: number; readonly body: object };
  /** Same principal as `allowed`, another route of the mode. */
  readonly otherRoute: Probe & { readonly status: number };
  /** Same principal and route as `allowed`, another resource id. */
  readonly otherResource: Probe & { readonly status: number };
  /** A token allowed on `allowed` and denied on `denied`, both on one route. */
  readonly crossResource: { readonly principal: string; readonly allowed: Probe; readonly denied: Probe };
}

const REST_REFUSED_TOKEN = {
  status: 401,
  body: GATEWAY_BODIES.unauthorized,
  because: '401 Unauthorized: the authorizer throws "Unauthorized"',
};
const PAYMENT_HEADERS = { 'X-Payment-Amount': '100', 'X-Payment-Currency': 'EUR' };

const HTTP_MODES: readonly HttpModeCase[] = [
  {
    mode: 'customer',
    api: 'REST, local engine',
    allowed: {
      principal: 'alice',
      method: 'GET',
      path: '/accounts/acct-1',
      authorizer: {
        principalId: 'alice',
        principalType: 'Billing::CustomerUser',
        roles: '["payer"]',
        decision: 'allow',
        determiningPolicies: '["customer.read-own"]',
      },
    },
    denied: { principal: 'alice', method: 'GET', path: '/accounts/acct-2' },
    deniedBody: GATEWAY_BODIES.explicitDeny,
    refusedToken: REST_REFUSED_TOKEN,
    unknownRoute: { status: 403, body: GATEWAY_BODIES.missingToken },
    otherRoute: { method: 'GET', path: '/accounts/acct-1/billing', status: 200 },
    otherResource: { method: 'GET', path: '/accounts/acct-frozen', status: 200 },
    crossResource: {
      principal: 'alice',
      allowed: { method: 'POST', path: '/accounts/acct-1/billing', headers: PAYMENT_HEADERS },
      denied: { method: 'POST', path: '/accounts/acct-2/billing', headers: PAYMENT_HEADERS },
    },
  },
  {
    mode: 'internal',
    api: 'REST, AVP engine',
    allowed: {
      principal: 'sam',
      method: 'GET',
      path: '/billing/pay-2',
      authorizer: {
        principalId: 'sam',
        principalType: 'Billing::StaffUser',
        roles: '["support"]',
        decision: 'allow',
        determiningPolicies: '["staff.support-read"]',
      },
    },
    denied: { principal: 'rob', method: 'POST', path: '/billing/pay-1/refund' },
    deniedBody: GATEWAY_BODIES.explicitDeny,
    refusedToken: REST_REFUSED_TOKEN,
    unknownRoute: { status: 403, body: GATEWAY_BODIES.missingToken },
    otherRoute: { method: 'GET', path: '/accounts/acct-1', status: 200 },
    otherResource: { method: 'GET', path: '/billing/pay-1', status: 200 },
    crossResource: {
      principal: 'rita',
      allowed: { method: 'POST', path: '/billing/pay-1/refund' },
      denied: { method: 'POST', path: '/billing/pay-2/refund' },
    },
  },
  {
    mode: 'multi-tenant',
    api: 'HTTP API, per-tenant AVP stores',
    allowed: {
      principal: 'tina',
      method: 'GET',
      path: '/tenants/acme-bank/accounts/acct-a1',
      authorizer: {
        principalId: 'tina',
        principalType: 'Billing::TenantUser',
        tenantId: 'acme-bank',
        roles: '["payer"]',
        decision: 'allow',
        determiningPolicies: '["tenant.read-own"]',
      },
    },
    denied: { principal: 'tina', method: 'GET', path: '/tenants/globex/accounts/acct-g1' },
    deniedBody: GATEWAY_BODIES.forbidden,
    refusedToken: {
      status: 403,
      body: GATEWAY_BODIES.forbidden,
      because: '403 Forbidden: a simple-response authorizer has no 401, it answers isAuthorized false',
    },
    unknownRoute: { status: 404, body: GATEWAY_BODIES.notFound },
    otherRoute: { method: 'GET', path: '/tenants/acme-bank/accounts/acct-a1/billing', status: 200 },
    otherResource: { method: 'GET', path: '/tenants/acme-bank/accounts/acct-g1', status: 403 },
    crossResource: {
      principal: 'tina',
      allowed: { method: 'GET', path: '/tenants/acme-bank/accounts/acct-a1' },
      denied: { method: 'GET', path: '/tenants/acme-bank/accounts/acct-g1' },
    },
  },
];

for (const c of HTTP_MODES) {
  describe(`${c.mode} (${c.api})`, () => {
    it(`allows ${c.allowed.principal} ${c.allowed.method} ${c.allowed.path}, and the backend echoes the authorizer context`, async () => {
      const reply = await send(c.mode, c.allowed, tokenFor(c.mode, c.allowed.principal));

      expect(reply).toEqual({ status: 200, body: echo(c.allowed, c.allowed.authorizer), cache: 'miss' });
    });

    it(`denies ${c.denied.principal} ${c.denied.method} ${c.denied.path} with 403 and API Gateway's body`, async () => {
      const reply = await send(c.mode, c.denied, tokenFor(c.mode, c.denied.principal));

      expect(reply).toEqual({ status: 403, body: c.deniedBody, cache: 'miss' });
    });

    it(`a token altered after signing gets ${c.refusedToken.because}`, async () => {
      const forged = tamperPayload(tokenFor(c.mode, c.allowed.principal), { sub: 'someone-else' });
      const before = calls(c.mode);

      const reply = await send(c.mode, c.allowed, forged);

      expect({ status: reply.status, body: reply.body }).toEqual({ status: c.refusedToken.status, body: c.refusedToken.body });
      expect(calls(c.mode)).toBe(before + 1);
    });

    it(`an expired token gets ${c.refusedToken.because}`, async () => {
      const expired = tokenFor(c.mode, c.allowed.principal, { expiresInSeconds: -60 });

      const reply = await send(c.mode, c.allowed, expired);

      expect({ status: reply.status, body: reply.body }).toEqual({ status: c.refusedToken.status, body: c.refusedToken.body });
    });

    it('no token is a 401 Unauthorized from the gateway, without calling the authorizer', async () => {
      const before = calls(c.mode);

      const reply = await send(c.mode, c.allowed);

      expect(reply).toEqual({ status: 401, body: GATEWAY_BODIES.unauthorized, cache: null });
      expect(calls(c.mode)).toBe(before);
    });

    it(`an unknown route is a ${c.unknownRoute.status} from the gateway, without calling the authorizer`, async () => {
      const before = calls(c.mode);

      const reply = await send(c.mode, { method: 'GET', path: '/no-such-route' }, tokenFor(c.mode, c.allowed.principal));

      expect(reply).toEqual({ status: c.unknownRoute.status, body: c.unknownRoute.body, cache: null });
      expect(calls(c.mode)).toBe(before);
    });

    it('a repeated identical request is served from the gateway cache with the same authorizer context', async () => {
      const token = tokenFor(c.mode, c.allowed.principal);
      const first = await send(c.mode, c.allowed, token);
      const before = calls(c.mode);

      const second = await send(c.mode, c.allowed, token);

      expect(first.cache).toBe('miss');
      expect(second).toEqual({ status: 200, body: echo(c.allowed, c.allowed.authorizer), cache: 'hit' });
      expect(calls(c.mode)).toBe(before);
    });

    it(`the same token on another route (${c.otherRoute.method} ${c.otherRoute.path}) is not served from the cache`, async () => {
      const token = tokenFor(c.mode, c.allowed.principal);
      await send(c.mode, c.allowed, token);
      const before = calls(c.mode);

      const reply = await send(c.mode, c.otherRoute, token);

      expect({ status: reply.status, cache: reply.cache }).toEqual({ status: c.otherRoute.status, cache: 'miss' });
      expect(calls(c.mode)).toBe(before + 1);
    });

    it(`the same token on another resource id (${c.otherResource.path}) is not served from the cache`, async () => {
      const token = tokenFor(c.mode, c.allowed.principal);
      await send(c.mode, c.allowed, token);
      const before = calls(c.mode);

      const reply = await send(c.mode, c.otherResource, token);

      expect({ status: reply.status, cache: reply.cache }).toEqual({ status: c.otherResource.status, cache: 'miss' });
      expect(calls(c.mode)).toBe(before + 1);
    });

    it(`a cached Allow on ${c.crossResource.allowed.path} never lets the same token reach ${c.crossResource.denied.path}`, async () => {
      const token = tokenFor(c.mode, c.crossResource.principal);
      const allowed = await send(c.mode, c.crossResource.allowed, token);
      const cachedAllow = await send(c.mode, c.crossResource.allowed, token);

      const denied = await send(c.mode, c.crossResource.denied, token);

      expect([allowed.status, cachedAllow.cache]).toEqual([200, 'hit']);
      expect(denied).toEqual({ status: 403, body: c.deniedBody, cache: 'miss' });
    });
  });
}

describe('customer (REST): a cached Allow stays with its account', () => {
  it("a cached Allow for alice on acct-1 never lets alice's token read acct-2, however often it is repeated", async () => {
    const token = tokenFor('customer', 'alice');
    await send('customer', { method: 'GET', path: '/accounts/acct-1' }, token);
    await send('customer', { method: 'GET', path: '/accounts/acct-1' }, token);

    const first = await send('customer', { method: 'GET', path: '/accounts/acct-2' }, token);
    const repeated = await send('customer', { method: 'GET', path: '/accounts/acct-2' }, token);

    expect(first).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny, cache: 'miss' });
    expect(repeated).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny, cache: 'hit' });
  });
});

describe('m2m (WebSocket $connect)', () => {
  const LEDGER_CONTEXT = {
    principalId: 'ledgerservice01',
    principalType: 'Billing::Service',
    roles: '[]',
    decision: 'allow',
    determiningPolicies: '["service.subscribe-payment-events"]',
  };
  const WELCOME = { backend: 'demo', method: 'POST', path: '/$connect', principalId: 'ledgerservice01', authorizer: LEDGER_CONTEXT };

  it(
    'a token in the Authorization header opens the socket; the first message ' +
      'is the backend echo of the authorizer context, then messages are echoed',
    async () => {
      const opened = await upgrade('m2m', '/?accountId=acct-1', { Authorization: `Bearer ${tokenFor('m2m', 'ledger')}` });
      if (!('socket' in opened)) throw new Error(`expected an open socket, got ${JSON.stringify(opened)}`);

      try {
        const reply = nextMessage(opened.socket);
        opened.socket.send('ping');

        expect(opened.welcome).toEqual(WELCOME);
        expect(await reply).toEqual({ echo: 'ping', connectionId: expect.stringMatching(UUID) });
      } finally {
        await closeSocket(opened.socket);
      }
    },
  );

  it('a token in the access_token query parameter opens the socket with the same authorizer context', async () => {
    const opened = await upgrade('m2m', `/?accountId=acct-1&access_token=${tokenFor('m2m', 'ledger')}`);
    if (!('socket' in opened)) throw new Error(`expected an open socket, got ${JSON.stringify(opened)}`);

    try {
      const reply = nextMessage(opened.socket);
      opened.socket.send('hello');

      expect(opened.welcome).toEqual(WELCOME);
      expect(await reply).toEqual({ echo: 'hello', connectionId: expect.stringMatching(UUID) });
    } finally {
      await closeSocket(opened.socket);
    }
  });

  it('a service without the events scope is refused: the upgrade fails with 403 and the explicit-deny body', async () => {
    const refused = await upgrade('m2m', '/?accountId=acct-1', { Authorization: `Bearer ${tokenFor('m2m', 'notify')}` });

    expect(refused).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny });
  });

  it('a denied token in the query parameter is refused with 403 too', async () => {
    const refused = await upgrade('m2m', `/?accountId=acct-1&access_token=${tokenFor('m2m', 'notify')}`);

    expect(refused).toEqual({ status: 403, body: GATEWAY_BODIES.explicitDeny });
  });

  it('a token altered after signing fails the upgrade with 401 Unauthorized', async () => {
    const forged = tamperPayload(tokenFor('m2m', 'notify'), { scope: 'billing/events.read' });

    const refused = await upgrade('m2m', '/?accountId=acct-1', { Authorization: `Bearer ${forged}` });

    expect(refused).toEqual({ status: 401, body: GATEWAY_BODIES.unauthorized });
  });

  it('an expired token fails the upgrade with 401 Unauthorized', async () => {
    const refused = await upgrade('m2m', '/?accountId=acct-1', {
      Authorization: `Bearer ${tokenFor('m2m', 'ledger', { expiresInSeconds: -60 })}`,
    });

    expect(refused).toEqual({ status: 401, body: GATEWAY_BODIES.unauthorized });
  });

  it('no token is a 401 from the authorizer: the identity source is the accountId query parameter, so the authorizer runs', async () => {
    const before = calls('m2m');

    const refused = await upgrade('m2m', '/?accountId=acct-1');

    expect(refused).toEqual({ status: 401, body: GATEWAY_BODIES.unauthorized });
    expect(calls('m2m')).toBe(before + 1);
  });

  it('no accountId (the identity source) is a 401 from the gateway, without calling the authorizer', async () => {
    const before = calls('m2m');

    const refused = await upgrade('m2m', '/', { Authorization: `Bearer ${tokenFor('m2m', 'ledger')}` });

    expect(refused).toEqual({ status: 401, body: GATEWAY_BODIES.unauthorized });
    expect(calls('m2m')).toBe(before);
  });

  it('every $connect calls the authorizer: WebSocket authorizers are not cached', async () => {
    const token = tokenFor('m2m', 'ledger');
    const before = calls('m2m');

    const first = await upgrade('m2m', '/?accountId=acct-1', { Authorization: `Bearer ${token}` });
    const second = await upgrade('m2m', '/?accountId=acct-1', { Authorization: `Bearer ${token}` });
    const sockets = [first, second];

    for (const opened of sockets) if ('socket' in opened) await closeSocket(opened.socket);
    expect(sockets.map((opened) => opened.status)).toEqual([101, 101]);
    expect(calls('m2m')).toBe(before + 2);
  });
});

describe('the examples of the billing fixture seed (local/demo/seed.yaml) behave as declared', () => {
  // Read from the seed file at collection time: a new example is tested with no change here.
  const examples = Object.entries(loadDemoData(join(fixtureRoot('billing'), SEED_PATH)).examples).flatMap(([mode, list]) =>
    list.map((example) => ({ mode, ...example })),
  );

  for (const example of examples) {
    it(`${example.mode}: ${example.principal} ${example.method} ${example.path} → ${example.expect} (${example.why})`, async () => {
      const token = tokenFor(example.mode, example.principal);
      const websocket = env.gateway(example.mode).mode.api.type === 'websocket';

      const status = websocket
        ? await upgrade(example.mode, example.path, { [env.gateway(example.mode).mode.api.tokenHeader]: `Bearer ${token}` }).then(
            async (opened) => {
              if ('socket' in opened) await closeSocket(opened.socket);
              return opened.status;
            },
          )
        : (await send(example.mode, example, token)).status;

      expect(status).toBe(example.expect);
    });
  }
});
