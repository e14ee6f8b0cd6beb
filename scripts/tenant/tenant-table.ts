// The tenant table as onboarding writes it: one item per tenant, tenant id → policy store id, in the runtime's layout.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { TenancyConfig } from '../../runtime/config.js';
import { MappingWriteError } from './errors.js';

export type PolicyStoreLookup = Extract<TenancyConfig, { kind: 'multi' }>['policyStoreLookup'];

export interface TenantMapping {
  readonly tenantId: string;
  readonly policyStoreId: string;
}

export interface ListedTenant {
  readonly tenantId: string;
  /** Undefined for an item without a string store id, which the runtime treats as an unknown tenant. */
  readonly policyStoreId: string | undefined;
}

export interface TenantTableOptions {
  readonly client: DynamoDBClient;
  /** The table's name, already resolved from the flag, the mode's `tableEnv` or its `table`. */
  readonly name: string;
  /** The mode's attribute names: `keyAttribute` and `policyStoreIdAttribute`. */
  readonly lookup: Pick<PolicyStoreLookup, 'keyAttribute' | 'policyStoreIdAttribute'>;
}

export class TenantTable {
  readonly name: string;

  constructor(private readonly options: TenantTableOptions) {
    this.name = options.name;
  }

  /** The tenant's policy store id, read consistently: a write that just succeeded is seen. */
  async get(tenantId: string): Promise<string | undefined> {
    const { Item: item } = await this.options.client.send(
      new GetItemCommand({ TableName: this.name, Key: this.key(tenantId), ConsistentRead: true }),
    );
    const storeId = item?.[this.options.lookup.policyStoreIdAttribute]?.S;
    return storeId === '' ? undefined : storeId;
  }

  /**
   * Writes the mapping unless the tenant already has one; false when it had one (the item is left unchanged). A
   * false may also mean an earlier attempt of this very call wrote it and lost its reply: callers read it back.
   * Throws MappingWriteError, saying whether any attempt may have written.
   */
  async putIfAbsent(mapping: TenantMapping): Promise<boolean> {
    const { keyAttribute, policyStoreIdAttribute } = this.options.lookup;
    const command = new PutItemCommand({
      TableName: this.name,
      Item: { ...this.key(mapping.tenantId), [policyStoreIdAttribute]: { S: mapping.policyStoreId } },
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': keyAttribute },
    });
    // The SDK retries, and its final error tells nothing of the attempts before it: each one is judged here.
    let mayHaveWritten = false;
    command.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (!certainlyNotWritten(error)) mayHaveWritten = true;
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'judgeMappingWriteAttempt' },
    );
    try {
      await this.options.client.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new MappingWriteError(mayHaveWritten, { cause: error });
    }
  }

  /** Removes the mapping only while it names this store; false when it names another store or is gone. */
  async deleteIfPointsTo(mapping: TenantMapping): Promise<boolean> {
    try {
      await this.options.client.send(
        new DeleteItemCommand({
          TableName: this.name,
          Key: this.key(mapping.tenantId),
          ConditionExpression: '#store = :store',
          ExpressionAttributeNames: { '#store': this.options.lookup.policyStoreIdAttribute },
          ExpressionAttributeValues: { ':store': { S: mapping.policyStoreId } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every tenant, sorted by id. A scan: the table holds one small item per tenant. */
  async list(): Promise<ListedTenant[]> {
    const { keyAttribute, policyStoreIdAttribute } = this.options.lookup;
    const tenants: ListedTenant[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({
          TableName: this.name,
          ProjectionExpression: '#key, #store',
          ExpressionAttributeNames: { '#key': keyAttribute, '#store': policyStoreIdAttribute },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const tenantId = item[keyAttribute]?.S;
        if (tenantId === undefined) continue;
        const policyStoreId = item[policyStoreIdAttribute]?.S;
        tenants.push({ tenantId, policyStoreId: policyStoreId === '' ? undefined : policyStoreId });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return tenants.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  }

  private key(tenantId: string): Record<string, AttributeValue> {
    return { [this.options.lookup.keyAttribute]: { S: tenantId } };
  }
}

/** Connection errors that happen before a request is sent. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

/** The table answered with a 4xx (a rejection: nothing applied), or the request never left this machine. */
function certainlyNotWritten(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = '$metadata' in error && isRecord(error.$metadata) ? error.$metadata['httpStatusCode'] : undefined;
  if (typeof status === 'number') return status >= 400 && status < 500;
  return 'code' in error && typeof error.code === 'string' && NOT_SENT_CODES.includes(error.code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
