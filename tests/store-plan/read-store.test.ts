// readLiveStore against the local AVP endpoint through the real SDK: every page, the @ids, the template links counted.
import { describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import { useLocalAvpEndpoint } from '../support/local-avp.js';
import { StoreNotFoundError, StoreUnreachableError } from '../../scripts/store-plan/errors.js';
import { readLiveStore } from '../../scripts/store-plan/read-store.js';
import { fixtureMode } from '../support/fixture-domain.js';
import { seedStore } from './support/seed-store.js';

const BUNDLE = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;
const TEMPLATE = 'tenant.delegated-account-read';
const READ_OWN = BUNDLE.policies['tenant.read-own'] ?? '';
/** More than one page: ListPolicies returns at most 50 items a page (AVP API reference, ListPolicies, maxResults). */
const BULK = 60;

const localAvp = useLocalAvpEndpoint();

function link(n: number) {
  return {
    templateId: TEMPLATE,
    principal: { entityType: 'Billing::TenantUser', entityId: `user-${n}` },
    resource: { entityType: 'Billing::Account', entityId: `account-${n}` },
  };
}

describe('readLiveStore', () => {
  it('reads every static policy across pages, each with its statement and its @id from the description', async () => {
    const extraPolicies = Array.from({ length: BULK }, (_, n) => ({ statement: READ_OWN, description: `bulk.policy-${n}` }));
    const seeded = await seedStore(localAvp.client, { bundle: BUNDLE, extraPolicies, links: [link(1), link(2), link(3)] });
    localAvp.endpoint.resetRequestCounts();

    const live = await readLiveStore(localAvp.client, seeded.policyStoreId);

    expect(localAvp.endpoint.requestCount('ListPolicies')).toBe(2);
    const policies = live.items.filter((item) => item.kind === 'policy');
    expect(policies).toHaveLength(Object.keys(BUNDLE.policies).length + BULK);
    expect(new Set(policies.map((item) => item.policyId))).toEqual(
      new Set([...Object.keys(BUNDLE.policies), ...extraPolicies.map((extra) => extra.description)]),
    );
    expect(policies.find((item) => item.policyId === 'tenant.isolation')).toEqual({
      kind: 'policy',
      avpId: seeded.avpIds.get('tenant.isolation'),
      policyId: 'tenant.isolation',
      statement: BUNDLE.policies['tenant.isolation'],
    });
  });

  it('reads the templates and counts the template-linked policies of each, listing none of them as items', async () => {
    const seeded = await seedStore(localAvp.client, { bundle: BUNDLE, links: [link(1), link(2), link(3)] });

    const live = await readLiveStore(localAvp.client, seeded.policyStoreId);

    const templateAvpId = seeded.avpIds.get(TEMPLATE) ?? '';
    expect(live.items.filter((item) => item.kind === 'template')).toEqual([
      { kind: 'template', avpId: templateAvpId, policyId: TEMPLATE, statement: BUNDLE.templates[TEMPLATE] },
    ]);
    expect([...live.linkedPolicies]).toEqual([[templateAvpId, 3]]);
    expect(live.items).toHaveLength(Object.keys(BUNDLE.policies).length + 1);
  });

  it('gives the schema text the store holds', async () => {
    const seeded = await seedStore(localAvp.client, { bundle: BUNDLE });

    const live = await readLiveStore(localAvp.client, seeded.policyStoreId);

    expect(JSON.parse(live.schema ?? 'null')).toEqual(BUNDLE.schema);
  });

  it('reads a store without a schema as schema undefined (AVP answers ResourceNotFoundException for SCHEMA)', async () => {
    const seeded = await seedStore(localAvp.client, { bundle: { schema: {}, policies: {}, templates: {} }, withSchema: false });

    const live = await readLiveStore(localAvp.client, seeded.policyStoreId);

    expect(live).toEqual({ policyStoreId: seeded.policyStoreId, schema: undefined, items: [], linkedPolicies: new Map() });
  });

  it('leaves the @id undefined for a description that is not an @id or is absent', async () => {
    const statement = 'permit (principal, action == Billing::Action::"ViewAccount", resource);';
    const seeded = await seedStore(localAvp.client, {
      bundle: { schema: BUNDLE.schema, policies: {}, templates: {} },
      extraPolicies: [{ statement, description: 'Made in the console by Alice' }, { statement }],
    });

    const live = await readLiveStore(localAvp.client, seeded.policyStoreId);

    expect(live.items.map((item) => item.policyId)).toEqual([undefined, undefined]);
  });

  it('fails with StoreNotFoundError naming a store that does not exist', async () => {
    await expect(readLiveStore(localAvp.client, 'PSnotthere0000000000000')).rejects.toThrow(
      new StoreNotFoundError('policy store PSnotthere0000000000000 not found; check the store id and the region'),
    );
  });

  it('fails with StoreUnreachableError when nothing listens at the endpoint', async () => {
    const closed = await startLocalAvpEndpoint();
    const url = closed.url;
    await closed.close();
    const unreachable = createLocalAvpClient(url, { maxAttempts: 1 });

    const failure = readLiveStore(unreachable, 'PSany').finally(() => unreachable.destroy());

    await expect(failure).rejects.toBeInstanceOf(StoreUnreachableError);
    await expect(failure).rejects.toThrow(/cannot reach Amazon Verified Permissions for policy store PSany \(ECONNREFUSED\)/);
  });
});
