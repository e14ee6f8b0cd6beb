// Reads items by their string key with BatchGetItem, 100 keys a request (DynamoDB's limit), the chunks in parallel.
import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { reasonOf } from '../errors.js';

export const BATCH_GET_LIMIT = 100;

export interface BatchGetOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  readonly keyAttribute: string;
  readonly timeoutMs: number;
  /** Builds the error thrown when the store fails, so each caller keeps its own error class. */
  readonly failure: (message: string, cause?: unknown) => Error;
}

/** The items found, by key; a key with no item is absent from the map. */
export async function batchGetByKey(
  keys: readonly string[],
  options: BatchGetOptions,
): Promise<Map<string, Record<string, AttributeValue>>> {
  const { client, table, keyAttribute, timeoutMs, failure } = options;
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) chunks.push(keys.slice(start, start + BATCH_GET_LIMIT));
  const responses = await Promise.all(
    chunks.map(async (chunk) => {
      try {
        return await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: chunk.map((key) => ({ [keyAttribute]: { S: key } })) } } }),
          { abortSignal: AbortSignal.timeout(timeoutMs) },
        );
      } catch (error) {
        throw failure(`${table} failed: ${reasonOf(error)}`, error);
      }
    }),
  );
  const found = new Map<string, Record<string, AttributeValue>>();
  for (const response of responses) {
    // Unprocessed keys mean throttling: treating them as absent could silently drop an entity, so say why and deny.
    if (Object.keys(response.UnprocessedKeys ?? {}).length > 0) throw failure(`${table} throttled the read`);
    for (const item of response.Responses?.[table] ?? []) {
      const key = item[keyAttribute]?.S;
      if (key !== undefined) found.set(key, item);
    }
  }
  return found;
}
