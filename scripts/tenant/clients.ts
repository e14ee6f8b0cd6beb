// The AWS SDK clients `npm run tenant` uses: AWS's default credential chain, or fake credentials for a local endpoint.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { isLoopback, type ConnectionSettings } from './settings.js';
import type { SyncRetryStrategy } from './sync-retry.js';

export interface TenantClients {
  readonly avp: VerifiedPermissionsClient;
  readonly dynamoDb: DynamoDBClient;
  destroy(): void;
}

export interface TenantClientOptions {
  /** Attempts per call, the first included. @default 3 (the SDK's default) */
  readonly maxAttempts?: number;
  /** The Verified Permissions client's retry strategy (sync's backs off on throttling). @default the SDK's standard one */
  readonly avpRetryStrategy?: SyncRetryStrategy;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALTENANTCLI', secretAccessKey: 'local-endpoint-checks-no-signature' };

export function createTenantClients(settings: ConnectionSettings, options: TenantClientOptions = {}): TenantClients {
  const avp = new VerifiedPermissionsClient({
    ...clientConfig(settings.avpEndpoint, settings.region, options),
    ...(options.avpRetryStrategy !== undefined
      ? { retryStrategy: options.avpRetryStrategy, maxAttempts: options.avpRetryStrategy.maxAttempts }
      : {}),
  });
  const dynamoDb = new DynamoDBClient(clientConfig(settings.dynamoDbEndpoint, settings.region, options));
  return {
    avp,
    dynamoDb,
    destroy() {
      avp.destroy();
      dynamoDb.destroy();
    },
  };
}

function clientConfig(endpoint: string | undefined, region: string | undefined, options: TenantClientOptions) {
  return {
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined && isLoopback(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    // No call may hang the command: one that gets no answer fails its step like any other error.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  };
}
