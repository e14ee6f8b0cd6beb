// `npm run tenant -- sync` as a user runs it: a real process against the local AVP endpoint and dynalite. Tenants are
// onboarded with an older bundle (the edited fixture); the project's generated bundle is the one sync brings them to.
// A run is killed with SIGKILL in the middle of its writes and a second run finishes the job.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AvpOperation } from '../../local/avp/avp-endpoint.js';
import { readLiveStore } from '../../scripts/store-plan/read-store.js';
import { createTenant } from '../../scripts/tenant/create-tenant.js';
import { copyDomain } from '../domain/domain-project.js';
import { REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { envWithoutAws, type FinishedRun, runTsx, runTsxAsync } from '../support/run-tsx.js';
import { startLocalServices, type LocalServices } from './support/local-services.js';
import { EDITED_BUNDLE, EDITS, expectedSnapshot, MODE_CONFIG, POLICY_BUNDLE, snapshotOf } from './support/sync-fixtures.js';

const WRITES: readonly AvpOperation[] = [
  'PutSchema',
  'CreatePolicy',
  'UpdatePolicy',
  'DeletePolicy',
  'CreatePolicyTemplate',
  'UpdatePolicyTemplate',
  'DeletePolicyTemplate',
];
const TENANTS = ['kite-1', 'kite-2', 'kite-3', 'kite-4'] as const;
/** What a synced tenant holds: the generated bundle (the unedited fixture), its template without links. */
const SYNCED = expectedSnapshot(POLICY_BUNDLE, { [EDITS.updatedTemplate]: 0 });
const BEHIND = expectedSnapshot(EDITED_BUNDLE, { [EDITS.updatedTemplate]: 0 });

let services: LocalServices;
let project: ProjectCopy;
const stores = new Map<string, string>();

beforeAll(async () => {
  project = copyDomain('billing');
  const generate = runTsx('generator/cli/generate.ts', ['--root', project.root]);
  if (generate.status !== 0) throw new Error(`generate failed:\n${generate.stdout}${generate.stderr}`);
  services = await startLocalServices();
  for (const tenantId of TENANTS) {
    const created = await createTenant({
      tenantId,
      mode: MODE_CONFIG,
      bundle: EDITED_BUNDLE,
      avp: services.avpClient,
      table: services.table,
    });
    stores.set(tenantId, created.policyStoreId);
  }
}, 120_000);

afterEach(() => {
  services.avp.setFault(undefined);
});

afterAll(async () => {
  await services.close();
  project.remove();
});

function syncArgs(args: readonly string[]): string[] {
  return ['sync', ...args, '--root', project.root, '--endpoint-avp', services.avp.url, '--endpoint-dynamodb', services.dynamo.endpoint];
}

function sync(args: readonly string[]): Promise<FinishedRun> {
  return runTsxAsync('scripts/tenant/cli.ts', syncArgs(args), { env: envWithoutAws() });
}

async function snapshotOfTenant(tenantId: string) {
  return snapshotOf(await readLiveStore(services.avpClient, stores.get(tenantId) ?? ''));
}

function writeCount(): number {
  return WRITES.reduce((sum, operation) => sum + services.avp.requestCount(operation), 0);
}

/** The lines the CLI writes to stderr (progress), without the AWS SDK's Node version notice. */
function progressLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('tenant: '));
}

describe('npm run tenant -- sync (a real process)', () => {
  it("--dry-run prints every tenant's writes, writes nothing, and exits 0", async () => {
    services.avp.resetRequestCounts();

    const run = await sync(['--all', '--dry-run']);

    expect(run.code).toBe(0);
    expect(writeCount()).toBe(0);
    for (const tenantId of TENANTS) {
      expect(run.stdout).toContain(`tenant ${tenantId} (policy store ${stores.get(tenantId)}): `);
      expect(await snapshotOfTenant(tenantId)).toEqual(BEHIND);
    }
    expect(run.stdout).toMatch(/^dry run, nothing was written: 4 to sync, 0 unchanged, 0 failed of 4 tenants in /m);
    // CI has no terminal: progress is one plain line per tenant, without ANSI escapes.
    expect(progressLines(run.stderr)).toHaveLength(1 + TENANTS.length);
    expect(run.stderr).not.toMatch(/\u001b\[/);
  });

  it('exits 1 and names the tenant when one fails, leaving that tenant exactly as it was (rolled back)', async () => {
    // Every UpdatePolicy is refused for good: the tenant's earlier writes (schema, creates) must be undone.
    services.avp.setFault({ kind: 'access-denied', operations: ['UpdatePolicy'] });

    const run = await sync(['--tenant', 'kite-1']);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^0 synced, 0 unchanged, 1 failed of 1 tenant in /m);
    expect(run.stdout).toMatch(/^ {2}kite-1: .*AccessDeniedException/m);
    expect(await snapshotOfTenant('kite-1')).toEqual(BEHIND);
  });

  it('resumes after being killed mid-write: a second run brings every tenant to the bundle, and a third changes nothing', async () => {
    // Slow writes, one tenant at a time: the kill lands while the second tenant's first policy is being created, after
    // its new schema was put.
    services.avp.setFault({ kind: 'latency', ms: 250, operations: [...WRITES] });
    const killed = await syncKilledMidSecondTenant(['--all', '--concurrency', '1']);
    services.avp.setFault(undefined);
    const afterKill = await Promise.all(TENANTS.map(snapshotOfTenant));

    const second = await sync(['--all']);
    services.avp.resetRequestCounts();
    const third = await sync(['--all', '--json']);

    expect(killed.signal).toBe('SIGKILL');
    const states = afterKill.map((snapshot) => {
      const text = JSON.stringify(snapshot);
      return text === JSON.stringify(SYNCED) ? 'synced' : text === JSON.stringify(BEHIND) ? 'behind' : 'half-synced';
    });
    expect(states.sort()).toEqual(['behind', 'behind', 'half-synced', 'synced']);
    expect(second.code).toBe(0);
    for (const tenantId of TENANTS) expect(await snapshotOfTenant(tenantId)).toEqual(SYNCED);
    expect(third.code).toBe(0);
    const summary = JSON.parse(third.stdout) as { tenants: { tenantId: string; status: string }[] };
    expect(summary.tenants.map((tenant) => `${tenant.tenantId} ${tenant.status}`).sort()).toEqual(
      TENANTS.map((tenantId) => `${tenantId} unchanged`),
    );
    expect(writeCount()).toBe(0);
  }, 120_000);

  it('exits 1 for a tenant the table does not know', async () => {
    const run = await sync(['--tenant', 'nobody-here']);

    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/nobody-here/);
  });
});

/**
 * Starts `sync` and kills it with SIGKILL as soon as the endpoint receives the second tenant's first CreatePolicy: the
 * endpoint lives in this process, so the moment is known exactly, whatever the machine's speed.
 */
function syncKilledMidSecondTenant(args: readonly string[]): Promise<{ readonly signal: NodeJS.Signals | null; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/tenant/cli.ts'), ...syncArgs(args)], {
      cwd: REPO_ROOT,
      env: envWithoutAws(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!armed && /^tenant: \[1\/4\]/m.test(stderr)) {
        armed = true;
        const createsSoFar = services.avp.requestCount('CreatePolicy');
        const poll = setInterval(() => {
          if (services.avp.requestCount('CreatePolicy') === createsSoFar) return;
          clearInterval(poll);
          child.kill('SIGKILL');
        }, 5);
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, stderr }));
  });
}
