// A loopback proxy in front of dynalite that injects DynamoDB's own failure shapes, per table, for the fault tests.
//
// dynalite never throttles, so the proxy stands in for DynamoDB where it would: AWS documents that BatchGetItem answers
// an exceeded throughput with HTTP 200 and the keys it did not read in `UnprocessedKeys` ("BatchGetItem", Amazon
// DynamoDB API Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html), and
// that a server fault is HTTP 500 `InternalServerError` ("Error handling with DynamoDB",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_REGION } from '../../../../local/dynamodb/local-dynamodb.js';

/**
 * What a request naming `table` meets:
 * - `latency`: forwarded `ms` late;
 * - `unprocessed`: a BatchGetItem read of nothing, every key handed back in `UnprocessedKeys` (throttling);
 * - `server-error`: HTTP 500 `InternalServerError`.
 */
export type DynamoFault =
  | { readonly kind: 'latency'; readonly table: string; readonly ms: number }
  | { readonly kind: 'unprocessed'; readonly table: string }
  | { readonly kind: 'server-error'; readonly table: string };

export interface DynamoFaultProxy {
  /** A real SDK client through the proxy, one attempt per call, so each fault's logged reason is exact. */
  readonly client: DynamoDBClient;
  setFault(fault: DynamoFault | undefined): void;
  /** Requests that met the current or an earlier fault. */
  faultedRequests(): number;
  /** Requests passed on to dynalite so far (a delayed one counts once it is passed on). */
  forwardedRequests(): number;
  close(): Promise<void>;
}

const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amz-crc32', 'x-amzn-requestid'] as const;

export async function startDynamoFaultProxy(targetEndpoint: string): Promise<DynamoFaultProxy> {
  let fault: DynamoFault | undefined;
  let faulted = 0;
  let forwarded = 0;
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = JSON.parse(body) as { TableName?: string; RequestItems?: Record<string, unknown> };
    const tables = parsed.RequestItems ? Object.keys(parsed.RequestItems) : parsed.TableName ? [parsed.TableName] : [];
    const current = fault && tables.includes(fault.table) ? fault : undefined;
    if (current) faulted++;
    if (current?.kind === 'server-error') {
      return reply(response, 500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: 'injected: internal server error',
      });
    }
    if (current?.kind === 'unprocessed') {
      const keys = parsed.RequestItems?.[current.table];
      return reply(response, 200, { Responses: { [current.table]: [] }, UnprocessedKeys: { [current.table]: keys } });
    }
    if (current?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, current.ms));
    if (response.destroyed) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    }
    forwarded++;
    const passed = await fetch(targetEndpoint, { method: 'POST', headers, body });
    const answer = Buffer.from(await passed.arrayBuffer());
    const answerHeaders: Record<string, string> = { 'content-length': String(answer.length) };
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = passed.headers.get(name);
      if (value !== null) answerHeaders[name] = value;
    }
    response.writeHead(passed.status, answerHeaders).end(answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    client,
    setFault: (next) => {
      fault = next;
    },
    faultedRequests: () => faulted,
    forwardedRequests: () => forwarded,
    close: () => {
      client.destroy();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}
