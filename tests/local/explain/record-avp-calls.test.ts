// What explain shows for AVP modes: each IsAuthorized request as the engine sent it, read back into Cedar JSON.
import { IsAuthorizedCommand } from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { buildMode } from '../../../local/explain/build-mode.js';
import { recordAvpCalls, type AvpCall } from '../../../local/explain/record-avp-calls.js';
import { REPO_ROOT } from '../../support/project-copy.js';

let avp: LocalAvpEndpoint;
let calls: AvpCall[];

beforeAll(async () => {
  avp = await startLocalAvpEndpoint();
  const storeId = avp.seedPolicyStore({ policyStoreId: 'ps-explain', bundle: buildMode(REPO_ROOT, 'internal').bundle });
  const client = createLocalAvpClient(avp.url, { maxAttempts: 1 });
  calls = recordAvpCalls(client);
  await client.send(
    new IsAuthorizedCommand({
      policyStoreId: storeId,
      principal: { entityType: 'Payments::StaffUser', entityId: 'rob' },
      action: { actionType: 'Payments::Action', actionId: 'RefundPayment' },
      resource: { entityType: 'Payments::Payment', entityId: 'pay-1' },
      context: { contextMap: { authMethods: { set: [{ string: 'pwd' }] } } },
      entities: {
        entityList: [
          { identifier: { entityType: 'Payments::StaffUser', entityId: 'rob' }, attributes: { email: { string: 'rob@payments.example' } }, parents: [{ entityType: 'Payments::StaffGroup', entityId: 'refunds' }] },
        ],
      },
    }),
  );
  client.destroy();
});

afterAll(async () => {
  await avp.close();
});

describe('recordAvpCalls', () => {
  it('records the request in Cedar JSON: uids, context and entities, with the answer\'s evaluation errors', () => {
    expect(calls).toEqual([
      {
        policyStoreId: 'ps-explain',
        principal: { type: 'Payments::StaffUser', id: 'rob' },
        action: { type: 'Payments::Action', id: 'RefundPayment' },
        resource: { type: 'Payments::Payment', id: 'pay-1' },
        context: { authMethods: ['pwd'] },
        entities: [{ uid: { type: 'Payments::StaffUser', id: 'rob' }, attrs: { email: 'rob@payments.example' }, parents: [{ type: 'Payments::StaffGroup', id: 'refunds' }] }],
        errors: [],
      },
    ]);
  });
});
