// The HTTP server on 127.0.0.1 that publishes each registered issuer's JWKS and discovery document, with fault controls.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IssuerEndpoints } from './issuer-endpoints.js';
import { loopbackPath } from './loopback-fetcher.js';
import type { PublicJwk } from './signing-keys.js';

/** How the JWKS endpoint fails while down: a 503 answer, or a connection reset with no answer at all. */
export type OutageKind = 'unavailable' | 'reset';

export interface JwksServerOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The keys published right now: read on every request, so rotations show at once. */
  readonly keys: () => readonly PublicJwk[];
  /** Answers `POST /oauth2/token`, when given. */
  readonly tokenEndpoint?: TokenEndpoint;
}

/** Takes the form body and the Authorization header; returns the status and JSON body to send. */
export type TokenEndpoint = (form: URLSearchParams, authorization: string | undefined) => { status: number; body: unknown };

export const TOKEN_PATH = '/oauth2/token';

export interface JwksServer {
  readonly baseUrl: string;
  readonly port: number;
  register(endpoints: IssuerEndpoints): void;
  setDown(down: boolean, kind?: OutageKind): void;
  setLatency(ms: number): void;
  jwksRequestCount(): number;
  close(): Promise<void>;
}

type Document = { readonly kind: 'jwks' } | { readonly kind: 'discovery'; readonly endpoints: IssuerEndpoints };

export async function startJwksServer(options: JwksServerOptions): Promise<JwksServer> {
  const documents = new Map<string, Document>();
  const pending = new Set<NodeJS.Timeout>();
  let outage: OutageKind | undefined;
  let latencyMs = 0;
  let jwksRequests = 0;

  function answer(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method === 'POST' && path === TOKEN_PATH && options.tokenEndpoint) {
      const endpoint = options.tokenEndpoint;
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { status, body } = endpoint(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), request.headers.authorization);
        respond(response, status, body);
      });
      return;
    }
    const document = request.method === 'GET' ? documents.get(path) : undefined;
    if (!document) {
      respond(response, 404, { message: `nothing is published at ${path}` });
      return;
    }
    if (document.kind === 'jwks') jwksRequests++;
    if (outage === 'reset') {
      request.socket.destroy();
      return;
    }
    if (outage === 'unavailable') {
      respond(response, 503, { message: 'the issuer is down' });
      return;
    }
    respond(response, 200, document.kind === 'jwks' ? { keys: options.keys() } : discoveryDocument(document.endpoints));
  }

  const server = createServer((request, response) => {
    if (latencyMs <= 0) {
      answer(request, response);
      return;
    }
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!response.destroyed) answer(request, response);
    }, latencyMs);
    pending.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    register(endpoints) {
      documents.set(loopbackPath(endpoints.jwksUri), { kind: 'jwks' });
      documents.set(loopbackPath(endpoints.discoveryUri), { kind: 'discovery', endpoints });
    },
    setDown(down, kind = 'unavailable') {
      outage = down ? kind : undefined;
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    jwksRequestCount: () => jwksRequests,
    close() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of the fetcher would otherwise hold the server open.
        server.closeAllConnections();
      });
    },
  };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(status === 200 ? { 'cache-control': 'max-age=3600' } : {}),
  });
  response.end(text);
}

/** The members OIDC Discovery 1.0 requires, pointing at the issuer's real URLs. */
function discoveryDocument(endpoints: IssuerEndpoints): Record<string, unknown> {
  return {
    issuer: endpoints.issuer,
    jwks_uri: endpoints.jwksUri,
    authorization_endpoint: `${endpoints.issuer}/oauth2/authorize`,
    token_endpoint: `${endpoints.issuer}/oauth2/token`,
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  };
}
