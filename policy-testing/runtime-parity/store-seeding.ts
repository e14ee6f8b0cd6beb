// Seeds what a case's runtime reads, on the shared loopback services: an entity table per distinct entity set, a
// template-link table per distinct link set (local modes), a policy store per mode and link set (AVP modes) and a
// tenant table per policy store (multi-tenant modes). Seeded once, reused by every case that needs the same.
import { createHash } from 'node:crypto';
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreatePolicyCommand, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { createTables, putEntities } from '../../local/dynamodb/local-dynamodb.js';
import type { LocalAvpEndpoint } from '../../local/avp/avp-endpoint.js';
import type { ModeConfig } from '../../runtime/config.js';
import { entityKey } from '../../runtime/entities/entity-store.js';
import type { TemplateLinkSpec } from '../evaluate.js';
import { ParitySeedError } from '../errors.js';
import type { ParityMode } from './parity-modes.js';

/** The names the runtime must read for one case; a mode's config points at them (see `withSeededStores`). */
export interface SeededStores {
  readonly entityTable: string | undefined;
  readonly linkTable: string | undefined;
  readonly policyStoreId: string | undefined;
  readonly tenantTable: string | undefined;
  /** AVP names a template-linked policy by the id it generated; the suite names it by the link's own id. */
  readonly linkIdOf: ReadonlyMap<string, string>;
}

export interface SeedInput {
  readonly mode: ParityMode;
  /** What the store holds: a suite's whole pool serves every case that brings no entities of its own. */
  readonly entities: readonly EntityJson[];
  readonly links: readonly TemplateLinkSpec[];
  readonly tenantId: string | undefined;
}

interface PolicyStoreSeed {
  readonly id: string;
  readonly linkIdOf: ReadonlyMap<string, string>;
}

export class StoreSeeder {
  private readonly tables = new Map<string, Promise<void>>();
  private readonly policyStores = new Map<string, Promise<PolicyStoreSeed>>();
  private readonly tenants = new Map<string, Promise<void>>();

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly avp: { readonly endpoint: LocalAvpEndpoint; readonly client: VerifiedPermissionsClient },
  ) {}

  async seed({ mode, entities, links, tenantId }: SeedInput): Promise<SeededStores> {
    const { config } = mode;
    const entityTable = config.entityStore ? await this.entityTable(config.entityStore.keyAttribute, entities) : undefined;
    const linkTable =
      config.engine.kind === 'local' && config.templateLinks.kind === 'table'
        ? await this.linkTable(config.templateLinks.keyAttribute, links)
        : undefined;
    const store = config.engine.kind === 'avp' ? await this.policyStore(mode, links) : undefined;
    const tenantTable = store && config.tenancy.kind === 'multi' ? await this.tenantTable(config, store.id, tenantId) : undefined;
    return { entityTable, linkTable, policyStoreId: store?.id, tenantTable, linkIdOf: store?.linkIdOf ?? new Map() };
  }

  private entityTable(keyAttribute: string, entities: readonly EntityJson[]): Promise<string> {
    const name = `parity-entities-${digest([keyAttribute, entities])}`;
    return this.table(name, keyAttribute, async () => {
      await Promise.all(entities.map((entity) => putEntities(this.dynamo, name, [entity], keyAttribute)));
    }).then(() => name);
  }

  /** One item per linked principal, keyed by its uid spelling; `links` holds the JSON text the runtime reads. */
  private linkTable(keyAttribute: string, links: readonly TemplateLinkSpec[]): Promise<string> {
    const name = `parity-links-${digest([keyAttribute, links])}`;
    const byPrincipal = new Map<string, { id: string; templateId: string; resource: { type: string; id: string } }[]>();
    for (const link of links) {
      const key = entityKey(link.principal);
      byPrincipal.set(key, [
        ...(byPrincipal.get(key) ?? []),
        { id: link.id, templateId: link.templateId, resource: { type: link.resource.type, id: link.resource.id } },
      ]);
    }
    return this.table(name, keyAttribute, async () => {
      for (const [key, items] of byPrincipal) {
        await this.dynamo.send(
          new PutItemCommand({ TableName: name, Item: { [keyAttribute]: { S: key }, links: { S: JSON.stringify(items) } } }),
        );
      }
    }).then(() => name);
  }

  /** The mode's bundle (schema, templates, static policies under their @ids), then the links through the real SDK. */
  private policyStore(mode: ParityMode, links: readonly TemplateLinkSpec[]): Promise<PolicyStoreSeed> {
    const key = `${mode.config.name}:${digest(links)}`;
    let seeded = this.policyStores.get(key);
    if (!seeded) {
      seeded = (async () => {
        const id = this.avp.endpoint.seedPolicyStore({ bundle: mode.bundle });
        const linkIdOf = new Map<string, string>();
        for (const link of links) {
          const created = await this.avp.client.send(
            new CreatePolicyCommand({
              policyStoreId: id,
              definition: {
                templateLinked: {
                  policyTemplateId: link.templateId,
                  principal: { entityType: link.principal.type, entityId: link.principal.id },
                  resource: { entityType: link.resource.type, entityId: link.resource.id },
                },
              },
            }),
          );
          if (created.policyId === undefined)
            throw new ParitySeedError(`the local AVP endpoint created link ${link.id} without a policy id`);
          linkIdOf.set(created.policyId, link.id);
        }
        return { id, linkIdOf };
      })();
      this.policyStores.set(key, seeded);
    }
    return seeded;
  }

  private async tenantTable(config: ModeConfig, policyStoreId: string, tenantId: string | undefined): Promise<string> {
    if (config.tenancy.kind !== 'multi') throw new ParitySeedError(`mode ${config.name} is not multi-tenant`);
    const lookup = config.tenancy.policyStoreLookup;
    const name = `parity-tenants-${digest([lookup.keyAttribute, policyStoreId])}`;
    await this.table(name, lookup.keyAttribute, async () => {});
    if (tenantId === undefined) return name;
    const key = `${name}:${tenantId}`;
    let written = this.tenants.get(key);
    if (!written) {
      written = this.dynamo
        .send(
          new PutItemCommand({
            TableName: name,
            Item: { [lookup.keyAttribute]: { S: tenantId }, [lookup.policyStoreIdAttribute]: { S: policyStoreId } },
          }),
        )
        .then(() => undefined);
      this.tenants.set(key, written);
    }
    await written;
    return name;
  }

  private async table(name: string, keyAttribute: string, fill: () => Promise<void>): Promise<void> {
    let ready = this.tables.get(name);
    if (!ready) {
      ready = (async () => {
        try {
          await createTables(this.dynamo, [{ name, keyAttribute }]);
          await this.untilActive(name);
          await fill();
        } catch (error) {
          if (error instanceof ParitySeedError) throw error;
          throw new ParitySeedError(
            `seeding table ${name} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          );
        }
      })();
      this.tables.set(name, ready);
    }
    await ready;
  }

  /** dynalite answers CreateTable before the table is ACTIVE, even with no creation delay: writes wait for it. */
  private async untilActive(name: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new ParitySeedError(`table ${name} did not become ACTIVE`);
  }
}

/**
 * The mode as the runtime must see it for this case: only the names of its tables and policy store change, as a
 * stage's environment would change them. Everything else is the generator's config.
 */
export function withSeededStores(config: ModeConfig, stores: SeededStores): ModeConfig {
  return {
    ...config,
    ...(config.entityStore && stores.entityTable ? { entityStore: { ...config.entityStore, table: stores.entityTable } } : {}),
    ...(config.templateLinks.kind === 'table' && stores.linkTable
      ? { templateLinks: { ...config.templateLinks, table: stores.linkTable } }
      : {}),
    ...(config.engine.kind === 'avp' && config.tenancy.kind === 'single' && stores.policyStoreId
      ? { engine: { ...config.engine, policyStore: { id: stores.policyStoreId } } }
      : {}),
    ...(config.tenancy.kind === 'multi' && stores.tenantTable
      ? { tenancy: { ...config.tenancy, policyStoreLookup: { ...config.tenancy.policyStoreLookup, table: stores.tenantTable } } }
      : {}),
  };
}

/** A short, stable name part for any JSON value. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
