// A local Amazon Verified Permissions endpoint on 127.0.0.1: AVP's JSON protocol for the real SDK, seeding and fault injection.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { PolicyBundle } from '../../runtime/config.js';
import type { TemplateLinkRecord } from '../../runtime/engine/decision.js';
import {
  AccessDeniedException,
  AvpServiceError,
  InternalServerException,
  SerializationException,
  ThrottlingException,
  UnknownOperationException,
} from './errors.js';
import { FaultSwitch, type FaultRule } from './faults.js';
import { isAvpOperation, OPERATION_HANDLERS, type AvpOperation } from './operations.js';
import { PolicyStores } from './policy-stores.js';
import { isJsonObject, type JsonObject } from './wire.js';

export { createLocalAvpClient, LOCAL_REGION, type LocalAvpClientOptions } from './local-client.js';
export {
  FAULT_KINDS,
  FAULT_RULE_KINDS,
  type Fault,
  type FaultKind,
  type FaultRule,
  type FaultRuleKind,
  type InjectedFault,
  type RandomFault,
  type RateLimitFault,
} from './faults.js';
export { AVP_OPERATIONS, type AvpOperation } from './operations.js';
export { MAX_BATCH_REQUESTS } from './authorize.js';

export interface LocalAvpEndpointOptions {
  /** @default 0: any free port */
  readonly port?: number;
  /** The clock rate-limit faults refill their token buckets by, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface SeedPolicyStoreInput {
  /** @default a generated AVP-like id */
  readonly policyStoreId?: string;
  readonly bundle: PolicyBundle;
  /**
   * Template-linked policies to create with the bundle's templates, under the links' own ids (as the local engine
   * names them). Only the slots a template has are filled.
   */
  readonly templateLinks?: readonly TemplateLinkRecord[];
}

export interface LocalAvpEndpoint {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  readonly url: string;
  /**
   * Creates a STRICT store holding the bundle's schema, templates and policies, without going through the protocol.
   * Its policy ids are the bundle's @ids, so determining policies read exactly as the local engine's; each static
   * policy's description is its @id too, as the deploy writes it (the AVP engine names policies from descriptions).
   * Real AVP generates its own policy ids and would refuse the dots in ours.
   */
  seedPolicyStore(input: SeedPolicyStoreInput): string;
  /**
   * Sets the faults the following requests meet, replacing those set before; `undefined` (or `[]`) clears them.
   * Given a list, each request meets the first fault that fires for its operation.
   */
  setFault(fault: FaultRule | readonly FaultRule[] | undefined): void;
  /** Requests received for an operation since the start or the last reset, faulted ones included. */
  requestCount(operation: AvpOperation): number;
  resetRequestCounts(): void;
  /** Stops listening and closes every connection, idle keep-alive ones included. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'VerifiedPermissions.';
const MAX_BODY_BYTES = 1024 * 1024;

export async function startLocalAvpEndpoint(options: LocalAvpEndpointOptions = {}): Promise<LocalAvpEndpoint> {
  const stores = new PolicyStores();
  const faults = new FaultSwitch(options.now);
  const counts = new Map<string, number>();
  const pauses = new Set<{ readonly timer: NodeJS.Timeout; readonly resume: () => void }>();
  let closed = false;

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pauses.delete(entry);
          resolve();
        }, ms),
        resume: resolve,
      };
      pauses.add(entry);
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = headerValue(request, 'x-amz-target') ?? '';
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const fault = faults.take(operation);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    let text: string;
    try {
      text = await readBody(request);
    } catch (error) {
      sendError(response, toServiceError(error));
      return;
    }
    if (fault?.kind === 'latency') await pause(fault.ms);
    if (closed) return;
    switch (fault?.kind) {
      case 'throttle':
        sendError(response, new ThrottlingException('Rate exceeded'));
        return;
      case 'server-error':
        sendError(response, new InternalServerException('injected fault: internal server error'));
        return;
      case 'access-denied':
        sendError(response, new AccessDeniedException('injected fault: the caller is not authorized to perform this operation'));
        return;
      case 'malformed':
        send(response, 200, '<html><body>injected fault: this is not JSON</body></html>');
        return;
    }
    try {
      send(response, 200, JSON.stringify(dispatch(request, operation, text)));
    } catch (error) {
      sendError(response, toServiceError(error));
    }
  }

  function dispatch(request: IncomingMessage, operation: string, text: string): object {
    if (request.method !== 'POST' || request.url !== '/')
      throw new SerializationException(`expected POST /, got ${request.method} ${request.url}`);
    const contentType = headerValue(request, 'content-type') ?? '';
    if (!contentType.startsWith(JSON_CONTENT_TYPE))
      throw new SerializationException(`expected content-type ${JSON_CONTENT_TYPE}, got ${JSON.stringify(contentType)}`);
    if (!isAvpOperation(operation)) throw new UnknownOperationException(`unknown operation ${JSON.stringify(operation)}`);
    return OPERATION_HANDLERS[operation](stores, parseBody(text));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the local AVP endpoint is not listening on a TCP port');
  const { port } = address;

  return {
    url: `http://127.0.0.1:${port}`,
    seedPolicyStore({ policyStoreId, bundle, templateLinks = [] }) {
      const store = stores.create({
        ...(policyStoreId !== undefined ? { id: policyStoreId } : {}),
        validationMode: 'STRICT',
        description: `seeded from the policy bundle of mode ${bundle.mode}`,
      });
      try {
        stores.putSchema(store, JSON.stringify(bundle.schema));
        for (const id of Object.keys(bundle.templates).sort()) {
          stores.addTemplate(store, { id, statement: bundle.templates[id] ?? '', description: id });
        }
        for (const id of Object.keys(bundle.policies).sort())
          stores.addPolicy(store, { id, kind: 'static', statement: bundle.policies[id] ?? '', description: id });
        for (const link of templateLinks) {
          const slots = stores.getTemplate(store, link.templateId).scope;
          stores.addPolicy(store, {
            id: link.id,
            kind: 'templateLinked',
            templateId: link.templateId,
            ...(slots.principalSlot ? { principal: { entityType: link.principal.type, entityId: link.principal.id } } : {}),
            ...(slots.resourceSlot ? { resource: { entityType: link.resource.type, entityId: link.resource.id } } : {}),
          });
        }
      } catch (error) {
        stores.delete(store.id);
        throw error;
      }
      return store.id;
    },
    setFault(fault) {
      faults.set(fault);
    },
    requestCount(operation) {
      return counts.get(operation) ?? 0;
    },
    resetRequestCounts() {
      counts.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of pauses) {
        clearTimeout(entry.timer);
        entry.resume();
      }
      pauses.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SerializationException(`the request body exceeds ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseBody(text: string): JsonObject {
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new SerializationException(`the request body is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(body)) throw new SerializationException('the request body must be a JSON object');
  return body;
}

function toServiceError(error: unknown): AvpServiceError {
  if (error instanceof AvpServiceError) return error;
  return new InternalServerException(`the local endpoint failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

function sendError(response: ServerResponse, error: AvpServiceError): void {
  send(response, error.statusCode, JSON.stringify({ __type: error.type, message: error.message, ...error.details() }));
}

function send(response: ServerResponse, status: number, body: string): void {
  // The client may have given up (its timeout) while a latency fault held the reply back.
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(body);
}
