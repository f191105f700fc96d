/**
 * Raw reads of a DynamoDB table for the operations tools: parallel scans (one page per segment in memory at a
 * time) and batch-gets with the unprocessed-keys loop. The KV port has no scan (the store never scans), so these
 * use the AWS SDK directly; they are read-only.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchGetAll as readEveryKey, type BatchReader } from '../src/batch-loops.js';
import { ErrorCodes, EventStoreAdapterError } from '../src/errors.js';
import { DYNAMODB_MAX_BATCH_GET_KEYS } from '../src/limits.js';
import type { Item, ItemKey } from '../src/ports/kv-driver.js';
import { DEFAULT_RETRY_POLICY } from '../src/retry.js';

/** A raw item, unmarshalled (strings, numbers, maps, lists, binary). */
export type RawItem = Record<string, unknown>;

/** A document client over `client` that leaves numbers as JS numbers and drops undefined values. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Options of {@link scanTable}. */
export interface ScanOptions {
  /** Parallel scan segments (DynamoDB's `TotalSegments`), default 4. */
  readonly segments?: number;
  /** Items per page (`Limit`); the page also stops at 1 MB. */
  readonly pageSize?: number;
  /** Only these attributes (`ProjectionExpression`), when given. */
  readonly attributes?: readonly string[];
  /** Strongly consistent scan. */
  readonly consistent?: boolean;
  /** Stops the scan between pages (`STORE/ABORTED`). */
  readonly signal?: AbortSignal;
}

/**
 * Scan the whole table in `segments` parallel segments, calling `onPage` once per page (awaited before that
 * segment's next page is read: memory stays bounded by one page per segment).
 */
export async function scanTable(
  client: DynamoDBDocumentClient,
  table: string,
  onPage: (items: RawItem[]) => Promise<void> | void,
  options: ScanOptions = {},
): Promise<void> {
  const segments = options.segments ?? 4;
  const names = options.attributes ? Object.fromEntries(options.attributes.map((name, index) => [`#a${index}`, name])) : undefined;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        throwIfAborted(options.signal);
        const input: ScanCommandInput = {
          TableName: table,
          Segment: segment,
          TotalSegments: segments,
          ...(options.pageSize ? { Limit: options.pageSize } : {}),
          ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
          ...(options.consistent ? { ConsistentRead: true } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        };
        const page = await client.send(new ScanCommand(input), options.signal ? { abortSignal: options.signal } : {});
        start = page.LastEvaluatedKey;
        await onPage((page.Items ?? []) as RawItem[]);
      } while (start !== undefined);
    }),
  );
}

/**
 * Read the items at `keys` (any number; strongly consistent when asked); missing items are simply absent. The core's
 * unprocessed-keys loop (`batchGetAll` of src/batch-loops.ts, with the default retry policy) over raw BatchGetItem
 * calls: `RETRY/UNPROCESSED_LEFT` when keys stay unprocessed.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly RawItem[],
  options: { consistent?: boolean } = {},
): Promise<RawItem[]> {
  const reader: BatchReader = {
    capabilities: { maxBatchGetKeys: DYNAMODB_MAX_BATCH_GET_KEYS },
    batchGet: async (name, batch, { consistent } = {}) => {
      const response = await client.send(
        new BatchGetCommand({ RequestItems: { [name]: { Keys: [...batch], ...(consistent ? { ConsistentRead: true } : {}) } } }),
      );
      return {
        items: (response.Responses?.[name] ?? []) as Item[],
        unprocessedKeys: (response.UnprocessedKeys?.[name]?.Keys ?? []) as ItemKey[],
      };
    },
  };
  return readEveryKey(reader, table, keys as ItemKey[], DEFAULT_RETRY_POLICY, { consistent: options.consistent ?? false });
}

/** `STORE/ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EventStoreAdapterError(ErrorCodes.ABORTED, 'The operation was interrupted', { cause: signal.reason });
}
