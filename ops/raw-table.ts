/**
 * Raw reads of a table and a bucket for the operations tools, through the ports: the DynamoDB and S3 drivers over
 * the caller's AWS clients (the tools never call the AWS SDK themselves), parallel scans through the KV port's
 * `scan` (one page per segment in memory at a time), and batch reads of any number of keys (the core's
 * unprocessed-keys loop, `readItems`). Read-only: the drivers never create a table or a bucket here.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbKvDriver } from '../drivers/dynamodb/index.js';
import { S3BlobDriver } from '../drivers/s3/index.js';
import { ErrorCodes, EventStoreAdapterError } from '../src/index.js';
import { readItems } from '../src/inspection.js';
import type { BlobDriver } from '../src/ports/blob-driver.js';
import type { Item, ItemKey, KvDriver } from '../src/ports/kv-driver.js';

/** A raw item (strings, numbers, maps, lists, binary). */
export type RawItem = Item;

/** The DynamoDB driver over `client`, for reading tables (it never creates one). */
export function tableReader(client: DynamoDBClient): DynamoDbKvDriver {
  return new DynamoDbKvDriver(client, { createTable: false });
}

/** The S3 driver over `client` for `bucket` and `keyPrefix` (default none), for reading blobs (it never creates a bucket). */
export function bucketReader(client: S3Client, bucket: string, keyPrefix = ''): BlobDriver {
  return new S3BlobDriver(client, { bucket, keyPrefix, createBucket: false });
}

/** Options of {@link scanTable}. */
export interface ScanOptions {
  /** Parallel scan segments, default 4. */
  readonly segments?: number;
  /** Items per page; the page also stops at the driver's page bytes (1 MB). */
  readonly pageSize?: number;
  /** Only these attributes, when given (name the key attributes to get them). */
  readonly attributes?: readonly string[];
  /** Strongly consistent scan. */
  readonly consistent?: boolean;
  /** Stops the scan (`STORE/ABORTED` between pages; a page in flight is abandoned). */
  readonly signal?: AbortSignal;
}

/**
 * Scan the whole table in `segments` parallel segments through `kv.scan`, calling `onPage` once per page (awaited
 * before that segment's next page is read: memory stays bounded by one page per segment).
 */
export async function scanTable(
  kv: KvDriver,
  table: string,
  onPage: (items: RawItem[]) => Promise<void> | void,
  options: ScanOptions = {},
): Promise<void> {
  const segments = options.segments ?? 4;
  const driver = options.signal ? (kv.withSignal?.(options.signal) ?? kv) : kv;
  if (!driver.scan)
    throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `${kv.capabilities.name} cannot scan a table`, { details: { table } });
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let cursor: string | undefined;
      do {
        throwIfAborted(options.signal);
        const page = await driver.scan!(table, {
          segment,
          segments,
          ...(options.pageSize ? { limit: options.pageSize } : {}),
          ...(options.attributes ? { attributes: options.attributes } : {}),
          ...(options.consistent ? { consistent: true } : {}),
          ...(cursor === undefined ? {} : { cursor }),
        });
        cursor = page.cursor;
        await onPage(page.items);
      } while (cursor !== undefined);
    }),
  );
}

/** The items at `keys` of `table` (any number; strongly consistent when asked); missing items are simply absent. */
export function batchGetAll(
  kv: KvDriver,
  table: string,
  keys: readonly ItemKey[],
  options: { consistent?: boolean } = {},
): Promise<RawItem[]> {
  return readItems(kv, table, keys, options);
}

/** `STORE/ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EventStoreAdapterError(ErrorCodes.ABORTED, 'The operation was interrupted', { cause: signal.reason });
}
