// For the tenant sync specs: the multi-tenant fixture bundle and an edited copy of it (one update, replacement, creation,
// deletion and schema change each), clients with sync's retry strategy, and a store snapshot that ignores AVP's own ids.
import { CreatePolicyCommand, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { PolicyBundle } from '../../../runtime/config.js';
import type { LiveStore } from '../../../scripts/store-plan/plan-types.js';
import { createTenantClients, type TenantClients } from '../../../scripts/tenant/clients.js';
import { LOCAL_ENDPOINT_REGION } from '../../../scripts/tenant/settings.js';
import { SyncRetryStrategy } from '../../../scripts/tenant/sync-retry.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { TENANT_TABLE, type LocalServices } from './local-services.js';

export const { MODE_CONFIG, POLICY_BUNDLE } = fixtureMode('billing', 'multi-tenant');

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, to);
}

function policy(id: string): string {
  const statement = POLICY_BUNDLE.policies[id];
  if (statement === undefined) throw new Error(`the fixture bundle has no policy ${id}`);
  return statement;
}

const TEMPLATE_ID = 'tenant.delegated-account-read';
const template = POLICY_BUNDLE.templates[TEMPLATE_ID] ?? '';

/** A new action the new policy needs: creating that policy only validates once the new schema is in (STRICT). */
const NEW_ACTION = 'ExportStatement';

const editedSchema = structuredClone(POLICY_BUNDLE.schema) as { Billing: { actions: Record<string, unknown> } };
editedSchema.Billing.actions[NEW_ACTION] = { appliesTo: { principalTypes: ['TenantUser'], resourceTypes: ['Account'] } };

const { 'shared.forbid-self-approval': _deleted, ...keptPolicies } = POLICY_BUNDLE.policies;

/** What each kind of change does to the fixture, by @id. */
export const EDITS = {
  /** An action change: UpdatePolicy. */
  updated: 'tenant.read-own',
  /** The principal scope loses `in Role::"admin"`: AVP cannot update it, so create-then-delete. */
  replaced: 'tenant.admin-approve-payment',
  /** New, and needs the new schema action. */
  created: 'tenant.export-own-statement',
  /** Gone from the bundle. */
  deleted: 'shared.forbid-self-approval',
  /** An action change of the template: UpdatePolicyTemplate; its linked policies follow it. */
  updatedTemplate: TEMPLATE_ID,
} as const;

export const EDITED_BUNDLE: PolicyBundle = {
  ...POLICY_BUNDLE,
  schema: editedSchema,
  policies: {
    ...keptPolicies,
    [EDITS.updated]: replaceOnce(policy(EDITS.updated), ',\n     Billing::Action::"ViewPayment"]', ']'),
    [EDITS.replaced]: replaceOnce(policy(EDITS.replaced), ' in Billing::Role::"admin"', ''),
    [EDITS.created]:
      `@id("${EDITS.created}")\npermit (\n  principal is Billing::TenantUser,\n  action == Billing::Action::"${NEW_ACTION}",\n` +
      '  resource is Billing::Account\n)\nwhen { resource.owner == principal.customer };',
  },
  templates: { [TEMPLATE_ID]: replaceOnce(template, ',\n     Billing::Action::"ViewPayment"]', ']') },
};

/** Clients as `npm run tenant -- sync` makes them, with short back-off waits so that throttled specs stay quick. */
export function syncClients(services: LocalServices, options: { readonly baseDelayMs?: number } = {}): TenantClients {
  return createTenantClients(
    { table: TENANT_TABLE, region: LOCAL_ENDPOINT_REGION, avpEndpoint: services.avp.url, dynamoDbEndpoint: services.dynamo.endpoint },
    { avpRetryStrategy: new SyncRetryStrategy({ baseDelayMs: options.baseDelayMs ?? 5, maxDelayMs: 200, maxAttempts: 10 }) },
  );
}

/** A tenant's own template-linked policy: tenant data that sync must never touch. */
export async function linkTemplate(
  client: VerifiedPermissionsClient,
  policyStoreId: string,
  policyTemplateId: string,
  user: string,
): Promise<string> {
  const answer = await client.send(
    new CreatePolicyCommand({
      policyStoreId,
      definition: {
        templateLinked: {
          policyTemplateId,
          principal: { entityType: 'Billing::TenantUser', entityId: user },
          resource: { entityType: 'Billing::Account', entityId: `${user}-account` },
        },
      },
    }),
  );
  return answer.policyId ?? '';
}

export interface StoreSnapshot {
  readonly schema: unknown;
  /** `kind @id: statement`, sorted: what a tenant's decisions depend on, without AVP's ids (a rollback re-creates). */
  readonly items: readonly string[];
  /** Template-linked policies per template @id. */
  readonly linked: Readonly<Record<string, number>>;
}

export function snapshotOf(live: LiveStore): StoreSnapshot {
  const linked: Record<string, number> = {};
  for (const item of live.items) {
    if (item.kind === 'template') linked[item.policyId ?? item.avpId] = live.linkedPolicies.get(item.avpId) ?? 0;
  }
  return {
    schema: live.schema === undefined ? undefined : JSON.parse(live.schema),
    items: live.items.map((item) => `${item.kind} ${item.policyId ?? '(none)'}: ${item.statement}`).sort(),
    linked,
  };
}

/** The snapshot a store fully synced to `bundle` has, with `linked` links on the template. */
export function expectedSnapshot(bundle: PolicyBundle, linked: Readonly<Record<string, number>>): StoreSnapshot {
  const items = [
    ...Object.entries(bundle.policies).map(([id, statement]) => `policy ${id}: ${statement}`),
    ...Object.entries(bundle.templates).map(([id, statement]) => `template ${id}: ${statement}`),
  ].sort();
  return { schema: JSON.parse(JSON.stringify(bundle.schema)), items, linked };
}

function pick(policies: Readonly<Record<string, string>>, ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(ids.flatMap((id) => (policies[id] === undefined ? [] : [[id, policies[id]]])));
}

/**
 * A smaller pair for the 1,000-tenant run, so that it stays within a minute on a shared machine: three policies and
 * the template before; after, one update, one creation (with the schema change), one deletion and the template update.
 */
export const SMALL_BUNDLE: PolicyBundle = {
  ...POLICY_BUNDLE,
  policies: pick(POLICY_BUNDLE.policies, ['tenant.isolation', EDITS.updated, EDITS.deleted]),
};
export const SMALL_EDITED_BUNDLE: PolicyBundle = {
  ...EDITED_BUNDLE,
  policies: pick(EDITED_BUNDLE.policies, ['tenant.isolation', EDITS.updated, EDITS.created]),
};
