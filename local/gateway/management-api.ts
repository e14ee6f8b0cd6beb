// API Gateway's two control-plane operations that clear a stage's authorizer cache, served for local gateways, so the
// real SDK clients call them with `endpoint` pointed here:
// - REST: FlushStageAuthorizersCache, `DELETE /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers` → 202
//   (API Gateway REST API reference, "FlushStageAuthorizersCache"; the 202 is the SDK model's success code);
// - HTTP: ResetAuthorizersCache, `DELETE /v2/apis/{apiId}/stages/{stageName}/cache/authorizers` → 204
//   (API Gateway V2 API reference, "AuthorizersCache": "Supported only for HTTP API Lambda authorizers").
// An unknown API or stage is a 404 NotFoundException, named in `x-amzn-errortype` as restJson1 services do.
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiType } from '../../runtime/config.js';
import { LOCAL_ACCOUNT } from './authorizer-events.js';
import { listenOnLoopback } from './listen.js';

/** One API whose stage's authorizer cache can be cleared. */
export interface FlushableApi {
  readonly type: ApiType;
  readonly apiId: string;
  readonly stage: string;
  /** Forgets every cached authorizer answer of the stage. */
  flushAuthorizerCache(): void;
}

export interface GatewayManagement {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an APIGatewayClient or ApiGatewayV2Client. */
  readonly url: string;
  close(): Promise<void>;
}

const REST_FLUSH = /^\/restapis\/([^/]+)\/stages\/([^/]+)\/cache\/authorizers$/;
const V2_RESET = /^\/v2\/apis\/([^/]+)\/stages\/([^/]+)\/cache\/authorizers$/;

export type ManagementAnswer =
  | { readonly kind: 'done'; readonly status: 202 | 204 }
  | { readonly kind: 'error'; readonly status: 400 | 404; readonly error: string; readonly body: object };

/** What the control plane answers to one request, for the APIs `apis` lists at that moment. */
export function answerManagementRequest(apis: readonly FlushableApi[], method: string, path: string): ManagementAnswer {
  const rest = REST_FLUSH.exec(path);
  const v2 = V2_RESET.exec(path);
  if (method !== 'DELETE' || (!rest && !v2)) {
    return { kind: 'error', status: 404, error: 'UnknownOperationException', body: { message: `no operation at ${method} ${path}` } };
  }
  if (rest) {
    const [apiId, stage] = [decodeURIComponent(rest[1] ?? ''), decodeURIComponent(rest[2] ?? '')];
    // The REST control plane knows REST APIs only: an HTTP or WebSocket API's id is as unknown to it as a typo.
    const api = apis.find((candidate) => candidate.type === 'rest' && candidate.apiId === apiId);
    if (!api) return notFound({ message: `Invalid API identifier specified ${LOCAL_ACCOUNT}:${apiId}` });
    if (api.stage !== stage) return notFound({ message: 'Invalid Stage identifier specified' });
    api.flushAuthorizerCache();
    return { kind: 'done', status: 202 };
  }
  const [apiId, stage] = [decodeURIComponent(v2?.[1] ?? ''), decodeURIComponent(v2?.[2] ?? '')];
  const api = apis.find((candidate) => candidate.type !== 'rest' && candidate.apiId === apiId);
  if (!api) return notFound({ message: `Invalid API identifier specified ${apiId}`, resourceType: 'Api' });
  if (api.stage !== stage) return notFound({ message: `Invalid stage identifier specified ${stage}`, resourceType: 'Stage' });
  if (api.type === 'websocket') {
    // A WebSocket authorizer's answers are never cached by API Gateway: there is nothing to reset.
    return {
      kind: 'error',
      status: 400,
      error: 'BadRequestException',
      body: { message: 'ResetAuthorizersCache is supported only for HTTP APIs; a WebSocket API caches no authorizer result' },
    };
  }
  api.flushAuthorizerCache();
  return { kind: 'done', status: 204 };
}

function notFound(body: { message: string; resourceType?: string }): ManagementAnswer {
  return { kind: 'error', status: 404, error: 'NotFoundException', body };
}

/** A control-plane listener on 127.0.0.1 for the APIs `apis()` returns (read on every request, so it may change). */
export async function startGatewayManagement(apis: () => readonly FlushableApi[], port = 0): Promise<GatewayManagement> {
  const sockets = new Set<Socket>();
  const server: Server = http.createServer((incoming: IncomingMessage, response: ServerResponse) => {
    // The operations carry no body; drain whatever is sent so the connection stays usable.
    incoming.resume();
    const path = new URL(incoming.url ?? '/', 'http://localhost').pathname;
    const answer = answerManagementRequest(apis(), (incoming.method ?? 'GET').toUpperCase(), path);
    if (answer.kind === 'done') {
      response.writeHead(answer.status, { 'content-length': 0 });
      response.end();
      return;
    }
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-errortype': answer.error,
    });
    response.end(text);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const bound = await listenOnLoopback(server, port);
  return {
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
