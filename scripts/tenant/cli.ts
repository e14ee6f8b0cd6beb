// `npm run tenant -- create|delete <tenantId>`, `npm run tenant -- list`: onboarding of multi-tenant tenants; exit 0, 1 (failure) or 2
// (usage).
import { runCli, UsageError } from '../../common/cli/command-line.js';
import { loadGeneratedModes } from '../../common/generated-modes.js';
import { TENANT_COMMAND, tenantRequestOf, type TenantRequest } from './args.js';
import { createTenantClients } from './clients.js';
import { createTenant, type CreateTenantResult } from './create-tenant.js';
import { deleteTenant, type DeleteTenantResult } from './delete-tenant.js';
import { TenantUsageError } from './errors.js';
import { listTenants } from './list-tenants.js';
import { resolveSettings } from './settings.js';
import { selectTenantMode } from './tenant-mode.js';
import { TenantTable, type ListedTenant } from './tenant-table.js';

async function run(request: TenantRequest, env: NodeJS.ProcessEnv): Promise<string> {
  const mode = selectTenantMode(await loadGeneratedModes(request.flags.root ?? process.cwd()), request.flags.mode);
  const lookup = mode.tenancy.policyStoreLookup;
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
          mode: mode.config,
          bundle: mode.bundle,
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
    `${plural(result.policies, 'policy', 'policies')} and ${plural(result.templates, 'template', 'templates')}; mapped in table ` +
    `${result.table}`
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

runCli(TENANT_COMMAND, async (line) => {
  try {
    process.stdout.write(`${await run(tenantRequestOf(line), process.env)}\n`);
    return 0;
  } catch (error) {
    // A bad command, tenant id or endpoint is a usage error (exit 2, with the usage); runCli prints any other as exit 1.
    if (error instanceof TenantUsageError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
});
