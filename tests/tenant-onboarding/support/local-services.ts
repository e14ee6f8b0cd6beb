// The local AVP endpoint and a dynalite holding the tenant table, for one test file, with helpers to inject faults into one AVP operation.
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListPolicyStoresCommand, type PolicyStoreItem, type VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { createLocalAvpClient, startLocalAvpEndpoint, type Fault, type LocalAvpEndpoint } from '../../../local/avp/avp-endpoint.js';
import { createTables, startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/local-dynamodb.js';
import { TenantTable } from '../../../scripts/tenant/tenant-table.js';
import { fixtureMode, multiTenancyOf } from '../../support/fixture-domain.js';

const { MODE_CONFIG } = fixtureMode('billing', 'multi-tenant');

export const LOOKUP = multiTenancyOf(MODE_CONFIG).policyStoreLookup;
export const TENANT_TABLE = LOOKUP.table;

export interface LocalServices {
  readonly avp: LocalAvpEndpoint;
  readonly dynamo: LocalDynamo;
  /** Two attempts per call, so a fault on every attempt fails a step without a long back-off. */
  readonly avpClient: VerifiedPermissionsClient;
  readonly table: TenantTable;
  close(): Promise<void>;
}

export async function startLocalServices(): Promise<LocalServices> {
  const [avp, dynamo] = await Promise.all([startLocalAvpEndpoint(), startLocalDynamo()]);
  await createTenantTable(dynamo.client, TENANT_TABLE);
  const avpClient = createLocalAvpClient(avp.url, { maxAttempts: 2 });
  return {
    avp,
    dynamo,
    avpClient,
    table: tenantTable(dynamo.client),
    async close() {
      avpClient.destroy();
      await Promise.all([avp.close(), dynamo.close()]);
    },
  };
}

export function tenantTable(client: DynamoDBClient, name: string = TENANT_TABLE): TenantTable {
  return new TenantTable({ client, name, lookup: LOOKUP });
}

/** Creates a table in the tenant table's layout and waits until it is ACTIVE: dynalite answers "not found" while it is CREATING. */
export async function createTenantTable(client: DynamoDBClient, name: string): Promise<void> {
  await createTables(client, [{ name, keyAttribute: LOOKUP.keyAttribute }]);
  for (let tries = 0; tries < 100; tries++) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (table?.TableStatus === 'ACTIVE') return;
    await sleep(10);
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/** Every store of the endpoint, all pages. */
export async function listStores(client: VerifiedPermissionsClient): Promise<PolicyStoreItem[]> {
  const stores: PolicyStoreItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListPolicyStoresCommand({ ...(nextToken ? { nextToken } : {}) }));
    stores.push(...(page.policyStores ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return stores;
}

export async function storeIds(client: VerifiedPermissionsClient): Promise<string[]> {
  return (await listStores(client)).map((store) => store.policyStoreId ?? '').sort();
}

export interface OperationFault {
  /** The SDK command, such as `PutSchemaCommand`. */
  readonly command: string;
  /** Which call of that command fails, counting from 1. @default 1 */
  readonly call?: number;
  readonly fault: Fault;
}

/**
 * Makes every attempt of one call of one command meet the fault, through the endpoint's own fault switch, armed for
 * exactly that request: the calls before and after it, the rollback's included, reach the endpoint untouched.
 * Returns the function that removes the injection.
 */
export function failOperation(client: VerifiedPermissionsClient, avp: LocalAvpEndpoint, target: OperationFault): () => void {
  const name = `fail-${target.command}-${Math.random()}`;
  const calls = new WeakSet<object>();
  let count = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === target.command) {
        // Retries pass the same input again: a new input is a new call.
        if (!calls.has(args.input)) {
          calls.add(args.input);
          count += 1;
        }
        if (count === (target.call ?? 1)) avp.setFault({ ...target.fault, times: 1 });
      }
      return next(args);
    },
    // The deserialize step runs once per attempt, inside the SDK's retries.
    { step: 'deserialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
    avp.setFault(undefined);
  };
}
