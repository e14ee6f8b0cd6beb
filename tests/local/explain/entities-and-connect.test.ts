// --entities replaces the demo world in the entity store for one run; --connect explains a WebSocket $connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainJson, scratchFiles, type ScratchFiles } from './support/explain-cli.js';

const customer = (id: string) => ({
  uid: { type: 'Billing::Customer', id },
  attrs: { tenant: { __entity: { type: 'Billing::Tenant', id: 'bank-a' } }, country: 'FR' },
  parents: [],
});
const accountOwnedBy = (owner: string) => ({
  uid: { type: 'Billing::Account', id: 'acct-1' },
  attrs: {
    owner: { __entity: { type: 'Billing::Customer', id: owner } },
    tenant: { __entity: { type: 'Billing::Tenant', id: 'bank-a' } },
    currency: 'EUR',
    frozen: false,
  },
  parents: [{ type: 'Billing::Customer', id: owner }],
});

let files: ScratchFiles;

beforeAll(() => {
  files = scratchFiles();
});

afterAll(() => {
  files.remove();
});

describe('npm run explain -- --entities', () => {
  it("an account the file gives to another customer turns alice's allow into a deny", async () => {
    const entities = files.write('acct-1-of-cust-2.json', [customer('cust-2'), accountOwnedBy('cust-2')]);

    const result = await explainJson([
      '--mode',
      'customer',
      '--principal',
      'alice',
      '--method',
      'GET',
      '--path',
      '/accounts/acct-1',
      '--entities',
      entities,
    ]);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'deny',
      determiningPolicies: [],
    });
  });

  it("the same account given to alice's own customer is allowed, and the entities shown are the file's", async () => {
    const entities = files.write('acct-1-of-cust-1.json', [customer('cust-1'), accountOwnedBy('cust-1')]);

    const result = await explainJson([
      '--mode',
      'customer',
      '--principal',
      'alice',
      '--method',
      'GET',
      '--path',
      '/accounts/acct-1',
      '--entities',
      entities,
    ]);

    expect({ decision: result.decision, account: result.entities.find((entity) => entity.uid.id === 'acct-1') }).toEqual({
      decision: 'allow',
      account: accountOwnedBy('cust-1'),
    });
  });
});

describe('npm run explain -- --connect', () => {
  it("a service with the events scope may subscribe to an account's events over WebSocket", async () => {
    const result = await explainJson(['--mode', 'm2m', '--principal', 'ledger', '--connect', '--query', 'accountId=acct-1']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies, resource: result.request.resource }).toEqual({
      decision: 'allow',
      determiningPolicies: ['service.subscribe-payment-events'],
      resource: { type: 'Billing::Account', id: 'acct-1' },
    });
  });

  it('a service without the events scope is denied its $connect', async () => {
    const result = await explainJson(['--mode', 'm2m', '--principal', 'notify', '--connect', '--query', 'accountId=acct-1']);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'deny',
      determiningPolicies: [],
    });
  });
});
