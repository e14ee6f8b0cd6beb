// `npm run tenant -- create|delete <tenantId>`, `list`, `sync --tenant <id> | --all`: onboarding of multi-tenant tenants and bringing
// their stores to the bundle; exit 0, 1 (failure, or any tenant failed to sync) or 2 (usage).
import { runCli, UsageError } from '../../common/cli/command-line.js';
import { loadGeneratedModes } from '../../common/generated-modes.js';
import { TENANT_COMMAND, tenantRequestOf, type TenantRequest } from './args.js';
import { createTenantClients } from './clients.js';
import { createTenant, type CreateTenantResult } from './create-tenant.js';
import { deleteTenant, type DeleteTenantResult } from './delete-tenant.js';
import { TenantUsageError } from './errors.js';
import { listTenants } from './list-tenants.js';
import { createProgress } from './progress.js';
import { paceByStore } from '../aws/avp-store-pacer.js';
import { describeSyncSummary } from './sync-report.js';
import { SyncRetryStrategy } from './sync-retry.js';
import { syncTenants, type SyncSummary } from './sync-tenants.js';
import { resolveSettings } from './settings.js';
import { selectTenantMode } from './tenant-mode.js';
import { TenantTable, type ListedTenant } from './tenant-table.js';

interface Answer {
  readonly text: string;
  readonly exitCode: 0 | 1;
}

async function run(request: TenantRequest, env: NodeJS.ProcessEnv): Promise<Answer> {
  const mode = selectTenantMode(await loadGeneratedModes(request.flags.root ?? process.cwd()), request.flags.mode);
  const lookup = mode.tenancy.policyStoreLookup;
  const settings = resolveSettings({ flags: request.flags, env, lookup });
  const clients = createTenantClients(settings, request.command === 'sync' ? { avpRetryStrategy: new SyncRetryStrategy() } : {});
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
        return ok(request.flags.json ? json(result) : describeCreated(result));
      }
      case 'delete': {
        const result = await deleteTenant({ tenantId: request.tenantId, avp: clients.avp, table, onStep });
        return ok(request.flags.json ? json(result) : describeDeleted(result));
      }
      case 'list': {
        const tenants = await listTenants({ table });
        return ok(request.flags.json ? json(tenants) : describeTenants(tenants, table.name));
      }
      case 'sync': {
        paceByStore(clients.avp);
        const progress = createProgress({ stream: process.stderr });
        let summary: SyncSummary;
        try {
          summary = await syncTenants({
            avp: clients.avp,
            table,
            desired: mode.bundle,
            target: request.target,
            dryRun: request.dryRun,
            concurrency: request.concurrency,
            onStart: (total) => progress.start(total),
            onTenant: (outcome) => progress.tenantDone(outcome),
          });
        } finally {
          progress.finish();
        }
        const failed = summary.tenants.some((tenant) => tenant.status === 'failed');
        return { text: request.flags.json ? json(summary) : describeSyncSummary(summary), exitCode: failed ? 1 : 0 };
      }
    }
  } finally {
    clients.destroy();
  }
}

function ok(text: string): Answer {
  return { text, exitCode: 0 };
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
    const answer = await run(tenantRequestOf(line), process.env);
    process.stdout.write(`${answer.text}\n`);
    return answer.exitCode;
  } catch (error) {
    // A bad command, tenant id or endpoint is a usage error (exit 2, with the usage); runCli prints any other as exit 1.
    if (error instanceof TenantUsageError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
});
