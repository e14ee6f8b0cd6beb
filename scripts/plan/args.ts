// The command line of `npm run plan`, read into a request; nothing is read from disk or AWS here.
import type { CommandSpec, OptionSpecs, OptionValues } from '../../common/cli/command-line.js';
import { assertTenantId } from '../tenant/tenant-id.js';
import { InvalidTenantIdError } from '../tenant/errors.js';
import { PLAN_FORMATS, type PlanFormat } from '../store-plan/render-plan.js';
import { PlanUsageError } from './errors.js';

/** Exit code of --fail-on-change when a deploy would change something: apart from 1 (failure) and 2 (usage). */
export const CHANGES_EXIT_CODE = 3;

export const PLAN_USAGE = `usage: npm run plan -- <mode> [--tenant <tenantId> | --all-tenants] [options]
Shows what a deploy does to the mode's live policy store: for each policy and template, create, update in place,
replace (AVP cannot update effect, principal or resource scope), delete or unchanged, with a short diff.
target (default: the store the mode's stack deployed, its PolicyStoreId or TenantBlueprintPolicyStoreId output):
  --policy-store-id <id>       plan this store instead
  --tenant <tenantId>          a multi-tenant mode: the tenant's store, from the tenant table
  --all-tenants                a multi-tenant mode: every tenant's store, one section each and a total
options:
  --root <dir>                 the project root, whose generated/ and project.yaml are read (default: the current directory)
  --format <text|markdown|json>  text for a terminal (default), markdown for a GitHub job summary, json for tools
  --fail-on-change             exit ${CHANGES_EXIT_CODE} when a deploy would change anything (default: exit 0)
  --table <name>               the tenant table (default: the mode's tableEnv variable, else its table)
  --region <region>            AWS region (default: AWS_REGION or the profile's; eu-west-1 for local endpoints)
  --endpoint-avp <url>         Verified Permissions endpoint (default: AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS, else AWS)
  --endpoint-cloudformation <url>  CloudFormation endpoint (default: AWS_ENDPOINT_URL_CLOUDFORMATION, else AWS)
  --endpoint-dynamodb <url>    DynamoDB endpoint (default: AWS_ENDPOINT_URL_DYNAMODB, else AWS)
  --help                       print this help
exit codes: 0 planned (changes or not), 1 a store could not be read or a tenant is unknown, 2 usage,
  ${CHANGES_EXIT_CODE} changes found with --fail-on-change`;

export const PLAN_COMMAND = {
  command: 'npm run plan --',
  usage: PLAN_USAGE,
  options: {
    tenant: { type: 'string' },
    'all-tenants': { type: 'boolean' },
    'policy-store-id': { type: 'string' },
    root: { type: 'string' },
    format: { type: 'string' },
    'fail-on-change': { type: 'boolean' },
    table: { type: 'string' },
    region: { type: 'string' },
    'endpoint-avp': { type: 'string' },
    'endpoint-cloudformation': { type: 'string' },
    'endpoint-dynamodb': { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<OptionSpecs>;

export type PlanTarget =
  | { readonly kind: 'stack' }
  | { readonly kind: 'store'; readonly policyStoreId: string }
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'all-tenants' };

export interface ConnectionFlags {
  readonly table?: string;
  readonly region?: string;
  readonly endpointAvp?: string;
  readonly endpointCloudFormation?: string;
  readonly endpointDynamoDb?: string;
}

export interface PlanRequest {
  readonly mode: string;
  readonly target: PlanTarget;
  readonly root: string;
  readonly format: PlanFormat;
  readonly failOnChange: boolean;
  readonly connection: ConnectionFlags;
}

export function planRequestOf(
  { values, positionals }: { readonly values: OptionValues<typeof PLAN_COMMAND.options>; readonly positionals: readonly string[] },
  cwd: string,
): PlanRequest {
  const [mode] = positionals;
  if (mode === undefined) throw new PlanUsageError('name the mode to plan');
  const format = values.format ?? 'text';
  if (!isFormat(format)) throw new PlanUsageError(`--format must be one of ${PLAN_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const given = (['tenant', 'all-tenants', 'policy-store-id'] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new PlanUsageError(`--${given.join(' and --')} cannot be combined: each names the store(s) to plan`);
  return {
    mode,
    target: targetOf(values),
    root: values.root ?? cwd,
    format,
    failOnChange: values['fail-on-change'] ?? false,
    connection: {
      ...(values.table !== undefined ? { table: values.table } : {}),
      ...(values.region !== undefined ? { region: values.region } : {}),
      ...(values['endpoint-avp'] !== undefined ? { endpointAvp: values['endpoint-avp'] } : {}),
      ...(values['endpoint-cloudformation'] !== undefined ? { endpointCloudFormation: values['endpoint-cloudformation'] } : {}),
      ...(values['endpoint-dynamodb'] !== undefined ? { endpointDynamoDb: values['endpoint-dynamodb'] } : {}),
    },
  };
}

function targetOf(values: OptionValues<typeof PLAN_COMMAND.options>): PlanTarget {
  const tenantId = values.tenant;
  if (tenantId !== undefined) {
    try {
      assertTenantId(tenantId);
    } catch (error) {
      if (error instanceof InvalidTenantIdError) throw new PlanUsageError(error.message, { cause: error });
      throw error;
    }
    return { kind: 'tenant', tenantId };
  }
  if (values['all-tenants'] === true) return { kind: 'all-tenants' };
  const policyStoreId = values['policy-store-id'];
  if (policyStoreId !== undefined) return { kind: 'store', policyStoreId };
  return { kind: 'stack' };
}

function isFormat(value: string): value is PlanFormat {
  return (PLAN_FORMATS as readonly string[]).includes(value);
}
