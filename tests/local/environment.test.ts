// startLocalEnvironment on a domain of its own: a taken port is named by the part that wanted it, and what had
// started is closed again; a domain without a seed starts with empty stores and prints a --claims example per mode.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlExamples } from '../../local/demo-world/curl-examples.js';
import { EMPTY_DEMO } from '../../local/demo-world/demo-data.js';
import { PortInUseError } from '../../local/environment-errors.js';
import { startLocalEnvironment } from '../../local/environment.js';
import { fixtureRoot } from '../support/fixture-domain.js';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

describe('a port taken by another process', () => {
  const holder = createServer();
  let held = 0;

  beforeAll(async () => {
    held = await listen(holder, 0);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  it(
    'rejects with a PortInUseError naming dynamodb (base + 21) and ' + 'suggesting --port 0, and closes the issuer it had started',
    async () => {
      const base = held - 21;

      const started = startLocalEnvironment({ root: fixtureRoot('research-archive'), basePort: base, demo: EMPTY_DEMO });

      await expect(started).rejects.toThrow(new PortInUseError('dynamodb', held).message);
      await expect(started).rejects.toBeInstanceOf(PortInUseError);
      const probe = createServer();
      const issuerPortFree = await listen(probe, base + 20).then(
        () => true,
        () => false,
      );
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      expect(issuerPortFree).toBe(true);
    },
  );

  it('says which part and port, and how to get free ports', () => {
    expect(new PortInUseError('gateway lab', 4001).message).toBe(
      'port 4001 (gateway lab) is already in use; stop what holds it, or use --port 0 (free ports for everything)',
    );
  });
});

describe('a domain without a demo world', () => {
  it('starts, and its curl examples are one --claims request per mode to its first route', async () => {
    const environment = await startLocalEnvironment({ root: fixtureRoot('research-archive'), demo: EMPTY_DEMO, modes: ['lab'] });
    try {
      const examples = curlExamples(environment, { tokenArguments: '--root /r ' });

      expect(examples).toEqual([
        {
          mode: 'lab',
          principal: '--claims',
          why: "GET /datasets/{datasetId}, as a principal with only an id; the domain's policies decide",
          command:
            `curl -s -w '\\n%{http_code}\\n' -X GET -H "Authorization: Bearer $(npm run -s token -- --root /r lab --claims ` +
            `'{"sub":"example-user"}')" '${environment.gateway('lab').url}/datasets/example'`,
        },
      ]);
    } finally {
      await environment.close();
    }
  });
});
