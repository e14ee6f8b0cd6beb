// Reading a store pages through ListPolicies and ListPolicyTemplates to the last nextToken, and reads each statement
// with GetPolicy / GetPolicyTemplate. AVP API reference: ListPolicies and ListPolicyTemplates return `nextToken` while
// more items remain (API_ListPolicies.html, API_ListPolicyTemplates.html); a PolicyItem carries a static policy's
// description but no statement (API_PolicyItem.html, API_StaticPolicyDefinitionItem.html), GetPolicy's
// definition.static does (API_GetPolicy.html), all under https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/.
// Against the local AVP endpoint through the real SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvpOperation } from '../../local/avp/avp-endpoint.js';
import { readPolicyStore } from '../../scripts/import/read-store.js';
import { startImportWorld, type ImportWorld } from './support/import-project.js';
import { STATEMENTS } from './support/photo-store.js';

let world: ImportWorld;
beforeAll(async () => {
  world = await startImportWorld();
});
afterAll(() => world.close());

const READS: readonly AvpOperation[] = ['ListPolicies', 'GetPolicy', 'ListPolicyTemplates', 'GetPolicyTemplate'];

describe('reading a policy store', () => {
  it('follows nextToken through every page, one policy per page, and reads every statement once', async () => {
    const { policyStoreId, ids } = world.store;
    world.endpoint.resetRequestCounts();

    const snapshot = await readPolicyStore({ client: world.client, policyStoreId, where: world.endpoint.url, pageSize: 1 });

    const byId = (a: { storeId: string }, b: { storeId: string }) => (a.storeId < b.storeId ? -1 : 1);
    expect({
      policies: snapshot.policies,
      templates: snapshot.templates,
      links: snapshot.links,
      calls: READS.map((operation) => [operation, world.endpoint.requestCount(operation)]),
    }).toEqual({
      policies: [
        { storeId: ids.adminsView, statement: STATEMENTS.adminsView, description: 'Members of the admins group may view every photo.' },
        { storeId: ids.ownerDelete, statement: STATEMENTS.ownerDelete, description: 'photo.owner-delete' },
        { storeId: ids.privateForbid, statement: STATEMENTS.privateForbid, description: undefined },
        {
          storeId: ids.albumsPublic,
          statement: STATEMENTS.albumsPublic,
          description: 'Every album is public; its photos decide for themselves.',
        },
      ].sort(byId),
      templates: [
        { storeId: ids.shareAlbum, statement: STATEMENTS.shareAlbum, description: 'Shares the photos of one album with one user.' },
      ],
      links: [
        {
          storeId: ids.bobTripLink,
          templateStoreId: ids.shareAlbum,
          principal: { entityType: 'PhotoFlash::User', entityId: 'bob' },
          resource: { entityType: 'PhotoFlash::Album', entityId: 'trip' },
        },
      ],
      // Five policies (four static, one link) at one per page: five pages. The link's statement is never read.
      calls: [
        ['ListPolicies', 5],
        ['GetPolicy', 4],
        ['ListPolicyTemplates', 1],
        ['GetPolicyTemplate', 1],
      ],
    });
  });
});
