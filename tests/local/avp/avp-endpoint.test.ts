import { connect } from 'node:net';
import {
  BatchIsAuthorizedCommand,
  CreatePolicyCommand,
  CreatePolicyStoreCommand,
  CreatePolicyTemplateCommand,
  DeletePolicyCommand,
  DeletePolicyStoreCommand,
  GetPolicyCommand,
  GetPolicyStoreCommand,
  GetSchemaCommand,
  InternalServerException,
  InvalidStateException,
  IsAuthorizedCommand,
  ListPoliciesCommand,
  ListPolicyStoresCommand,
  ListPolicyTemplatesCommand,
  PutSchemaCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type BatchIsAuthorizedInputItem,
  type EntityItem,
  type VerifiedPermissionsClient,
} from '@aws-sdk/client-verifiedpermissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAvpClient, MAX_BATCH_REQUESTS, startLocalAvpEndpoint, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { ValidationException as EndpointValidationException } from '../../../local/avp/errors.js';
import type { PolicyBundle } from '../../../runtime/config.js';
import { fixtureMode } from '../../support/fixture-domain.js';

const customerBundle = fixtureMode('billing', 'customer').POLICY_BUNDLE;
const multiTenantBundle = fixtureMode('billing', 'multi-tenant').POLICY_BUNDLE;

const CUSTOMER: PolicyBundle = customerBundle;
const MULTI_TENANT: PolicyBundle = multiTenantBundle;
const SCHEMA_JSON = JSON.stringify(CUSTOMER.schema);

const VIEW_ACCOUNT = { actionType: 'Billing::Action', actionId: 'ViewAccount' };
const CREATE_PAYMENT = { actionType: 'Billing::Action', actionId: 'CreatePayment' };
const uid = (type: string, id: string) => ({ entityType: `Billing::${type}`, entityId: id });

/** A customer user with one role, in the AVP typed form the SDK sends. */
function customerUser(id: string, role: string, customer: string): EntityItem {
  return {
    identifier: uid('CustomerUser', id),
    attributes: { userId: { string: id }, customer: { entityIdentifier: uid('Customer', customer) } },
    parents: [uid('Role', role)],
  };
}

function account(id: string, owner: string, frozen = false): EntityItem {
  return {
    identifier: uid('Account', id),
    attributes: {
      owner: { entityIdentifier: uid('Customer', owner) },
      tenant: { entityIdentifier: uid('Tenant', 't1') },
      currency: { string: 'EUR' },
      frozen: { boolean: frozen },
    },
    parents: [uid('Customer', owner)],
  };
}

/** A tenant user with no role, as the template's links name them. */
function tenantUser(id: string): EntityItem {
  return {
    identifier: uid('TenantUser', id),
    attributes: {
      userId: { string: id },
      tenant: { entityIdentifier: uid('Tenant', 't1') },
      customer: { entityIdentifier: uid('Customer', 'c1') },
    },
    parents: [],
  };
}

let endpoint: LocalAvpEndpoint;
let client: VerifiedPermissionsClient;

beforeAll(async () => {
  endpoint = await startLocalAvpEndpoint();
  // One attempt: these tests look at single replies; retries are the engine tests' subject.
  client = createLocalAvpClient(endpoint.url, { maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

async function newStore(): Promise<string> {
  const { policyStoreId } = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'STRICT' } }));
  if (!policyStoreId) throw new Error('CreatePolicyStore returned no id');
  return policyStoreId;
}

async function newStoreWithSchema(): Promise<string> {
  const policyStoreId = await newStore();
  await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: SCHEMA_JSON } }));
  return policyStoreId;
}

describe('policy stores', () => {
  it('CreatePolicyStore returns an id and an ARN, and GetPolicyStore reads the store back with STRICT validation', async () => {
    const created = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'STRICT' }, description: 'tenant t1' }));

    const read = await client.send(new GetPolicyStoreCommand({ policyStoreId: created.policyStoreId }));

    expect(created.policyStoreId).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(created.arn).toBe(`arn:aws:verifiedpermissions::000000000000:policy-store/${created.policyStoreId}`);
    expect(created.createdDate).toBeInstanceOf(Date);
    expect(read).toMatchObject({
      policyStoreId: created.policyStoreId,
      arn: created.arn,
      validationSettings: { mode: 'STRICT' },
      description: 'tenant t1',
      deletionProtection: 'DISABLED',
      cedarVersion: 'CEDAR_4',
    });
  });

  it(
    'ListPolicyStores lists a new store, and after DeletePolicyStore ' + 'it is gone and GetPolicyStore raises ResourceNotFoundException',
    async () => {
      const policyStoreId = await newStore();
      const before = await client.send(new ListPolicyStoresCommand({}));

      await client.send(new DeletePolicyStoreCommand({ policyStoreId }));

      const after = await client.send(new ListPolicyStoresCommand({}));
      expect(before.policyStores?.map((s) => s.policyStoreId)).toContain(policyStoreId);
      expect(after.policyStores?.map((s) => s.policyStoreId)).not.toContain(policyStoreId);
      const read = client.send(new GetPolicyStoreCommand({ policyStoreId }));
      await expect(read).rejects.toThrow(ResourceNotFoundException);
      await expect(read).rejects.toThrow(`POLICY_STORE ${policyStoreId} not found`);
    },
  );

  it('ListPolicyStores pages with maxResults and nextToken', async () => {
    await newStore();
    await newStore();

    const first = await client.send(new ListPolicyStoresCommand({ maxResults: 1 }));
    const second = await client.send(new ListPolicyStoresCommand({ maxResults: 1, nextToken: first.nextToken }));

    expect(first.policyStores).toHaveLength(1);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second.policyStores).toHaveLength(1);
    expect(second.policyStores?.[0]?.policyStoreId).not.toBe(first.policyStores?.[0]?.policyStoreId);
  });

  it('DeletePolicyStore of an unknown id succeeds, as AVP deletes idempotently', async () => {
    const output = await client.send(new DeletePolicyStoreCommand({ policyStoreId: 'NoSuchStore0000000000' }));

    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it('DeletePolicyStore of a deletion-protected store raises InvalidStateException', async () => {
    const { policyStoreId } = await client.send(
      new CreatePolicyStoreCommand({ validationSettings: { mode: 'OFF' }, deletionProtection: 'ENABLED' }),
    );

    const deletion = client.send(new DeletePolicyStoreCommand({ policyStoreId }));

    await expect(deletion).rejects.toThrow(InvalidStateException);
    await expect(deletion).rejects.toThrow('has deletion protection enabled');
  });

  it('CreatePolicyStore without validationSettings.mode raises ValidationException', async () => {
    const creation = client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: undefined } }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('validationSettings.mode must be one of OFF, STRICT');
  });
});

describe('schema', () => {
  it('PutSchema returns the namespace, and GetSchema returns the same cedarJson text', async () => {
    const policyStoreId = await newStore();

    const put = await client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: SCHEMA_JSON } }));
    const read = await client.send(new GetSchemaCommand({ policyStoreId }));

    expect(put.namespaces).toEqual(['Billing']);
    expect(read.schema).toBe(SCHEMA_JSON);
    expect(read.namespaces).toEqual(['Billing']);
  });

  it('PutSchema with two namespaces raises ValidationException, as AVP allows one', async () => {
    const policyStoreId = await newStore();
    const twoNamespaces = JSON.stringify({ A: { entityTypes: {}, actions: {} }, B: { entityTypes: {}, actions: {} } });

    const put = client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: twoNamespaces } }));

    await expect(put).rejects.toThrow(ValidationException);
    await expect(put).rejects.toThrow('a schema must declare exactly one namespace, found 2');
  });

  it('PutSchema with a schema Cedar cannot parse raises ValidationException', async () => {
    const policyStoreId = await newStore();
    const broken = JSON.stringify({ Billing: { entityTypes: { User: { memberOfTypes: 'not-a-list' } }, actions: {} } });

    const put = client.send(new PutSchemaCommand({ policyStoreId, definition: { cedarJson: broken } }));

    await expect(put).rejects.toThrow(ValidationException);
    await expect(put).rejects.toThrow('the schema does not parse');
  });

  it('GetSchema of a store without a schema raises ResourceNotFoundException', async () => {
    const policyStoreId = await newStore();

    await expect(client.send(new GetSchemaCommand({ policyStoreId }))).rejects.toThrow(ResourceNotFoundException);
  });
});

describe('static policies', () => {
  const READ_OWN = CUSTOMER.policies['customer.read-own'] ?? '';

  it('CreatePolicy stores a policy that conforms to the schema, and GetPolicy returns its statement, effect and scope', async () => {
    const policyStoreId = await newStoreWithSchema();
    const statement = 'permit (principal == Billing::CustomerUser::"alice", action == Billing::Action::"ViewAccount", resource);';

    const created = await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement, description: 'alice reads' } } }),
    );
    const read = await client.send(new GetPolicyCommand({ policyStoreId, policyId: created.policyId }));

    expect(created).toMatchObject({
      policyStoreId,
      policyType: 'STATIC',
      effect: 'Permit',
      principal: uid('CustomerUser', 'alice'),
      actions: [VIEW_ACCOUNT],
    });
    expect(read.definition).toEqual({ static: { statement, description: 'alice reads' } });
    expect(read.lastUpdatedDate).toBeInstanceOf(Date);
  });

  it('CreatePolicy in STRICT mode refuses a policy that reads an attribute the schema lacks, with ValidationException', async () => {
    const policyStoreId = await newStoreWithSchema();
    const statement =
      'permit (principal is Billing::CustomerUser, action == Billing::Action::"ViewAccount", ' +
      'resource is Billing::Account) when { resource.balance > 0 };';

    const creation = client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement } } }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('attribute `balance` on entity type `Billing::Account` not found');
  });

  it('CreatePolicy in STRICT mode refuses any static policy while the store has no schema', async () => {
    const policyStoreId = await newStore();

    const creation = client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: READ_OWN } } }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('validates in STRICT mode and has no schema');
  });

  it('CreatePolicy with validation OFF accepts a policy the schema would refuse', async () => {
    const { policyStoreId } = await client.send(new CreatePolicyStoreCommand({ validationSettings: { mode: 'OFF' } }));
    const statement = 'permit (principal, action, resource) when { resource.balance > 0 };';

    const created = await client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement } } }));

    expect(created.policyType).toBe('STATIC');
  });

  it('CreatePolicy refuses a statement that holds two policies', async () => {
    const policyStoreId = await newStoreWithSchema();
    const statement = `${READ_OWN}\n${CUSTOMER.policies['customer.pay-from-own-account'] ?? ''}`;

    const creation = client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement } } }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow(
      'a static policy statement must hold exactly one policy without slots (found 2 policies, 0 templates)',
    );
  });

  it('ListPolicies lists the policies, filters by type, and DeletePolicy removes one', async () => {
    const policyStoreId = await newStoreWithSchema();
    const first = await client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: READ_OWN } } }));
    const second = await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: CUSTOMER.policies['shared.forbid-self-approval'] } } }),
    );

    const listed = await client.send(new ListPoliciesCommand({ policyStoreId }));
    const linkedOnly = await client.send(new ListPoliciesCommand({ policyStoreId, filter: { policyType: 'TEMPLATE_LINKED' } }));
    await client.send(new DeletePolicyCommand({ policyStoreId, policyId: first.policyId }));
    const afterDelete = await client.send(new ListPoliciesCommand({ policyStoreId }));

    expect(listed.policies?.map((p) => [p.policyId, p.policyType, p.effect])).toEqual([
      [first.policyId, 'STATIC', 'Permit'],
      [second.policyId, 'STATIC', 'Forbid'],
    ]);
    expect(linkedOnly.policies).toEqual([]);
    expect(afterDelete.policies?.map((p) => p.policyId)).toEqual([second.policyId]);
  });

  // "This operation is idempotent; if you specify a policy that doesn't exist, the request response returns a successful
  // HTTP 200 status code." (AVP API Reference, DeletePolicy:
  // https://docs.aws.amazon.com/verifiedpermissions/latest/apireference/API_DeletePolicy.html)
  it('DeletePolicy of a policy that is gone succeeds, as AVP documents it idempotent, and the store is unchanged', async () => {
    const policyStoreId = await newStoreWithSchema();
    const { policyId } = await client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: READ_OWN } } }));
    const { policyId: kept } = await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: READ_OWN } } }),
    );
    await client.send(new DeletePolicyCommand({ policyStoreId, policyId }));

    await expect(client.send(new DeletePolicyCommand({ policyStoreId, policyId }))).resolves.toMatchObject({});

    const { policies } = await client.send(new ListPoliciesCommand({ policyStoreId }));
    expect(policies?.map((p) => p.policyId)).toEqual([kept]);
    await expect(client.send(new GetPolicyCommand({ policyStoreId, policyId }))).rejects.toThrow(ResourceNotFoundException);
  });

  it('a policy created through the protocol decides IsAuthorized under its generated id, and stops once deleted', async () => {
    const policyStoreId = await newStoreWithSchema();
    const { policyId } = await client.send(new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: READ_OWN } } }));
    const query = {
      policyStoreId,
      principal: uid('CustomerUser', 'vera'),
      action: VIEW_ACCOUNT,
      resource: uid('Account', 'acct-1'),
      entities: { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c1')] },
    };

    const allowed = await client.send(new IsAuthorizedCommand(query));
    await client.send(new DeletePolicyCommand({ policyStoreId, policyId }));
    const denied = await client.send(new IsAuthorizedCommand(query));

    expect(allowed).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId }], errors: [] });
    expect(denied).toMatchObject({ decision: 'DENY', determiningPolicies: [], errors: [] });
  });
});

describe('policy templates and template-linked policies', () => {
  const DELEGATED_READ = MULTI_TENANT.templates['tenant.delegated-account-read'] ?? '';

  async function storeWithTemplate(): Promise<{ policyStoreId: string; policyTemplateId: string }> {
    const policyStoreId = await newStoreWithSchema();
    const { policyTemplateId } = await client.send(
      new CreatePolicyTemplateCommand({ policyStoreId, statement: DELEGATED_READ, description: 'delegated read' }),
    );
    if (!policyTemplateId) throw new Error('CreatePolicyTemplate returned no id');
    return { policyStoreId, policyTemplateId };
  }

  it('CreatePolicyTemplate stores a template, and ListPolicyTemplates lists it', async () => {
    const { policyStoreId, policyTemplateId } = await storeWithTemplate();

    const listed = await client.send(new ListPolicyTemplatesCommand({ policyStoreId }));

    expect(listed.policyTemplates?.map((t) => [t.policyTemplateId, t.description])).toEqual([[policyTemplateId, 'delegated read']]);
  });

  it('CreatePolicyTemplate refuses a template with an unconstrained principal, as AVP does', async () => {
    const policyStoreId = await newStoreWithSchema();
    const statement = 'permit (principal, action == Billing::Action::"ViewAccount", resource == ?resource);';

    const creation = client.send(new CreatePolicyTemplateCommand({ policyStoreId, statement }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('a policy template must constrain both its principal and its resource');
  });

  it('CreatePolicyTemplate in STRICT mode refuses a template naming an entity type the schema lacks', async () => {
    const policyStoreId = await newStoreWithSchema();
    const statement =
      'permit (principal == ?principal, action == Billing::Action::"ViewAccount", resource is Billing::Vault in ?resource);';

    const creation = client.send(new CreatePolicyTemplateCommand({ policyStoreId, statement }));

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('unrecognized entity type `Billing::Vault`');
  });

  it('a template-linked policy allows the linked principal on the linked resource, and no one else', async () => {
    const { policyStoreId, policyTemplateId } = await storeWithTemplate();
    const auditor = tenantUser('auditor');
    const intern = tenantUser('intern');
    const accountEntity = account('acct-1', 'c1');

    const link = await client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'auditor'), resource: uid('Account', 'acct-1') } },
      }),
    );
    const read = await client.send(new GetPolicyCommand({ policyStoreId, policyId: link.policyId }));
    const query = {
      policyStoreId,
      action: VIEW_ACCOUNT,
      resource: uid('Account', 'acct-1'),
      entities: { entityList: [auditor, intern, accountEntity] },
    };
    const auditorAnswer = await client.send(new IsAuthorizedCommand({ ...query, principal: uid('TenantUser', 'auditor') }));
    const internAnswer = await client.send(new IsAuthorizedCommand({ ...query, principal: uid('TenantUser', 'intern') }));

    expect(link).toMatchObject({
      policyType: 'TEMPLATE_LINKED',
      effect: 'Permit',
      principal: uid('TenantUser', 'auditor'),
      resource: uid('Account', 'acct-1'),
    });
    expect(read.definition).toEqual({
      templateLinked: { policyTemplateId, principal: uid('TenantUser', 'auditor'), resource: uid('Account', 'acct-1') },
    });
    expect(auditorAnswer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: link.policyId }] });
    expect(internAnswer).toMatchObject({ decision: 'DENY', determiningPolicies: [] });
  });

  it('ListPolicies filtered by template id lists only the links of that template', async () => {
    const { policyStoreId, policyTemplateId } = await storeWithTemplate();
    const link = await client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'u1'), resource: uid('Account', 'a1') } },
      }),
    );
    await client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { static: { statement: CUSTOMER.policies['customer.read-own'] } } }),
    );

    const listed = await client.send(new ListPoliciesCommand({ policyStoreId, filter: { policyTemplateId } }));

    expect(listed.policies?.map((p) => [p.policyId, p.definition])).toEqual([
      [link.policyId, { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'u1'), resource: uid('Account', 'a1') } }],
    ]);
  });

  it('linking a template that does not exist raises ResourceNotFoundException', async () => {
    const policyStoreId = await newStoreWithSchema();

    const creation = client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: { templateLinked: { policyTemplateId: 'NoSuchTemplate', principal: uid('TenantUser', 'u1') } },
      }),
    );

    await expect(creation).rejects.toThrow(ResourceNotFoundException);
    await expect(creation).rejects.toThrow('POLICY_TEMPLATE NoSuchTemplate not found');
  });

  it('linking without a value for a slot of the template raises ValidationException', async () => {
    const { policyStoreId, policyTemplateId } = await storeWithTemplate();

    const creation = client.send(
      new CreatePolicyCommand({ policyStoreId, definition: { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'u1') } } }),
    );

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow(`template ${policyTemplateId} has a ?resource slot: templateLinked.resource is required`);
  });

  it('linking an entity of a type the schema lacks raises ValidationException in STRICT mode', async () => {
    const { policyStoreId, policyTemplateId } = await storeWithTemplate();

    const creation = client.send(
      new CreatePolicyCommand({
        policyStoreId,
        definition: { templateLinked: { policyTemplateId, principal: uid('TenantUser', 'u1'), resource: uid('Vault', 'v1') } },
      }),
    );

    await expect(creation).rejects.toThrow(ValidationException);
    await expect(creation).rejects.toThrow('unrecognized entity type `Billing::Vault`');
  });
});

describe('IsAuthorized', () => {
  let policyStoreId: string;

  beforeAll(() => {
    policyStoreId = endpoint.seedPolicyStore({ bundle: CUSTOMER });
  });

  it("allows a viewer to view their own customer's account, naming the determining policy by its @id", async () => {
    const answer = await client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'vera'),
        action: VIEW_ACCOUNT,
        resource: uid('Account', 'acct-1'),
        entities: { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c1')] },
      }),
    );

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'customer.read-own' }], errors: [] });
  });

  it("denies the same viewer another customer's account, with no determining policy", async () => {
    const answer = await client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'vera'),
        action: VIEW_ACCOUNT,
        resource: uid('Account', 'acct-2'),
        entities: { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-2', 'c2')] },
      }),
    );

    expect(answer).toMatchObject({ decision: 'DENY', determiningPolicies: [], errors: [] });
  });

  it('reads typed context values: a large payment without an approver is denied by the guardrail forbid', async () => {
    const answer = await client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'pat'),
        action: CREATE_PAYMENT,
        resource: uid('Account', 'acct-1'),
        context: { contextMap: { amount: { long: 2_000_000 }, currency: { string: 'EUR' } } },
        entities: { entityList: [customerUser('pat', 'payer', 'c1'), account('acct-1', 'c1')] },
      }),
    );

    expect(answer).toMatchObject({
      decision: 'DENY',
      determiningPolicies: [{ policyId: 'shared.forbid-large-payment-without-approver' }],
      errors: [],
    });
  });

  it('accepts context and entities as cedarJson too', async () => {
    const answer = await client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'pat'),
        action: CREATE_PAYMENT,
        resource: uid('Account', 'acct-1'),
        context: { cedarJson: JSON.stringify({ amount: 500, currency: 'EUR' }) },
        entities: {
          cedarJson: JSON.stringify([
            {
              uid: { type: 'Billing::CustomerUser', id: 'pat' },
              attrs: { userId: 'pat', customer: { __entity: { type: 'Billing::Customer', id: 'c1' } } },
              parents: [{ type: 'Billing::Role', id: 'payer' }],
            },
            {
              uid: { type: 'Billing::Account', id: 'acct-1' },
              attrs: {
                owner: { __entity: { type: 'Billing::Customer', id: 'c1' } },
                tenant: { __entity: { type: 'Billing::Tenant', id: 't1' } },
                currency: 'EUR',
                frozen: false,
              },
              parents: [],
            },
          ]),
        },
      }),
    );

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'customer.pay-from-own-account' }], errors: [] });
  });

  it('keeps the last of two entities with one identifier, as AVP does', async () => {
    const answer = await client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'vera'),
        action: VIEW_ACCOUNT,
        resource: uid('Account', 'acct-1'),
        entities: { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c2'), account('acct-1', 'c1')] },
      }),
    );

    expect(answer).toMatchObject({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'customer.read-own' }] });
  });

  it(
    'reports an evaluation error when a policy reads an attribute ' + 'of an entity the request does not carry, and does not allow',
    async () => {
      const answer = await client.send(
        new IsAuthorizedCommand({
          policyStoreId,
          principal: uid('CustomerUser', 'vera'),
          action: VIEW_ACCOUNT,
          resource: uid('Account', 'acct-1'),
          entities: { entityList: [customerUser('vera', 'viewer', 'c1')] },
        }),
      );

      expect(answer).toMatchObject({
        decision: 'DENY',
        determiningPolicies: [],
        errors: [{ errorDescription: 'policy customer.read-own: entity `Billing::Account::"acct-1"` does not exist' }],
      });
    },
  );

  it('raises ValidationException for a typed value of no known type', async () => {
    const answer = client.send(
      new IsAuthorizedCommand({
        policyStoreId,
        principal: uid('CustomerUser', 'vera'),
        action: VIEW_ACCOUNT,
        resource: uid('Account', 'acct-1'),
        context: { contextMap: { amount: { $unknown: ['money', '10'] } } },
      }),
    );

    await expect(answer).rejects.toThrow(ValidationException);
    await expect(answer).rejects.toThrow(
      'context.contextMap.amount must hold exactly one of string, long, boolean, ' +
        'set, record, entityIdentifier, ipaddr, decimal, datetime, duration',
    );
  });

  it('raises ResourceNotFoundException for an unknown policy store', async () => {
    const answer = client.send(
      new IsAuthorizedCommand({
        policyStoreId: 'NoSuchStore0000000000',
        principal: uid('CustomerUser', 'vera'),
        action: VIEW_ACCOUNT,
        resource: uid('Account', 'acct-1'),
      }),
    );

    await expect(answer).rejects.toThrow(ResourceNotFoundException);
    await expect(answer).rejects.toThrow('POLICY_STORE NoSuchStore0000000000 not found');
  });
});

describe('BatchIsAuthorized', () => {
  let policyStoreId: string;
  const entities = { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c1'), account('acct-2', 'c2')] };

  function viewRequests(count: number): BatchIsAuthorizedInputItem[] {
    return Array.from({ length: count }, () => ({
      principal: uid('CustomerUser', 'vera'),
      action: VIEW_ACCOUNT,
      resource: uid('Account', 'acct-1'),
    }));
  }

  beforeAll(() => {
    policyStoreId = endpoint.seedPolicyStore({ bundle: CUSTOMER });
  });

  it('answers each request in order and echoes it back', async () => {
    const requests: BatchIsAuthorizedInputItem[] = [
      { principal: uid('CustomerUser', 'vera'), action: VIEW_ACCOUNT, resource: uid('Account', 'acct-1') },
      { principal: uid('CustomerUser', 'vera'), action: VIEW_ACCOUNT, resource: uid('Account', 'acct-2') },
      {
        principal: uid('CustomerUser', 'vera'),
        action: CREATE_PAYMENT,
        resource: uid('Account', 'acct-1'),
        context: { contextMap: { amount: { long: 1 }, currency: { string: 'EUR' } } },
      },
    ];

    const { results } = await client.send(new BatchIsAuthorizedCommand({ policyStoreId, entities, requests }));

    expect(results?.map((r) => [r.decision, r.determiningPolicies?.map((p) => p.policyId)])).toEqual([
      ['ALLOW', ['customer.read-own']],
      ['DENY', []],
      ['DENY', []],
    ]);
    expect(results?.map((r) => r.request)).toEqual(requests);
  });

  it(`accepts ${MAX_BATCH_REQUESTS} requests`, async () => {
    const { results } = await client.send(
      new BatchIsAuthorizedCommand({ policyStoreId, entities, requests: viewRequests(MAX_BATCH_REQUESTS) }),
    );

    expect(results).toHaveLength(MAX_BATCH_REQUESTS);
    expect(new Set(results?.map((r) => r.decision))).toEqual(new Set(['ALLOW']));
  });

  it(`refuses ${MAX_BATCH_REQUESTS + 1} requests with ValidationException`, async () => {
    const batch = client.send(new BatchIsAuthorizedCommand({ policyStoreId, entities, requests: viewRequests(MAX_BATCH_REQUESTS + 1) }));

    await expect(batch).rejects.toThrow(ValidationException);
    await expect(batch).rejects.toThrow('requests must hold 1 to 30 requests, got 31');
  });

  it('refuses an empty batch with ValidationException', async () => {
    await expect(client.send(new BatchIsAuthorizedCommand({ policyStoreId, entities, requests: [] }))).rejects.toThrow(
      'requests must hold 1 to 30 requests, got 0',
    );
  });

  it('refuses a batch whose requests share neither the principal nor the resource', async () => {
    const requests: BatchIsAuthorizedInputItem[] = [
      { principal: uid('CustomerUser', 'vera'), action: VIEW_ACCOUNT, resource: uid('Account', 'acct-1') },
      { principal: uid('CustomerUser', 'bob'), action: VIEW_ACCOUNT, resource: uid('Account', 'acct-2') },
    ];

    const batch = client.send(new BatchIsAuthorizedCommand({ policyStoreId, entities, requests }));

    await expect(batch).rejects.toThrow(ValidationException);
    await expect(batch).rejects.toThrow('every request of a batch must name the same principal or the same resource');
  });
});

describe('the wire protocol', () => {
  async function post(headers: Record<string, string>, body: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${endpoint.url}/`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  }

  it('answers an unknown x-amz-target with HTTP 400 UnknownOperationException', async () => {
    const reply = await post(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'VerifiedPermissions.CreateIdentitySource' },
      '{}',
    );

    expect(reply).toEqual({
      status: 400,
      body: { __type: 'UnknownOperationException', message: 'unknown operation "CreateIdentitySource"' },
    });
  });

  it('answers a body of another content type with HTTP 400 SerializationException', async () => {
    const reply = await post({ 'content-type': 'application/json', 'x-amz-target': 'VerifiedPermissions.ListPolicyStores' }, '{}');

    expect(reply).toEqual({
      status: 400,
      body: { __type: 'SerializationException', message: 'expected content-type application/x-amz-json-1.0, got "application/json"' },
    });
  });

  it('answers a body that is not JSON with HTTP 400 SerializationException', async () => {
    const reply = await post(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'VerifiedPermissions.ListPolicyStores' },
      '{"policyStoreId":',
    );

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      __type: 'SerializationException',
      message: expect.stringContaining('the request body is not JSON'),
    });
  });
});

describe('fault injection', () => {
  let policyStoreId: string;
  const query = () =>
    new IsAuthorizedCommand({
      policyStoreId,
      principal: uid('CustomerUser', 'vera'),
      action: VIEW_ACCOUNT,
      resource: uid('Account', 'acct-1'),
      entities: { entityList: [customerUser('vera', 'viewer', 'c1'), account('acct-1', 'c1')] },
    });

  beforeAll(() => {
    policyStoreId = endpoint.seedPolicyStore({ bundle: CUSTOMER });
  });

  it('throttle replies HTTP 429 ThrottlingException', async () => {
    endpoint.setFault({ kind: 'throttle', times: 1 });

    const error = await client.send(query()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
  });

  it('server-error replies HTTP 500 InternalServerException', async () => {
    endpoint.setFault({ kind: 'server-error', times: 1 });

    const error = await client.send(query()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InternalServerException);
    expect((error as InternalServerException).$metadata.httpStatusCode).toBe(500);
  });

  it('malformed replies HTTP 200 with a body the SDK cannot parse', async () => {
    endpoint.setFault({ kind: 'malformed', times: 1 });

    const error = await client.send(query()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as SyntaxError).message).toContain('is not valid JSON');
  });

  it('reset closes the connection without a reply', async () => {
    endpoint.setFault({ kind: 'reset', times: 1 });

    const error = await client.send(query()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
  });

  it('latency delays a normal answer by at least the given time', async () => {
    endpoint.setFault({ kind: 'latency', ms: 80, times: 1 });
    const started = performance.now();

    const answer = await client.send(query());

    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(answer.decision).toBe('ALLOW');
  });

  it('a fault limited to the next 2 requests clears itself on the third', async () => {
    endpoint.setFault({ kind: 'server-error', times: 2 });

    const outcomes = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(
        await client.send(query()).then(
          (a) => a.decision,
          (e: Error) => e.name,
        ),
      );

    expect(outcomes).toEqual(['InternalServerException', 'InternalServerException', 'ALLOW']);
  });

  it('a fault without a limit lasts until setFault(undefined) clears it', async () => {
    endpoint.setFault({ kind: 'throttle' });

    const during = await client.send(query()).then(
      (a) => a.decision,
      (e: Error) => e.name,
    );
    const stillDuring = await client.send(query()).then(
      (a) => a.decision,
      (e: Error) => e.name,
    );
    endpoint.setFault(undefined);
    const after = await client.send(query()).then(
      (a) => a.decision,
      (e: Error) => e.name,
    );

    expect([during, stillDuring, after]).toEqual(['ThrottlingException', 'ThrottlingException', 'ALLOW']);
  });

  it('counts requests per operation, faulted ones included', async () => {
    endpoint.resetRequestCounts();
    endpoint.setFault({ kind: 'reset', times: 1 });

    await client.send(query()).catch(() => undefined);
    await client.send(query());
    await client.send(new ListPolicyStoresCommand({}));

    expect(endpoint.requestCount('IsAuthorized')).toBe(2);
    expect(endpoint.requestCount('ListPolicyStores')).toBe(1);
    expect(endpoint.requestCount('CreatePolicy')).toBe(0);
  });

  it('refuses a fault limit that is not a positive integer', () => {
    expect(() => endpoint.setFault({ kind: 'throttle', times: 0 })).toThrow(
      new RangeError('fault.times must be a positive integer, got 0'),
    );
  });
});

describe('seedPolicyStore', () => {
  it("creates a STRICT store whose policy ids are the bundle's @ids", async () => {
    const policyStoreId = endpoint.seedPolicyStore({ policyStoreId: 'SeededMultiTenantStore', bundle: MULTI_TENANT });

    const store = await client.send(new GetPolicyStoreCommand({ policyStoreId }));
    const policies = await client.send(new ListPoliciesCommand({ policyStoreId }));
    const templates = await client.send(new ListPolicyTemplatesCommand({ policyStoreId }));

    expect(policyStoreId).toBe('SeededMultiTenantStore');
    expect(store.validationSettings).toEqual({ mode: 'STRICT' });
    expect(policies.policies?.map((p) => p.policyId).sort()).toEqual(Object.keys(MULTI_TENANT.policies).sort());
    expect(templates.policyTemplates?.map((t) => t.policyTemplateId)).toEqual(['tenant.delegated-account-read']);
  });

  it('refuses a bundle whose policy does not conform to its schema, and leaves no store behind', async () => {
    const broken: PolicyBundle = {
      ...CUSTOMER,
      policies: { 'bad.policy': 'permit (principal, action, resource is Billing::Account) when { resource.nope };' },
    };

    const seeding = () => endpoint.seedPolicyStore({ policyStoreId: 'BrokenStore', bundle: broken });

    expect(seeding).toThrow(EndpointValidationException);
    expect(seeding).toThrow(
      'the policy does not conform to the schema: for policy `bad.policy`, attribute `nope` on entity type `Billing::Account` not found',
    );
    await expect(client.send(new GetPolicyStoreCommand({ policyStoreId: 'BrokenStore' }))).rejects.toThrow(ResourceNotFoundException);
  });
});

describe('close', () => {
  it('leaves nothing listening, even with an idle keep-alive connection open', async () => {
    const other = await startLocalAvpEndpoint();
    const otherClient = createLocalAvpClient(other.url, { maxAttempts: 1 });
    await otherClient.send(new ListPolicyStoresCommand({}));
    const port = Number(new URL(other.url).port);

    await other.close();

    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    otherClient.destroy();
    expect(refused).toBe('ECONNREFUSED');
  });
});
