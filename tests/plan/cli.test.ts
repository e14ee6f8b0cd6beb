// `npm run plan` as a user runs it: a real process against the local AVP endpoint, the local CloudFormation endpoint
// (the stack's outputs) and dynalite (the tenant table), on stores seeded from the billing fixture and then edited.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeletePolicyStoreCommand } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloudFormation, type LocalCloudFormation } from '../../local/cloudformation/describe-stacks-endpoint.js';
import { CHANGES_EXIT_CODE } from '../../scripts/plan/args.js';
import type { StorePlan } from '../../scripts/store-plan/plan-types.js';
import { copyDomain } from '../domain/domain-project.js';
import { fixtureMode } from '../support/fixture-domain.js';
import type { ProjectCopy } from '../support/project-copy.js';
import { envWithoutAws, type FinishedRun, runTsx, runTsxAsync } from '../support/run-tsx.js';
import { seedStore } from '../store-plan/support/seed-store.js';
import { startLocalServices, TENANT_TABLE, type LocalServices } from '../tenant-onboarding/support/local-services.js';

const CUSTOMER = fixtureMode('billing', 'customer').POLICY_BUNDLE;
const TENANTS = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;
/** The fixture's project.yaml names the application acme-api: stacks are `AcmeApiAuthorizer-<mode>`. */
const CUSTOMER_STACK = 'AcmeApiAuthorizer-customer';
const TENANT_STACK = 'AcmeApiAuthorizer-multi-tenant';

function statement(bundle: { readonly policies: Readonly<Record<string, string>> }, policyId: string): string {
  const found = bundle.policies[policyId];
  if (found === undefined) throw new Error(`the billing fixture has no ${policyId}`);
  return found;
}

/**
 * The customer store as the repository's last deploy left it, before the edits under review:
 * - `customer.read-own` lacked the `admin` role (a condition: the deploy updates it in place);
 * - `shared.forbid-self-approval` was a permit (the effect: AVP cannot update it, the deploy replaces it);
 * - `customer.admin-add-beneficiary` is new in the repository (created);
 * - `customer.retired` is gone from the repository, and one policy was made by hand in the console (both deleted).
 */
function editedCustomerStore() {
  const policies = { ...CUSTOMER.policies };
  delete policies['customer.admin-add-beneficiary'];
  policies['customer.read-own'] = statement(CUSTOMER, 'customer.read-own').replace(/,\s*Billing::Role::"admin"/, '');
  policies['shared.forbid-self-approval'] = statement(CUSTOMER, 'shared.forbid-self-approval').replace(/^forbid/m, 'permit');
  const retired = statement(CUSTOMER, 'customer.read-own').replace('@id("customer.read-own")', '@id("customer.retired")');
  return {
    bundle: { ...CUSTOMER, policies },
    extraPolicies: [
      { statement: retired, description: 'customer.retired' },
      { statement: 'permit (principal, action == Billing::Action::"ViewAccount", resource);', description: 'Added by hand for a demo' },
    ],
  };
}

let services: LocalServices;
let cloudFormation: LocalCloudFormation;
let project: ProjectCopy;
let customerStore: string;

beforeAll(async () => {
  project = copyDomain('billing');
  // The customer mode uses the local engine; it deploys a store only when it asks for one, as this copy does.
  const customerMode = join(project.root, 'modes/customer.yaml');
  writeFileSync(
    customerMode,
    readFileSync(customerMode, 'utf8').replace(/^engine:\n {2}kind: local\n/m, 'engine:\n  kind: local\n  policyStore: deploy\n'),
  );
  const generate = runTsx('generator/cli/generate.ts', ['--root', project.root]);
  if (generate.status !== 0) throw new Error(`generate failed:\n${generate.stdout}${generate.stderr}`);
  services = await startLocalServices();
  customerStore = (await seedStore(services.avpClient, editedCustomerStore())).policyStoreId;
  const blueprint = (await seedStore(services.avpClient, { bundle: TENANTS })).policyStoreId;
  cloudFormation = await startLocalCloudFormation({
    stacks: [
      { stackName: CUSTOMER_STACK, outputs: { PolicyStoreId: customerStore } },
      { stackName: TENANT_STACK, outputs: { TenantBlueprintPolicyStoreId: blueprint } },
    ],
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([services.close(), cloudFormation.close()]);
  project.remove();
});

/** The CLI with the local endpoints and no AWS settings from the environment. Asynchronous: the endpoints live in this process. */
function plan(args: readonly string[], options: { readonly avpUrl?: string } = {}): Promise<FinishedRun> {
  const endpoints = [
    '--endpoint-avp',
    options.avpUrl ?? services.avp.url,
    '--endpoint-cloudformation',
    cloudFormation.url,
    '--endpoint-dynamodb',
    services.dynamo.endpoint,
    '--table',
    TENANT_TABLE,
    '--root',
    project.root,
  ];
  return runTsxAsync('scripts/plan/cli.ts', [...args, ...endpoints], { env: envWithoutAws() });
}

/** stderr without the AWS SDK's Node version notice. */
function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('npm run plan: '));
}

/** `<action> <kind> <@id>` of each item line of the text output. */
function itemLines(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => /^ {2}[+~±=-] (\w+)\s+(policy|template)\s+(.+)$/.exec(line)?.slice(1, 4).join(' ') ?? []);
}

interface JsonReport {
  readonly mode: string;
  readonly total: Record<string, number>;
  readonly failed: number;
  readonly stores: readonly { readonly name: string; readonly status: string; readonly plan?: StorePlan; readonly reason?: string }[];
}

describe('npm run plan -- <mode> (the store the stack deployed)', () => {
  it('prints create, update, replace, delete and unchanged for each policy, exit 0', async () => {
    const { code, stdout } = await plan(['customer']);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`mode customer, policy store ${customerStore}`);
    expect(itemLines(stdout)).toEqual([
      'create policy customer.admin-add-beneficiary',
      'unchanged policy customer.admin-approve-payment',
      'unchanged policy customer.admin-delete-beneficiary',
      'unchanged policy customer.pay-from-own-account',
      'update policy customer.read-own',
      'delete policy customer.retired',
      'unchanged policy shared.forbid-billing-from-frozen-account',
      'unchanged policy shared.forbid-large-payment-without-approver',
      'unchanged policy shared.forbid-non-positive-amount',
      'replace policy shared.forbid-self-approval',
      'unchanged policy shared.forbid-self-approved-payment',
      expect.stringMatching(/^delete policy \(AVP id \S+, not made by a deploy: its description is not an @id\)$/),
    ]);
    expect(stdout).toContain('      effect changed: AVP cannot update it, so a deploy replaces it\n');
    expect(stdout).toContain('      +   Billing::Role::"admin"] &&');
    expect(stdout).toContain('  1 to create, 1 to update, 1 to replace, 2 to delete, 7 unchanged; schema unchanged\n');
  });

  it('prints the same plan as JSON that parses, with the statements before and after', async () => {
    const { code, stdout } = await plan(['customer', '--format', 'json']);

    const report = JSON.parse(stdout) as JsonReport;
    const [store] = report.stores;
    const steps = store?.plan?.steps ?? [];
    expect(code).toBe(0);
    expect(report.total).toEqual({ create: 1, update: 1, replace: 1, delete: 2, unchanged: 7, schemaPuts: 0, linkedPoliciesDeleted: 0 });
    expect(steps.find((step) => step.policyId === 'shared.forbid-self-approval')).toEqual(
      expect.objectContaining({ action: 'replace', changed: ['effect'], after: statement(CUSTOMER, 'shared.forbid-self-approval') }),
    );
  });

  it('prints markdown for a job summary: a heading, the summary and a table of what changes', async () => {
    const { code, stdout } = await plan(['customer', '--format', 'markdown']);

    expect(code).toBe(0);
    expect(stdout).toContain('## Policy store plan: mode `customer`\n');
    expect(stdout).toContain('**1 to create, 1 to update, 1 to replace, 2 to delete, 7 unchanged; schema unchanged**');
    expect(stdout).toContain(
      '| replace | policy | shared.forbid-self-approval | effect changed: AVP cannot update it, so a deploy replaces it |',
    );
    expect(stdout).toContain('```diff\n');
  });

  it('exits 3 with --fail-on-change when a deploy would change the store', async () => {
    const { code } = await plan(['customer', '--fail-on-change']);

    expect(code).toBe(CHANGES_EXIT_CODE);
  });

  it('exits 0 with --fail-on-change on a store the repository matches, saying there is nothing to do', async () => {
    const { policyStoreId } = await seedStore(services.avpClient, { bundle: CUSTOMER });

    const { code, stdout } = await plan(['customer', '--policy-store-id', policyStoreId, '--fail-on-change']);

    expect(code).toBe(0);
    expect(stdout).toBe(
      `mode customer, policy store ${policyStoreId}: no changes ` +
        '(0 to create, 0 to update, 0 to replace, 0 to delete, 10 unchanged; schema unchanged)\n',
    );
  });

  it('plans a multi-tenant mode without a tenant against its blueprint store', async () => {
    const { code, stdout } = await plan(['multi-tenant']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^mode multi-tenant \(tenant blueprint store\), policy store \S+: no changes/);
  });
});

describe('npm run plan -- <mode>: modes with nothing deployed yet, or no store at all', () => {
  it("plans every item as created when the mode's stack is not deployed yet (a first deploy), exit 0", async () => {
    const internal = fixtureMode('billing', 'internal').POLICY_BUNDLE;
    const { code, stdout } = await plan(['internal', '--format', 'json']);

    expect(code).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.stores.map((store) => store.name)).toEqual(['mode internal (stack AcmeApiAuthorizer-internal is not deployed yet)']);
    const [only] = report.stores;
    expect(only?.plan?.schema.action).toBe('put');
    expect(only?.plan?.steps.map((step) => `${step.action} ${step.policyId}`).sort()).toEqual(
      [...Object.keys(internal.policies), ...Object.keys(internal.templates)].map((id) => `create ${id}`).sort(),
    );
  });

  it('says a local-engine mode that deploys no store has nothing to plan, and exits 0 even with --fail-on-change', async () => {
    const { code, stdout } = await plan(['m2m', '--fail-on-change']);

    expect(code).toBe(0);
    expect(stdout).toBe(
      'mode m2m: nothing to plan: it uses the local engine and deploys no policy store: its policies ship in the Lambda ' +
        'bundle, and a deploy replaces the function (pass --policy-store-id to compare a store anyway)\n',
    );
  });
});

describe('npm run plan -- <mode> --tenant / --all-tenants', () => {
  let acmeStore: string;

  beforeAll(async () => {
    const policies = { ...TENANTS.policies };
    delete policies['tenant.read-own'];
    const templates = {
      'tenant.delegated-account-read': (TENANTS.templates['tenant.delegated-account-read'] ?? '').replace(
        'resource in ?resource',
        'resource == ?resource',
      ),
    };
    const link = {
      templateId: 'tenant.delegated-account-read',
      principal: { entityType: 'Billing::TenantUser', entityId: 'auditor' },
      resource: { entityType: 'Billing::Account', entityId: 'acct-1' },
    };
    acmeStore = (
      await seedStore(services.avpClient, {
        bundle: { ...TENANTS, policies, templates },
        links: [link, { ...link, principal: { ...link.principal, entityId: 'clerk' } }],
      })
    ).policyStoreId;
    const globexStore = (await seedStore(services.avpClient, { bundle: TENANTS })).policyStoreId;
    await services.table.putIfAbsent({ tenantId: 'acme', policyStoreId: acmeStore });
    await services.table.putIfAbsent({ tenantId: 'globex', policyStoreId: globexStore });
  });

  it('plans one tenant from the tenant table, warning about the linked policies a replaced template takes with it', async () => {
    const { code, stdout } = await plan(['multi-tenant', '--tenant', 'acme']);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`tenant acme, policy store ${acmeStore}`);
    expect(itemLines(stdout).filter((line) => !line.startsWith('unchanged'))).toEqual([
      'replace template tenant.delegated-account-read',
      'create policy tenant.read-own',
    ]);
    expect(stdout).toContain(
      "      !!! WARNING: AVP deletes this template's 2 template-linked policies with it; the new template has none\n",
    );
  });

  it('fails with exit 1 for a tenant the table does not know', async () => {
    const { code, stdout, stderr } = await plan(['multi-tenant', '--tenant', 'initech']);

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(ownLines(stderr)).toEqual([
      `npm run plan: tenant "initech" is unknown: table ${TENANT_TABLE} has no policy store for it ` +
        '(npm run tenant -- list shows the tenants)',
    ]);
  });

  it('plans every tenant with a section each and a total', async () => {
    const { code, stdout } = await plan(['multi-tenant', '--all-tenants', '--format', 'json']);

    const report = JSON.parse(stdout) as JsonReport;
    expect(code).toBe(0);
    expect(report.stores.map((store) => [store.name, store.status])).toEqual([
      ['tenant acme', 'planned'],
      ['tenant globex', 'planned'],
    ]);
    expect(report.total).toEqual(expect.objectContaining({ create: 1, replace: 1, linkedPoliciesDeleted: 2, unchanged: 8 + 10 }));
  });

  it('reports a tenant whose store is gone in its own section, plans the others, and exits 1', async () => {
    const { policyStoreId } = await seedStore(services.avpClient, { bundle: TENANTS });
    await services.avpClient.send(new DeletePolicyStoreCommand({ policyStoreId }));
    await services.table.putIfAbsent({ tenantId: 'zeta', policyStoreId });

    const { code, stdout, stderr } = await plan(['multi-tenant', '--all-tenants']);

    expect(code).toBe(1);
    expect(stdout).toContain(`tenant zeta: FAILED (policy store ${policyStoreId}): policy store ${policyStoreId} not found`);
    expect(stdout).toContain(
      'Total over 2 stores: 1 to create, 0 to update, 1 to replace, 0 to delete, 18 unchanged; 0 of 2 schemas to put',
    );
    expect(ownLines(stderr)).toEqual(['npm run plan: 1 of 3 stores could not be planned: tenant zeta']);
    await services.table.deleteIfPointsTo({ tenantId: 'zeta', policyStoreId });
  });

  it('refuses --tenant for a single-tenant mode with exit 2', async () => {
    const { code, stderr } = await plan(['customer', '--tenant', 'acme']);

    expect(code).toBe(2);
    expect(ownLines(stderr)).toEqual(['npm run plan: mode customer is single-tenant; --tenant is for a multi-tenant mode']);
  });
});

describe('npm run plan: mistakes', () => {
  it('suggests the closest mode for an unknown one, exit 2', async () => {
    const { code, stderr } = await plan(['custmer']);

    expect(code).toBe(2);
    expect(ownLines(stderr)).toEqual([
      'npm run plan: no generated mode "custmer" (did you mean "customer"?): modes are customer, internal, m2m, multi-tenant',
    ]);
  });

  it('refuses --tenant together with --all-tenants, exit 2', async () => {
    const { code, stderr } = await plan(['multi-tenant', '--tenant', 'acme', '--all-tenants']);

    expect(code).toBe(2);
    expect(ownLines(stderr)).toEqual(['npm run plan: --tenant and --all-tenants cannot be combined: each names the store(s) to plan']);
  });

  it('fails with exit 1 and one line for a store AVP does not know', async () => {
    const { code, stdout, stderr } = await plan(['customer', '--policy-store-id', 'PSdoesnotexist00000000']);

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(ownLines(stderr)).toEqual(['npm run plan: policy store PSdoesnotexist00000000 not found; check the store id and the region']);
  });

  it('fails with exit 1 naming the endpoint problem when AVP is unreachable', async () => {
    const { code, stderr } = await plan(['customer', '--policy-store-id', 'PSany'], { avpUrl: 'http://127.0.0.1:1' });

    expect(code).toBe(1);
    expect(ownLines(stderr)).toEqual(['npm run plan: cannot reach Amazon Verified Permissions for policy store PSany (ECONNREFUSED)']);
  });
});
