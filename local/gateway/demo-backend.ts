// The demo backend behind every local gateway: it echoes the request and the authorizer context it was given.
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from './listen.js';

export const AUTHORIZER_CONTEXT_HEADER = 'x-authorizer-context';
export const AUTHORIZER_PRINCIPAL_HEADER = 'x-authorizer-principal-id';

export interface DemoBackend {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDemoBackend(port = 0): Promise<DemoBackend> {
  const server: Server = createServer((request, response) => {
    const context = request.headers[AUTHORIZER_CONTEXT_HEADER];
    let authorizer: unknown = null;
    try {
      authorizer = typeof context === 'string' ? JSON.parse(context) : null;
    } catch {
      authorizer = { unreadable: context };
    }
    const body = JSON.stringify({
      backend: 'demo',
      method: request.method,
      path: request.url,
      principalId: request.headers[AUTHORIZER_PRINCIPAL_HEADER] ?? null,
      authorizer,
    });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    request.resume();
  });
  server.keepAliveTimeout = 1000;
  const bound = await listenOnLoopback(server, port);
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
