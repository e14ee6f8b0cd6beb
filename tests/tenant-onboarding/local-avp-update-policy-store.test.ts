// UpdatePolicyStore on the local AVP endpoint, added for onboarding: deletion protection must be turned off before a store is deleted.
import {
  CreatePolicyStoreCommand,
  DeletePolicyStoreCommand,
  GetPolicyStoreCommand,
  InvalidStateException,
  ResourceNotFoundException,
  UpdatePolicyStoreCommand,
  ValidationException,
} from '@aws-sdk/client-verifiedpermissions';
import { describe, expect, it } from 'vitest';
import { useLocalAvpEndpoint } from '../support/local-avp.js';

const localAvp = useLocalAvpEndpoint();

async function protectedStore(): Promise<string> {
  const { policyStoreId } = await localAvp.client.send(
    new CreatePolicyStoreCommand({ validationSettings: { mode: 'STRICT' }, deletionProtection: 'ENABLED', description: 'tenant t1' }),
  );
  if (policyStoreId === undefined) throw new Error('no policy store id');
  return policyStoreId;
}

describe('UpdatePolicyStore', () => {
  it('turns deletion protection off, after which DeletePolicyStore succeeds', async () => {
    const policyStoreId = await protectedStore();
    await expect(localAvp.client.send(new DeletePolicyStoreCommand({ policyStoreId }))).rejects.toThrow(InvalidStateException);

    const updated = await localAvp.client.send(
      new UpdatePolicyStoreCommand({ policyStoreId, validationSettings: { mode: 'STRICT' }, deletionProtection: 'DISABLED' }),
    );
    await localAvp.client.send(new DeletePolicyStoreCommand({ policyStoreId }));

    expect(updated.policyStoreId).toBe(policyStoreId);
    expect(updated.arn).toBe(`arn:aws:verifiedpermissions::000000000000:policy-store/${policyStoreId}`);
    await expect(localAvp.client.send(new GetPolicyStoreCommand({ policyStoreId }))).rejects.toThrow(ResourceNotFoundException);
  });

  it('sets the validation mode and description, and keeps deletion protection when it is not named', async () => {
    const policyStoreId = await protectedStore();

    await localAvp.client.send(
      new UpdatePolicyStoreCommand({ policyStoreId, validationSettings: { mode: 'OFF' }, description: 'tenant t1, renamed' }),
    );

    expect(await localAvp.client.send(new GetPolicyStoreCommand({ policyStoreId }))).toMatchObject({
      validationSettings: { mode: 'OFF' },
      description: 'tenant t1, renamed',
      deletionProtection: 'ENABLED',
    });
  });

  it('keeps the description when it is not named', async () => {
    const policyStoreId = await protectedStore();

    await localAvp.client.send(
      new UpdatePolicyStoreCommand({ policyStoreId, validationSettings: { mode: 'STRICT' }, deletionProtection: 'DISABLED' }),
    );

    expect(await localAvp.client.send(new GetPolicyStoreCommand({ policyStoreId }))).toMatchObject({
      description: 'tenant t1',
      deletionProtection: 'DISABLED',
    });
  });

  it('refuses an unknown store with ResourceNotFoundException', async () => {
    const update = localAvp.client.send(
      new UpdatePolicyStoreCommand({ policyStoreId: 'NoSuchStore0000000000', validationSettings: { mode: 'STRICT' } }),
    );

    await expect(update).rejects.toThrow(ResourceNotFoundException);
    await expect(update).rejects.toThrow('POLICY_STORE NoSuchStore0000000000 not found');
  });

  it('refuses an unknown deletion protection value with ValidationException', async () => {
    const policyStoreId = await protectedStore();

    // The SDK's enum type is open; AVP itself validates the value.
    const update = localAvp.client.send(
      new UpdatePolicyStoreCommand({ policyStoreId, validationSettings: { mode: 'STRICT' }, deletionProtection: 'MAYBE' as 'ENABLED' }),
    );

    await expect(update).rejects.toThrow(ValidationException);
    await expect(update).rejects.toThrow('deletionProtection must be one of ENABLED, DISABLED');
  });
});
