// Puts a demo world into the local stores the modes read: every mode's tables (entities, template links, tenant
// lookup), the entities, the template links, and one AVP policy store per tenant or per single-tenant AVP mode.
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import { entityKey } from '../../runtime/entities/entity-store.js';
import type { LocalAvpEndpoint } from '../avp/avp-endpoint.js';
import { createTables, putEntities } from '../dynamodb/local-dynamodb.js';
import type { DemoData, SeedTemplateLinks } from './demo-data.js';

export interface SeededMode {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
}

/** The store id a single-tenant AVP mode decides against locally, when its mode file names none. */
export function localPolicyStoreId(mode: ModeConfig): string {
  return mode.engine.kind === 'avp' && mode.engine.policyStore ? mode.engine.policyStore.id : `ps-${mode.name}`;
}

/** Creates every table the modes read, each once (modes may share one), then seeds them and the policy stores. */
export async function seedStores(
  client: DynamoDBClient,
  avp: LocalAvpEndpoint,
  modes: readonly SeededMode[],
  demo: DemoData,
): Promise<void> {
  await createModeTables(
    client,
    modes.map(({ mode }) => mode),
  );
  for (const { mode, bundle } of modes) {
    if (mode.entityStore) await putEntities(client, mode.entityStore.table, demo.entities, mode.entityStore.keyAttribute);
    if (mode.templateLinks.kind === 'table') await putTemplateLinks(client, mode.templateLinks, demo.templateLinks);
    if (mode.tenancy.kind === 'multi') {
      const lookup = mode.tenancy.policyStoreLookup;
      for (const tenant of demo.tenants) {
        avp.seedPolicyStore({ policyStoreId: tenant.policyStoreId, bundle });
        await client.send(
          new PutItemCommand({
            TableName: lookup.table,
            Item: { [lookup.keyAttribute]: { S: tenant.tenantId }, [lookup.policyStoreIdAttribute]: { S: tenant.policyStoreId } },
          }),
        );
      }
    } else if (mode.engine.kind === 'avp') {
      avp.seedPolicyStore({ policyStoreId: localPolicyStoreId(mode), bundle });
    }
  }
}

/** Every table the modes read, each once: modes may share one, and a mode may keep entities, links or tenants in one. */
export async function createModeTables(client: DynamoDBClient, modes: readonly ModeConfig[]): Promise<void> {
  const tables = new Map<string, string>();
  for (const mode of modes) {
    if (mode.entityStore) tables.set(mode.entityStore.table, mode.entityStore.keyAttribute);
    if (mode.templateLinks.kind === 'table') tables.set(mode.templateLinks.table, mode.templateLinks.keyAttribute);
    if (mode.tenancy.kind === 'multi') tables.set(mode.tenancy.policyStoreLookup.table, mode.tenancy.policyStoreLookup.keyAttribute);
  }
  await createTables(
    client,
    [...tables].map(([name, keyAttribute]) => ({ name, keyAttribute })),
  );
}

/** One item per linked principal, keyed by its uid spelling; `links` holds the JSON text the runtime reads. */
export async function putTemplateLinks(
  client: DynamoDBClient,
  table: { readonly table: string; readonly keyAttribute: string },
  seed: readonly SeedTemplateLinks[],
): Promise<void> {
  for (const { principal, links } of seed) {
    await client.send(
      new PutItemCommand({
        TableName: table.table,
        Item: { [table.keyAttribute]: { S: entityKey(principal) }, links: { S: JSON.stringify(links) } },
      }),
    );
  }
}
