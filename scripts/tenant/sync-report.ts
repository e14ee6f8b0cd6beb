// The final report of `tenant sync` on stdout: the plans of a dry run, then synced / unchanged / failed tenants with each failure's reason.
import { describeOutcome, plural } from './progress.js';
import type { SyncSummary, TenantOutcome } from './sync-tenants.js';

export function describeSyncSummary(summary: SyncSummary): string {
  const lines: string[] = [];
  const of = (status: TenantOutcome['status']) => summary.tenants.filter((tenant) => tenant.status === status);
  const planned = of('planned');
  for (const tenant of planned) {
    if (tenant.status !== 'planned') continue;
    lines.push(`tenant ${tenant.tenantId} (policy store ${tenant.policyStoreId}): ${plural(tenant.writes.length, 'write')}`);
    for (const write of tenant.writes) lines.push(`  ${write}`);
  }
  const synced = of('synced');
  const unchanged = of('unchanged');
  const failed = of('failed');
  const seconds = (summary.elapsedMs / 1000).toFixed(1);
  lines.push(
    `${summary.dryRun ? 'dry run, nothing was written: ' : ''}` +
      [
        summary.dryRun ? `${planned.length} to sync` : `${synced.length} synced`,
        `${unchanged.length} unchanged`,
        `${failed.length} failed`,
      ].join(', ') +
      ` of ${plural(summary.total, 'tenant')} in ${seconds} s (${summary.tenantsPerSecond.toFixed(1)} tenants/s)`,
  );
  if (synced.length > 0) lines.push(`synced: ${synced.map((tenant) => tenant.tenantId).join(', ')}`);
  if (unchanged.length > 0) lines.push(`unchanged: ${unchanged.map((tenant) => tenant.tenantId).join(', ')}`);
  if (failed.length > 0) {
    lines.push('failed:');
    for (const tenant of failed) {
      lines.push(`  ${tenant.tenantId}: ${describeOutcome(tenant)}`);
      if (tenant.status === 'failed') for (const left of tenant.left) lines.push(`    left: ${left}`);
    }
  }
  return lines.join('\n');
}
