// What a case's runtime reads, seeded on dynalite and the local AVP endpoint through the real SDK clients.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { createSuiteEvaluator, runCase } from '../../../policy-testing/run-suites.js';
import { startParityEnvironment, type ParityEnvironment } from '../../../policy-testing/runtime-parity/parity-environment.js';
import { buildParityModes, type ParityMode } from '../../../policy-testing/runtime-parity/parity-modes.js';
import { runParityCase } from '../../../policy-testing/runtime-parity/run-case.js';
import { withSeededStores, type SeededStores } from '../../../policy-testing/runtime-parity/store-seeding.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { PATH_TENANT_MODE, TENANT_MODE, uid } from './mode-configs.js';

const DOC: EntityJson = {
  uid: uid('Account', 'acct-1'),
  attrs: { currency: 'EUR' },
  parents: [uid('Customer', 'cust-acme')],
  tags: { project: 'apollo' },
};
const LOCAL_LINKS_MODE: ParityMode = {
  config: {
    ...TENANT_MODE,
    templateLinks: { kind: 'table', table: 'links', tableEnv: 'TEMPLATE_LINK_TABLE', keyAttribute: 'uid', cacheTtlSeconds: 5 },
  },
  bundle: { mode: 'saas', namespace: 'Billing', schema: {}, policies: {}, templates: {} },
  handler: 'httpAuthorizer',
};
const LINK = {
  id: 'tina-reads-acct-1',
  templateId: 'tenant.delegated-account-read',
  principal: uid('TenantUser', 'tina'),
  resource: uid('Account', 'acct-1'),
};

let environment: ParityEnvironment;

beforeAll(async () => {
  environment = await startParityEnvironment();
});

afterAll(async () => {
  await environment.close();
});

async function item(table: string, key: string): Promise<Record<string, string | undefined>> {
  const { Item } = await environment.dynamo.client.send(new GetItemCommand({ TableName: table, Key: { uid: { S: key } } }));
  return Object.fromEntries(Object.entries(Item ?? {}).map(([name, value]) => [name, value.S]));
}

describe('the stores seeded for a case', () => {
  it('hold its entities, tags included, in the entity-store layout, in one table per distinct entity set', async () => {
    const first = await environment.seeder.seed({ mode: LOCAL_LINKS_MODE, entities: [DOC], links: [], tenantId: undefined });
    const again = await environment.seeder.seed({ mode: LOCAL_LINKS_MODE, entities: [DOC], links: [], tenantId: undefined });
    const table = first.entityTable ?? '';

    expect({ same: again.entityTable === table, item: await item(table, 'Billing::Account::"acct-1"') }).toEqual({
      same: true,
      item: { uid: 'Billing::Account::"acct-1"', entity: JSON.stringify({ attrs: DOC.attrs, parents: DOC.parents, tags: DOC.tags }) },
    });
  });

  it('hold a local mode’s template links under the linked principal’s uid, as the runtime reads them', async () => {
    const { linkTable } = await environment.seeder.seed({ mode: LOCAL_LINKS_MODE, entities: [], links: [LINK], tenantId: undefined });

    expect(await item(linkTable ?? '', 'Billing::TenantUser::"tina"')).toEqual({
      uid: 'Billing::TenantUser::"tina"',
      links: JSON.stringify([
        { id: 'tina-reads-acct-1', templateId: 'tenant.delegated-account-read', resource: { type: 'Billing::Account', id: 'acct-1' } },
      ]),
    });
  });
});

describe('the mode a case’s runtime is built from', () => {
  const stores: SeededStores = { entityTable: 'e1', linkTable: 'l1', policyStoreId: 'PS1', tenantTable: 't1', linkIdOf: new Map() };

  it('differs from the generator’s only in the names of its tables', () => {
    const config = {
      ...TENANT_MODE,
      templateLinks: { kind: 'table', table: 'links', tableEnv: 'TEMPLATE_LINK_TABLE', keyAttribute: 'uid', cacheTtlSeconds: 5 },
    } as const;

    expect(withSeededStores(config, stores)).toEqual({
      ...config,
      entityStore: { ...TENANT_MODE.entityStore, table: 'e1' },
      templateLinks: { ...config.templateLinks, table: 'l1' },
    });
  });

  it('of a multi-tenant mode looks its tenants up in the seeded tenant table', () => {
    const seeded = withSeededStores(PATH_TENANT_MODE, stores);

    expect(seeded.tenancy.kind === 'multi' ? seeded.tenancy.policyStoreLookup.table : seeded.tenancy).toBe('t1');
  });
});

describe('template links of a local-engine mode, through the second domain', () => {
  const root = fixtureRoot('research-archive');

  it('decide as the suite says: each case its links determine agrees, naming the same link', async () => {
    const tests = loadPolicyTests({ root });
    const modes = buildParityModes(tests.sources);
    const linked = tests.suites.flatMap((suite) => {
      const evaluator = createSuiteEvaluator(tests, suite);
      return suite.cases.flatMap((testCase) => {
        const suiteOutcome = runCase(evaluator, testCase).outcome;
        const links = new Set(suite.links.map((link) => link.id));
        return suiteOutcome.determining.some((id) => links.has(id)) && modes.get(suite.mode)?.config.engine.kind === 'local'
          ? [{ suite, testCase, suiteOutcome }]
          : [];
      });
    });

    // One at a time, as the recorder of what the runtime loads expects.
    const answers: unknown[] = [];
    for (const { suite, testCase, suiteOutcome } of linked) {
      const mode = modes.get(suite.mode);
      if (!mode) throw new Error(`mode ${suite.mode} was not built`);
      const result = await runParityCase({
        environment,
        mode,
        links: suite.links,
        pool: suite.entities.map((entity) => entity.json),
        testCase,
        suiteOutcome,
      });
      answers.push(result.kind === 'agree' ? result.runtime.determining.join(',') === suiteOutcome.determining.join(',') : result);
    }

    expect({ some: linked.length > 0, answers: answers.filter((answer) => answer !== true) }).toEqual({ some: true, answers: [] });
  });
});
