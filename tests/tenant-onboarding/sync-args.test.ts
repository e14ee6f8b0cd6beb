// The command line of `npm run tenant -- sync`: one tenant or all, dry run, concurrency, and the mistakes it refuses.
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../common/cli/command-line.js';
import { TENANT_COMMAND, tenantRequestOf, type TenantRequest } from '../../scripts/tenant/args.js';
import { InvalidTenantIdError, TenantUsageError } from '../../scripts/tenant/errors.js';
import { DEFAULT_SYNC_CONCURRENCY } from '../../scripts/tenant/sync-options.js';

const NO_FLAGS = { json: false };

function parse(argv: readonly string[]): TenantRequest | { readonly kind: 'help' } {
  const line = parseCommandLine(TENANT_COMMAND, argv);
  return line.kind === 'help' ? line : tenantRequestOf(line);
}

describe('tenant sync on the command line', () => {
  it('takes --tenant for one tenant, with the default concurrency and no dry run', () => {
    expect(parse(['sync', '--tenant', 'acme-bank'])).toEqual({
      command: 'sync',
      target: { kind: 'one', tenantId: 'acme-bank' },
      dryRun: false,
      concurrency: DEFAULT_SYNC_CONCURRENCY,
      flags: NO_FLAGS,
    });
  });

  it('takes --all with --dry-run, --concurrency and --json', () => {
    expect(parse(['sync', '--all', '--dry-run', '--concurrency', '25', '--json'])).toEqual({
      command: 'sync',
      target: { kind: 'all' },
      dryRun: true,
      concurrency: 25,
      flags: { json: true },
    });
  });

  it.each([
    [['sync'], 'sync needs --tenant <tenantId> or --all'],
    [['sync', '--all', '--tenant', 'a1'], 'sync takes --tenant <tenantId> or --all, not both'],
    [['sync', 'acme'], 'sync takes no argument; name the tenant with --tenant acme, or sync every tenant with --all'],
    [['sync', '--all', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 1000, got "0"'],
    [['sync', '--all', '--concurrency', '2.5'], '--concurrency must be a whole number from 1 to 1000, got "2.5"'],
    [['sync', '--all', '--concurrency', '1001'], '--concurrency must be a whole number from 1 to 1000, got "1001"'],
    [['list', '--all'], '--all is an option of sync, not of list'],
    [['create', 'a1', '--dry-run'], '--dry-run is an option of sync, not of create'],
  ])('refuses %j: %s', (argv, message) => {
    const attempt = () => parse(argv);

    expect(attempt).toThrow(TenantUsageError);
    expect(attempt).toThrow(message);
  });

  it('checks the --tenant id by the onboarding rule', () => {
    expect(() => parse(['sync', '--tenant', 'Bad Id'])).toThrow(InvalidTenantIdError);
  });
});
