// The progress of `tenant sync`: a bar redrawn in place on a terminal, plain lines without ANSI codes in CI.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../scripts/tenant/progress.js';
import type { TenantOutcome } from '../../scripts/tenant/sync-tenants.js';

const SYNCED: TenantOutcome = { status: 'synced', tenantId: 'acme', policyStoreId: 'S1', writes: ['put schema', 'create policy a'] };
const FAILED: TenantOutcome = {
  status: 'failed',
  tenantId: 'globex',
  policyStoreId: 'S2',
  state: 'rolled-back',
  reason: 'create policy a failed: AccessDeniedException: denied; rolled back',
  left: [],
};

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  let clock = 0;
  const progress = createProgress({ stream: { isTTY, write: (text: string) => chunks.push(text) }, now: () => (clock += 500) });
  return { progress, output: () => chunks.join('') };
}

describe('sync progress', () => {
  it('writes one plain line per tenant when stderr is not a terminal, with no escape code', () => {
    const { progress, output } = capture(false);

    progress.start(2);
    progress.tenantDone(SYNCED);
    progress.tenantDone(FAILED);
    progress.finish();

    expect(output()).toBe(
      'tenant: syncing 2 tenants\n' +
        'tenant: [1/2] acme: synced (2 writes)\n' +
        'tenant: [2/2] globex: FAILED, rolled-back: create policy a failed: AccessDeniedException: denied; rolled back\n',
    );
  });

  it('redraws a bar and counter in place on a terminal, and keeps each failure on its own line', () => {
    const { progress, output } = capture(true);

    progress.start(2);
    progress.tenantDone(SYNCED);
    progress.tenantDone(FAILED);
    progress.finish();

    const text = output();
    expect(text).toContain('\r\u001b[2K[###############...............] 1/2 synced 1');
    expect(text).toContain('\r\u001b[2Ktenant: globex: FAILED, rolled-back: create policy a failed');
    expect(text).toContain('[##############################] 2/2 synced 1  failed 1');
    expect(text.endsWith('\r\u001b[2K')).toBe(true);
  });
});
