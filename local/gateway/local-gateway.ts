// An HTTP server that behaves like API Gateway in front of a mode's generated authorizer: routing, identity sources,
// the authorizer result cache, IAM policy enforcement, API Gateway's 401/403 bodies, and forwarding to a backend.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../common/clock.js';
import type { ModeConfig } from '../../runtime/config.js';
import type { AuthorizerContext } from '../../runtime/response/responses.js';
import { connectIdentityInput, routeRequestInputs } from '../../runtime/routes/request-inputs.js';
import { TtlLruCache } from '../../runtime/cache/ttl-lru.js';
import { connectRouteOf, RouteTable } from '../../runtime/routes/route-table.js';
import {
  httpRequestEvent,
  methodArn,
  restHeaderValue,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
  type ApiIdentity,
  type WireRequest,
} from './authorizer-events.js';
import { AUTHORIZER_CONTEXT_HEADER, AUTHORIZER_PRINCIPAL_HEADER } from './demo-backend.js';
import { type GatewayHandler, policyContext } from './gateway-handler.js';
import { evaluatePolicy } from './iam-policy.js';
import { cacheKeyOf, httpIdentityValues, type IdentitySource, presentValues, restIdentityValues } from './identity-sources.js';
import { listenOnLoopback } from './listen.js';
import { startGatewayManagement } from './management-api.js';

export type { GatewayHandler } from './gateway-handler.js';

export interface LocalGatewayOptions {
  readonly mode: ModeConfig;
  /** The mode's authorizer handler, built with the runtime factory the generated handler uses. */
  readonly handler: GatewayHandler;
  readonly backendUrl: string;
  readonly port?: number;
  /** The port of the API's control-plane listener (flushing its authorizer cache). @default 0, a free port */
  readonly managementPort?: number;
  /** Expires cached authorizer answers, as the runtime's caches expire. @default SYSTEM_CLOCK */
  readonly clock?: Clock;
}

export interface GatewayStats {
  authorizerCalls: number;
  cacheHits: number;
}

export interface LocalGateway {
  readonly url: string;
  readonly mode: ModeConfig;
  /** The API's id and stage, as the control plane names them. */
  readonly api: ApiIdentity;
  /**
   * API Gateway's control plane for this API, on a listener of its own so its paths never clash with the API's routes:
   * FlushStageAuthorizersCache (REST) and ResetAuthorizersCache (HTTP) through the real SDK (local/gateway/management-api.ts).
   */
  readonly managementUrl: string;
  readonly stats: GatewayStats;
  /** Forgets cached authorizer results, as FlushStageAuthorizersCache or ResetAuthorizersCache does. */
  flushCache(): void;
  close(): Promise<void>;
}

/** API Gateway's own bodies for refusals; frozen: callers compare answers with them and never change them. */
export const GATEWAY_BODIES = Object.freeze({
  unauthorized: { message: 'Unauthorized' },
  missingToken: { message: 'Missing Authentication Token' },
  notFound: { message: 'Not Found' },
  forbidden: { message: 'Forbidden' },
  explicitDeny: { Message: 'User is not authorized to access this resource with an explicit deny' },
  implicitDeny: { Message: 'User is not authorized to access this resource' },
  authorizerError: { message: null },
});

export const CACHE_HEADER = 'x-local-gateway-authorizer-cache';

/** API Gateway does not publish its cache size; this bound only keeps a local process's memory flat. */
export const GATEWAY_CACHE_ENTRIES = 10_000;

type CachedAnswer =
  | { kind: 'policy'; result: APIGatewayAuthorizerResult }
  | { kind: 'simple'; result: APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext> };

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const { mode } = options;
  const api: ApiIdentity = { apiId: `local-${mode.name}`, stage: mode.api.type === 'http' ? '$default' : 'prod' };
  const routes = new RouteTable(mode.routes);
  // Bounded and expiring like the runtime's own caches, so a long soak does not grow the heap with every key.
  const cache = new TtlLruCache<string, CachedAnswer>(GATEWAY_CACHE_ENTRIES, options.clock);
  const stats: GatewayStats = { authorizerCalls: 0, cacheHits: 0 };
  const sockets = new Set<Socket>();

  async function authorize(
    cacheKey: string | undefined,
    call: () => Promise<CachedAnswer>,
  ): Promise<{ answer: CachedAnswer; hit: boolean }> {
    if (cacheKey !== undefined && mode.cache.ttlSeconds > 0) {
      const cached = cache.get(cacheKey);
      if (cached) {
        stats.cacheHits++;
        return { answer: cached, hit: true };
      }
    }
    stats.authorizerCalls++;
    const answer = await call();
    if (cacheKey !== undefined && mode.cache.ttlSeconds > 0) cache.set(cacheKey, answer, mode.cache.ttlSeconds * 1000);
    return { answer, hit: false };
  }

  async function handleHttp(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const request = toWireRequest(incoming);
    const match = routes.match(request.method, request.path);
    if (!match) {
      // API Gateway answers unknown routes itself, without calling the authorizer.
      return send(
        response,
        mode.api.type === 'rest' ? 403 : 404,
        mode.api.type === 'rest' ? GATEWAY_BODIES.missingToken : GATEWAY_BODIES.notFound,
      );
    }
    // The cache key is read from the very event the authorizer gets, by API Gateway's identity-source rules
    // (identity-sources.ts), so a cached answer is only ever reused for an event carrying the same values. An absent
    // or empty identity source is a 401 before any authorizer runs. The sources are infra/mode-api.ts's: the token,
    // then (REQUEST authorizers) method, path and every header or query value the decision reads.
    const { handler } = options;
    const sources: IdentitySource[] = [
      { in: 'header', name: mode.api.tokenHeader },
      { in: 'context', name: 'httpMethod' },
      { in: 'context', name: 'path' },
      ...routeRequestInputs(match.route),
    ];
    const unauthorized = () => send(response, 401, GATEWAY_BODIES.unauthorized);

    let outcome: { answer: CachedAnswer; hit: boolean };
    try {
      switch (handler.kind) {
        case 'http': {
          const event = httpRequestEvent(api, request, match.route.key, { ...match.pathParameters }, []);
          const values = presentValues(httpIdentityValues(event, sources));
          if (!values) return unauthorized();
          event.identitySource = values;
          outcome = await authorize(cacheKeyOf(values), async () => ({ kind: 'simple', result: await handler.handle(event) }));
          break;
        }
        case 'token': {
          const token = restHeaderValue(request, mode.api.tokenHeader);
          if (token === undefined || token === '') return unauthorized();
          const event = restTokenEvent(api, request, token);
          outcome = await authorize(cacheKeyOf([event.authorizationToken]), async () => ({
            kind: 'policy',
            result: await handler.handle(event),
          }));
          break;
        }
        case 'request': {
          const event = restRequestEvent(api, request, match.route.path, { ...match.pathParameters });
          const values = presentValues(restIdentityValues(event, sources));
          if (!values) return unauthorized();
          outcome = await authorize(cacheKeyOf(values), async () => ({ kind: 'policy', result: await handler.handle(event) }));
          break;
        }
        case 'websocket':
          // A WebSocket API routes upgrades only: a plain request reaches no authorizer.
          return send(response, 404, GATEWAY_BODIES.notFound);
      }
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return send(response, 401, GATEWAY_BODIES.unauthorized);
      return send(response, 500, GATEWAY_BODIES.authorizerError);
    }

    const cacheHeader = { [CACHE_HEADER]: outcome.hit ? 'hit' : 'miss' };
    let context: AuthorizerContext | undefined;
    let principalId = '';
    if (outcome.answer.kind === 'simple') {
      if (outcome.answer.result.isAuthorized !== true) return send(response, 403, GATEWAY_BODIES.forbidden, cacheHeader);
      context = outcome.answer.result.context;
      principalId = String(context?.['principalId'] ?? '');
    } else {
      // A cached policy is evaluated against this request's own method ARN, exactly as API Gateway does.
      const verdict = evaluatePolicy(outcome.answer.result, methodArn(api, request.method, request.path));
      if (verdict === 'explicit-deny') return send(response, 403, GATEWAY_BODIES.explicitDeny, cacheHeader);
      if (verdict === 'implicit-deny') return send(response, 403, GATEWAY_BODIES.implicitDeny, cacheHeader);
      context = policyContext(outcome.answer.result.context);
      principalId = outcome.answer.result.principalId;
    }
    await forward(options.backendUrl, incoming, request, { principalId, context: context ?? {} }, response, cacheHeader);
  }

  const server: Server = http.createServer((incoming, response) => {
    handleHttp(incoming, response).catch(() => send(response, 500, GATEWAY_BODIES.authorizerError));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let webSockets: WebSocketServer | undefined;
  if (mode.api.type === 'websocket') {
    webSockets = new WebSocketServer({ noServer: true });
    server.on('upgrade', (incoming: IncomingMessage, socket: Socket, head: Buffer) => {
      handleConnect(incoming, socket, head).catch(() => refuseUpgrade(socket, 500, GATEWAY_BODIES.authorizerError));
    });
  }

  async function handleConnect(incoming: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const request = toWireRequest(incoming);
    const connectionId = randomUUID();
    const event = webSocketConnectEvent(api, request, connectionId);
    // As infra/mode-api.ts's webSocketIdentitySources, read from the event: an absent identity source is a 401 before
    // any authorizer runs. WebSocket authorizers are never cached here (the modes' WebSocket TTL is 0).
    if (!hasWebSocketIdentitySource(mode, event)) return refuseUpgrade(socket, 401, GATEWAY_BODIES.unauthorized);
    const { handler } = options;
    if (handler.kind !== 'websocket') return refuseUpgrade(socket, 500, GATEWAY_BODIES.authorizerError);
    let result: APIGatewayAuthorizerResult;
    stats.authorizerCalls++;
    try {
      result = await handler.handle(event);
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return refuseUpgrade(socket, 401, GATEWAY_BODIES.unauthorized);
      return refuseUpgrade(socket, 500, GATEWAY_BODIES.authorizerError);
    }
    const verdict = evaluatePolicy(result, `arn:aws:execute-api:eu-west-1:123456789012:${api.apiId}/${api.stage}/$connect`);
    if (verdict !== 'allow')
      return refuseUpgrade(socket, 403, verdict === 'explicit-deny' ? GATEWAY_BODIES.explicitDeny : GATEWAY_BODIES.implicitDeny);
    const context = { principalId: result.principalId, context: policyContext(result.context) };
    const welcome = await postToBackend(options.backendUrl, '/$connect', context);
    webSockets?.handleUpgrade(incoming, socket, head, (client: WebSocket) => {
      client.send(welcome);
      client.on('message', (data) => client.send(JSON.stringify({ echo: data.toString(), connectionId })));
    });
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  // Exactly the cache `authorize` reads: the only place this gateway keeps authorizer answers.
  const flushCache = () => cache.clear();
  let management: Awaited<ReturnType<typeof startGatewayManagement>>;
  try {
    management = await startGatewayManagement(
      () => [{ type: mode.api.type, apiId: api.apiId, stage: api.stage, flushAuthorizerCache: flushCache }],
      options.managementPort ?? 0,
    );
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    mode,
    api,
    managementUrl: management.url,
    stats,
    flushCache,
    close: async () => {
      await management.close();
      for (const client of webSockets?.clients ?? []) client.terminate();
      webSockets?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `$connect`'s identity source is its resource's query parameter when it has one, else the token header. */
function hasWebSocketIdentitySource(mode: ModeConfig, event: APIGatewayRequestAuthorizerEvent): boolean {
  const connect = connectRouteOf(mode.routes);
  if (!connect) return false;
  return presentValues(restIdentityValues(event, [connectIdentityInput(mode, connect)])) !== undefined;
}

/** Every header line as received, repeats and case variants included: the event builders decide how API Gateway folds them. */
function toWireRequest(incoming: IncomingMessage): WireRequest {
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const headerLines: (readonly [string, string])[] = [];
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    const name = incoming.rawHeaders[i];
    const value = incoming.rawHeaders[i + 1];
    if (name !== undefined && value !== undefined) headerLines.push([name, value]);
  }
  return {
    method: (incoming.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    headerLines,
    sourceIp: incoming.socket.remoteAddress ?? '127.0.0.1',
  };
}

function send(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function refuseUpgrade(socket: Socket, status: number, body: object): void {
  const text = JSON.stringify(body);
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Internal Server Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ` +
      `${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

function forward(
  backendUrl: string,
  incoming: IncomingMessage,
  request: WireRequest,
  authorizer: { principalId: string; context: AuthorizerContext },
  response: ServerResponse,
  extraHeaders: Record<string, string>,
): Promise<void> {
  return new Promise((resolve) => {
    const target = new URL(`${request.path}${request.rawQuery ? `?${request.rawQuery}` : ''}`, backendUrl);
    const upstream = http.request(
      target,
      {
        method: request.method,
        headers: {
          'content-type': incoming.headers['content-type'] ?? 'application/json',
          [AUTHORIZER_PRINCIPAL_HEADER]: authorizer.principalId,
          [AUTHORIZER_CONTEXT_HEADER]: JSON.stringify(authorizer.context),
        },
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, { ...reply.headers, ...extraHeaders });
        reply.pipe(response);
        reply.on('end', resolve);
      },
    );
    upstream.on('error', () => {
      send(response, 502, { message: 'Internal server error' });
      resolve();
    });
    incoming.pipe(upstream);
  });
}

function postToBackend(backendUrl: string, path: string, authorizer: { principalId: string; context: AuthorizerContext }): Promise<string> {
  return new Promise((resolve) => {
    const upstream = http.request(
      new URL(path, backendUrl),
      {
        method: 'POST',
        headers: { [AUTHORIZER_PRINCIPAL_HEADER]: authorizer.principalId, [AUTHORIZER_CONTEXT_HEADER]: JSON.stringify(authorizer.context) },
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    upstream.on('error', () => resolve(JSON.stringify({ backend: 'unreachable' })));
    upstream.end();
  });
}
