// Where `npm run plan` connects: the region and the endpoints from the flags, then the environment; the clients from
// the tenant CLI's own factory (scripts/tenant/clients.ts), plus CloudFormation for the stack outputs.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createTenantClients, type TenantClients } from '../tenant/clients.js';
import { isLoopback, LOCAL_ENDPOINT_REGION } from '../tenant/settings.js';
import type { ConnectionFlags } from './args.js';
import { PlanUsageError } from './errors.js';

export interface PlanConnection {
  /** Undefined: the SDK's own chain (AWS_REGION, then the profile). */
  readonly region: string | undefined;
  readonly avpEndpoint: string | undefined;
  readonly cloudFormationEndpoint: string | undefined;
  readonly dynamoDbEndpoint: string | undefined;
}

export function resolveConnection(flags: ConnectionFlags, env: Readonly<Record<string, string | undefined>>): PlanConnection {
  const avpEndpoint = endpoint('--endpoint-avp', flags.endpointAvp ?? nonEmpty(env['AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS']));
  const cloudFormationEndpoint = endpoint(
    '--endpoint-cloudformation',
    flags.endpointCloudFormation ?? nonEmpty(env['AWS_ENDPOINT_URL_CLOUDFORMATION']),
  );
  const dynamoDbEndpoint = endpoint('--endpoint-dynamodb', flags.endpointDynamoDb ?? nonEmpty(env['AWS_ENDPOINT_URL_DYNAMODB']));
  const given = [avpEndpoint, cloudFormationEndpoint, dynamoDbEndpoint].filter((url): url is string => url !== undefined);
  // Local endpoints ignore the region but the SDK needs one: when AVP and every other endpoint given are local, use a fixed one.
  const allLocal = avpEndpoint !== undefined && given.every(isLoopback);
  const region = flags.region ?? nonEmpty(env['AWS_REGION']) ?? (allLocal ? LOCAL_ENDPOINT_REGION : undefined);
  return { region, avpEndpoint, cloudFormationEndpoint, dynamoDbEndpoint };
}

export interface PlanClients extends TenantClients {
  readonly cloudFormation: CloudFormationClient;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALPLANCLI', secretAccessKey: 'local-endpoint-checks-no-signature' };

export function createPlanClients(connection: PlanConnection): PlanClients {
  const { region, avpEndpoint, dynamoDbEndpoint, cloudFormationEndpoint } = connection;
  // The tenant clients take the table too, but only to hand it back: a plan names its table to TenantTable itself.
  const tenantClients = createTenantClients({
    table: '',
    ...(region !== undefined ? { region } : {}),
    ...(avpEndpoint !== undefined ? { avpEndpoint } : {}),
    ...(dynamoDbEndpoint !== undefined ? { dynamoDbEndpoint } : {}),
  });
  const cloudFormation = new CloudFormationClient({
    ...(cloudFormationEndpoint !== undefined ? { endpoint: cloudFormationEndpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(cloudFormationEndpoint !== undefined && isLoopback(cloudFormationEndpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  return {
    avp: tenantClients.avp,
    dynamoDb: tenantClients.dynamoDb,
    cloudFormation,
    destroy() {
      tenantClients.destroy();
      cloudFormation.destroy();
    },
  };
}

function endpoint(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PlanUsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
