// One local AVP endpoint and an SDK client for it per test file: started before the file's tests, closed after them.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll } from 'vitest';
import {
  createLocalAvpClient,
  type LocalAvpEndpoint,
  type LocalAvpEndpointOptions,
  startLocalAvpEndpoint,
} from '../../local/avp/avp-endpoint.js';

export interface LocalAvp {
  readonly endpoint: LocalAvpEndpoint;
  /** One attempt per call: a test sees each reply as the endpoint sent it, not the SDK's retry of it. */
  readonly client: VerifiedPermissionsClient;
}

/** Registers the beforeAll/afterAll hooks; read `endpoint` and `client` inside tests and hooks, not at module level. */
export function useLocalAvpEndpoint(options: LocalAvpEndpointOptions = {}): LocalAvp {
  let started: LocalAvp | undefined;
  beforeAll(async () => {
    const endpoint = await startLocalAvpEndpoint(options);
    started = { endpoint, client: createLocalAvpClient(endpoint.url, { maxAttempts: 1 }) };
  });
  afterAll(async () => {
    started?.client.destroy();
    await started?.endpoint.close();
  });
  const current = (): LocalAvp => {
    if (started === undefined) throw new Error('the local AVP endpoint is read before its beforeAll hook ran');
    return started;
  };
  return {
    get endpoint() {
      return current().endpoint;
    },
    get client() {
      return current().client;
    },
  };
}
