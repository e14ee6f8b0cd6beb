// `npm run tenant -- create|delete <tenantId>`, `npm run tenant -- list`: onboarding of multi-tenant tenants; exit 0, 1 (failure) or 2 (usage).
import { MODE_CONFIG, POLICY_BUNDLE } from '../../generated/multi-tenant/authorizer.js';
import { parseTenantArgs, TENANT_USAGE, type TenantRequest } from './args.js';
import { createTenantClients } from './clients.js';
import { createTenant, type CreateTenantResult } from './create-tenant.js';
import { deleteTenant, type DeleteTenantResult } from './delete-tenant.js';
import { TenantCliError, TenantUsageError } from './errors.js';
import { listTenants } from './list-tenants.js';
import { resolveSettings } from './settings.js';
import { TenantTable, type ListedTenant } from './tenant-table.js';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const request = parseTenantArgs(argv);
    if (request.command === 'help') {
      process.stdout.write(`${TENANT_USAGE}\n`);
      return 0;
    }
    process.stdout.write(`${await run(request, env)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof TenantCliError)) throw error;
    process.stderr.write(`tenant: ${error.message}\n`);
    if (error instanceof TenantUsageError) {
      process.stderr.write(`${TENANT_USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

async function run(request: Exclude<TenantRequest, { command: 'help' }>, env: NodeJS.ProcessEnv): Promise<string> {
  const { tenancy } = MODE_CONFIG;
  const lookup = tenancy.policyStoreLookup;
  const settings = resolveSettings({ flags: request.flags, env, lookup });
  const clients = createTenantClients(settings);
  const table = new TenantTable({ client: clients.dynamoDb, name: settings.table, lookup });
  const onStep = (title: string) => process.stderr.write(`tenant: ${title}…\n`);
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  try {
    switch (request.command) {
      case 'create': {
        const result = await createTenant({
          tenantId: request.tenantId,
          mode: MODE_CONFIG,
          bundle: POLICY_BUNDLE,
          avp: clients.avp,
          table,
          onStep,
        });
        return request.flags.json ? json(result) : describeCreated(result);
      }
      case 'delete': {
        const result = await deleteTenant({ tenantId: request.tenantId, avp: clients.avp, table, onStep });
        return request.flags.json ? json(result) : describeDeleted(result);
      }
      case 'list': {
        const tenants = await listTenants({ table });
        return request.flags.json ? json(tenants) : describeTenants(tenants, table.name);
      }
    }
  } finally {
    clients.destroy();
  }
}

function describeCreated(result: CreateTenantResult): string {
  if (result.status === 'exists') {
    return `tenant ${result.tenantId} already exists: policy store ${result.policyStoreId} (table ${result.table}); nothing was changed`;
  }
  return (
    `created tenant ${result.tenantId}: policy store ${result.policyStoreId} (STRICT, deletion protection on) with the schema, ` +
    `${plural(result.policies, 'policy', 'policies')} and ${plural(result.templates, 'template', 'templates')}; mapped in table ${result.table}`
  );
}

function describeDeleted(result: DeleteTenantResult): string {
  const store =
    result.policyStore === 'deleted'
      ? `policy store ${result.policyStoreId} deleted`
      : `policy store ${result.policyStoreId} was already gone`;
  return `deleted tenant ${result.tenantId}: ${store}, mapping removed from table ${result.table}`;
}

function describeTenants(tenants: readonly ListedTenant[], table: string): string {
  if (tenants.length === 0) return `no tenants in table ${table}`;
  const width = Math.max(...tenants.map((tenant) => tenant.tenantId.length));
  return tenants.map((tenant) => `${tenant.tenantId.padEnd(width)}  ${tenant.policyStoreId ?? '(no policy store id)'}`).join('\n');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

process.exitCode = await main(process.argv.slice(2), process.env);
