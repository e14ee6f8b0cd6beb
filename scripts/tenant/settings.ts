// Where `npm run tenant` connects: the table, the region and the endpoints, from the flags, then the environment, then the mode.
import { TenantUsageError } from './errors.js';
import type { TenantFlags } from './args.js';
import type { PolicyStoreLookup } from './tenant-table.js';

/** The region local endpoints get when none is set: they ignore it, but the SDK needs one. */
export const LOCAL_ENDPOINT_REGION = 'eu-west-1';

export interface ConnectionSettings {
  readonly table: string;
  /** Undefined: the SDK's own chain (AWS_REGION, then the profile). */
  readonly region?: string;
  /** Undefined: the service's AWS endpoint for the region. */
  readonly avpEndpoint?: string;
  readonly dynamoDbEndpoint?: string;
}

export interface ResolveSettingsOptions {
  readonly flags: TenantFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly lookup: Pick<PolicyStoreLookup, 'table' | 'tableEnv'>;
}

/** The table is found as the runtime finds it: the variable the mode names in `tableEnv`, else the mode's `table`. */
export function resolveSettings({ flags, env, lookup }: ResolveSettingsOptions): ConnectionSettings {
  const table = flags.table ?? ((lookup.tableEnv && env[lookup.tableEnv]) || lookup.table);
  const avpEndpoint = endpoint('--endpoint-avp', flags.endpointAvp ?? nonEmpty(env['AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS']));
  const dynamoDbEndpoint = endpoint('--endpoint-dynamodb', flags.endpointDynamoDb ?? nonEmpty(env['AWS_ENDPOINT_URL_DYNAMODB']));
  const bothLocal = avpEndpoint !== undefined && dynamoDbEndpoint !== undefined && isLoopback(avpEndpoint) && isLoopback(dynamoDbEndpoint);
  const region = flags.region ?? nonEmpty(env['AWS_REGION']) ?? (bothLocal ? LOCAL_ENDPOINT_REGION : undefined);
  return {
    table,
    ...(region !== undefined ? { region } : {}),
    ...(avpEndpoint !== undefined ? { avpEndpoint } : {}),
    ...(dynamoDbEndpoint !== undefined ? { dynamoDbEndpoint } : {}),
  };
}

/** A local endpoint checks no signature, so it gets fixed fake credentials instead of a search for real ones. */
export function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function endpoint(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new TenantUsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TenantUsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
