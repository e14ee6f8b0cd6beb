// The command line of `npm run tenant`, read into a request; nothing is read or written here.
import type { CommandSpec, OptionSpecs, OptionValues } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { TenantUsageError } from './errors.js';
import { DEFAULT_SYNC_CONCURRENCY, type SyncTarget } from './sync-options.js';
import { assertTenantId } from './tenant-id.js';

export const TENANT_COMMANDS = ['create', 'delete', 'list', 'sync'] as const;
export type TenantCommand = (typeof TENANT_COMMANDS)[number];

export const TENANT_USAGE = `usage: npm run tenant -- create <tenantId> [options]
       npm run tenant -- delete <tenantId> [options]
       npm run tenant -- list [options]
       npm run tenant -- sync (--tenant <tenantId> | --all) [--dry-run] [--concurrency <n>] [options]
sync brings tenant policy stores to the mode's schema, policies and templates (template-linked policies are never touched):
  --tenant <tenantId>          sync this tenant only
  --all                        sync every tenant of the tenant table
  --dry-run                    print what each store would get; write nothing
  --concurrency <n>            tenants synced at once (default: ${DEFAULT_SYNC_CONCURRENCY}; AVP's quotas are per store)
options:
  --mode <name>                the multi-tenant mode (default: the project's only one)
  --root <dir>                 the project root, whose generated/ is read (default: the current directory)
  --table <name>               the tenant table (default: the mode's tableEnv variable, else its table)
  --region <region>            AWS region (default: AWS_REGION or the profile's; eu-west-1 for local endpoints)
  --endpoint-avp <url>         Verified Permissions endpoint (default: AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS, else AWS)
  --endpoint-dynamodb <url>    DynamoDB endpoint (default: AWS_ENDPOINT_URL_DYNAMODB, else AWS)
  --json                       print the result as JSON
  --help                       print this help`;

export interface TenantFlags {
  readonly mode?: string;
  readonly root?: string;
  readonly table?: string;
  readonly region?: string;
  readonly endpointAvp?: string;
  readonly endpointDynamoDb?: string;
  readonly json: boolean;
}

export type TenantRequest =
  | { readonly command: 'create' | 'delete'; readonly tenantId: string; readonly flags: TenantFlags }
  | { readonly command: 'list'; readonly flags: TenantFlags }
  | {
      readonly command: 'sync';
      readonly target: SyncTarget;
      readonly dryRun: boolean;
      readonly concurrency: number;
      readonly flags: TenantFlags;
    };

/** The options only `sync` takes. */
const SYNC_OPTIONS = ['tenant', 'all', 'dry-run', 'concurrency'] as const;
const MAX_CONCURRENCY = 1000;

export const TENANT_COMMAND = {
  command: 'tenant',
  usage: TENANT_USAGE,
  options: {
    mode: { type: 'string' },
    root: { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    'endpoint-avp': { type: 'string' },
    'endpoint-dynamodb': { type: 'string' },
    json: { type: 'boolean' },
    tenant: { type: 'string' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    concurrency: { type: 'string' },
  },
  // Counted in tenantRequestOf, whose messages name the command the extra argument is for.
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
} as const satisfies CommandSpec<OptionSpecs>;

/** The command line as parsed by runCli; throws TenantUsageError, or InvalidTenantIdError for an id outside TENANT_ID_PATTERN. */
export function tenantRequestOf({
  values,
  positionals,
}: {
  readonly values: OptionValues<typeof TENANT_COMMAND.options>;
  readonly positionals: readonly string[];
}): TenantRequest {
  const flags: TenantFlags = {
    ...(values.mode !== undefined ? { mode: values.mode } : {}),
    ...(values.root !== undefined ? { root: values.root } : {}),
    ...(values.table !== undefined ? { table: values.table } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values['endpoint-avp'] !== undefined ? { endpointAvp: values['endpoint-avp'] } : {}),
    ...(values['endpoint-dynamodb'] !== undefined ? { endpointDynamoDb: values['endpoint-dynamodb'] } : {}),
    json: values.json ?? false,
  };

  const [command, ...rest] = positionals;
  if (command === undefined) throw new TenantUsageError(`name a command: ${TENANT_COMMANDS.join(', ')}`);
  if (!isTenantCommand(command)) {
    const suggestion = closestMatch(command, TENANT_COMMANDS);
    throw new TenantUsageError(
      `unknown command "${command}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}: expected one of ${TENANT_COMMANDS.join(', ')}`,
    );
  }
  if (command === 'sync') return syncRequestOf(values, rest, flags);
  const misplaced = SYNC_OPTIONS.find((name) => values[name] !== undefined);
  if (misplaced !== undefined) throw new TenantUsageError(`--${misplaced} is an option of sync, not of ${command}`);
  if (command === 'list') {
    if (rest.length > 0) throw new TenantUsageError(`list takes no argument; unexpected ${quoteAll(rest)}`);
    return { command, flags };
  }
  const [tenantId, ...extra] = rest;
  if (tenantId === undefined) throw new TenantUsageError(`${command} needs a tenant id: npm run tenant -- ${command} <tenantId>`);
  if (extra.length > 0) throw new TenantUsageError(`${command} takes one tenant id; unexpected ${quoteAll(extra)}`);
  assertTenantId(tenantId);
  return { command, tenantId, flags };
}

function syncRequestOf(values: OptionValues<typeof TENANT_COMMAND.options>, rest: readonly string[], flags: TenantFlags): TenantRequest {
  if (rest.length > 0) {
    throw new TenantUsageError(`sync takes no argument; name the tenant with --tenant ${rest[0]}, or sync every tenant with --all`);
  }
  const tenantId = values.tenant;
  if (tenantId !== undefined && values.all === true) throw new TenantUsageError('sync takes --tenant <tenantId> or --all, not both');
  if (tenantId === undefined && values.all !== true) throw new TenantUsageError('sync needs --tenant <tenantId> or --all');
  if (tenantId !== undefined) assertTenantId(tenantId);
  const target: SyncTarget = tenantId !== undefined ? { kind: 'one', tenantId } : { kind: 'all' };
  return { command: 'sync', target, dryRun: values['dry-run'] ?? false, concurrency: concurrencyOf(values.concurrency), flags };
}

function concurrencyOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SYNC_CONCURRENCY;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new TenantUsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function isTenantCommand(name: string): name is TenantCommand {
  return (TENANT_COMMANDS as readonly string[]).includes(name);
}

function quoteAll(args: readonly string[]): string {
  return args.map((arg) => `"${arg}"`).join(', ');
}
