// readPolicyStore reads a store as it is, through the real SDK against the local AVP endpoint; import and plan each
// make sense of what it returns. A store without a schema answers GetSchema with ResourceNotFoundException for the
// SCHEMA resource (AVP API reference, GetSchema: https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_GetSchema.html).
import { ResourceNotFoundException } from '@aws-sdk/client-verifiedpermissions';
import { describe, expect, it } from 'vitest';
import { PolicyStoreCallError, readPolicyStore } from '../../../scripts/aws/read-policy-store.js';
import { seedStore } from '../../store-plan/support/seed-store.js';
import { fixtureMode } from '../../support/fixture-domain.js';
import { useLocalAvpEndpoint } from '../../support/local-avp.js';

const BUNDLE = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;
const TEMPLATE = 'tenant.delegated-account-read';
/** A STRICT store takes no policy before it has a schema, so a store without one is empty. */
const EMPTY = { schema: {}, policies: {}, templates: {} };

const localAvp = useLocalAvpEndpoint();

function link(user: string) {
  return {
    templateId: TEMPLATE,
    principal: { entityType: 'Billing::TenantUser', entityId: user },
    resource: { entityType: 'Billing::Account', entityId: `account-of-${user}` },
  };
}

describe('readPolicyStore', () => {
  it('returns the schema text, the statements with their descriptions and the links, each list sorted by store id', async () => {
    const seeded = await seedStore(localAvp.client, { bundle: BUNDLE, links: [link('carol'), link('alice'), link('bob')] });

    const store = await readPolicyStore({ client: localAvp.client, policyStoreId: seeded.policyStoreId, schema: 'required', pageSize: 2 });

    const byStoreId = (a: { avpId: string }, b: { avpId: string }) => (a.avpId < b.avpId ? -1 : a.avpId > b.avpId ? 1 : 0);
    expect(JSON.parse(store.schema)).toEqual(BUNDLE.schema);
    expect(store.policies).toEqual(
      Object.entries(BUNDLE.policies)
        .map(([id, statement]) => ({ avpId: seeded.avpIds.get(id) ?? '', description: id, statement }))
        .sort(byStoreId),
    );
    expect(store.templates).toEqual([{ avpId: seeded.avpIds.get(TEMPLATE), description: TEMPLATE, statement: BUNDLE.templates[TEMPLATE] }]);
    expect(store.links.map((stored) => stored.principal?.entityId).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(store.links.map((stored) => stored.avpId)).toEqual(store.links.map((stored) => stored.avpId).sort());
    expect(store.links[0]).toMatchObject({
      templateAvpId: seeded.avpIds.get(TEMPLATE),
      principal: { entityType: 'Billing::TenantUser' },
      resource: { entityType: 'Billing::Account' },
    });
  });

  it("with schema 'optional', reads a store without a schema as schema undefined", async () => {
    const seeded = await seedStore(localAvp.client, { bundle: EMPTY, withSchema: false });

    const store = await readPolicyStore({ client: localAvp.client, policyStoreId: seeded.policyStoreId, schema: 'optional' });

    expect(store).toEqual({ schema: undefined, policies: [], templates: [], links: [] });
  });

  it("with schema 'required', fails a store without a schema at GetSchema, with AVP's exception as the cause", async () => {
    const seeded = await seedStore(localAvp.client, { bundle: EMPTY, withSchema: false });

    const failure = await readPolicyStore({ client: localAvp.client, policyStoreId: seeded.policyStoreId, schema: 'required' }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PolicyStoreCallError);
    expect(failure).toMatchObject({ operation: 'GetSchema', cause: expect.any(ResourceNotFoundException) });
    expect(failure).toMatchObject({ cause: { resourceType: 'SCHEMA' } });
  });

  it("fails a store that does not exist at GetSchema even with schema 'optional': only a missing SCHEMA is read as none", async () => {
    const failure = await readPolicyStore({ client: localAvp.client, policyStoreId: 'PSdoesNotExist0000000', schema: 'optional' }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(PolicyStoreCallError);
    expect(failure).toMatchObject({ operation: 'GetSchema', cause: expect.any(ResourceNotFoundException) });
    expect(failure).toMatchObject({ cause: { resourceType: 'POLICY_STORE' } });
  });
});
