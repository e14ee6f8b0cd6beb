// The loopback services one parity run shares: a JWT issuer with its JWKS, dynalite and a local AVP endpoint, and the
// recorder of what the runtime asks its engine.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/local-dynamodb.js';
import { startLocalIssuer, type LocalIssuer } from '../../local/issuer/token-issuer.js';
import { EntityRecorder } from './entity-recorder.js';
import { StoreSeeder } from './store-seeding.js';

export interface ParityEnvironment {
  readonly issuer: LocalIssuer;
  readonly dynamo: LocalDynamo;
  readonly avp: LocalAvpEndpoint;
  readonly avpClient: VerifiedPermissionsClient;
  readonly seeder: StoreSeeder;
  readonly recorder: EntityRecorder;
  close(): Promise<void>;
}

export async function startParityEnvironment(): Promise<ParityEnvironment> {
  // The issuer reads no environment: the modes' pool and issuer overrides stay out of a test run.
  const [issuer, dynamo, avp] = await Promise.all([startLocalIssuer({ env: {} }), startLocalDynamo(), startLocalAvpEndpoint()]);
  // One attempt: a failed call is the runtime's answer to compare, not something to retry over.
  const avpClient = createLocalAvpClient(avp.url, { maxAttempts: 1 });
  const recorder = new EntityRecorder();
  return {
    issuer,
    dynamo,
    avp,
    avpClient,
    seeder: new StoreSeeder(dynamo.client, { endpoint: avp, client: avpClient }),
    recorder,
    async close() {
      avpClient.destroy();
      await Promise.all([issuer.close(), dynamo.close(), avp.close()]);
    },
  };
}
