/** Which store an operation works on, and opening it as an `EventStoreRepo` (the drop-in form). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { EventStoreRepo, type StoreWarning } from '../src/index.js';
import { decodeLayoutRecord, LAYOUT_RECORD_KEY } from '../src/inspection.js';
import type { BlobDriver } from '../src/ports/blob-driver.js';
import { bucketReader, tableReader } from './raw-table.js';

/** A store on AWS (or DynamoDB Local + an S3 server): its table and, when it offloads, its bucket. */
export interface StoreTarget {
  readonly dynamodbClient: DynamoDBClient;
  /** Needed when the store offloads payloads (or to check its blobs). */
  readonly s3Client?: S3Client;
  /** Full table name. */
  readonly tableName: string;
  /** Bucket of offloaded payloads. */
  readonly bucket?: string;
  /** Key prefix of offloaded objects, as the store was configured (default `'events/'`). */
  readonly s3KeyPrefix?: string;
  /**
   * The store's change feed (`changeFeed` shards), as the table was created. Absent: none, unless
   * {@link withRecordedLayout} read it from the table's layout record.
   */
  readonly changeFeed?: { readonly shards: number };
  /** Deadline of each call of the store opened on it (its `deadlineMs`), in ms; default the store's (20 s). */
  readonly deadlineMs?: number;
}

/**
 * `target` with the change feed its table records (the layout record's shard count), unless it names one already:
 * the tools then open a store configured as the table was created. A table without a record, or missing (a
 * create-table to come), leaves `target` as it is.
 */
export async function withRecordedLayout(target: StoreTarget): Promise<StoreTarget> {
  if (target.changeFeed !== undefined) return target;
  try {
    const { item } = await tableReader(target.dynamodbClient).get(target.tableName, LAYOUT_RECORD_KEY, { consistent: true });
    if (!item) return target;
    const { feedShards } = decodeLayoutRecord(target.tableName, item);
    return feedShards > 0 ? { ...target, changeFeed: { shards: feedShards } } : target;
  } catch {
    return target; // missing table, foreign layout, no permission: the command itself reports it
  }
}

export { resolveTableName } from './table-name.js';

/**
 * The store at `target`. With `create: false` (the default: inspecting tools never create anything) a missing
 * table is `DRIVER/RESOURCE_NOT_FOUND` and a missing bucket an error; with `create: true` both are created.
 */
export function openStore(
  target: StoreTarget,
  options: { create?: boolean; signal?: AbortSignal; onWarning?: (warning: StoreWarning) => void } = {},
): EventStoreRepo {
  const create = options.create ?? false;
  const s3 = target.s3Client && target.bucket ? target.s3Client : undefined;
  return new EventStoreRepo(target.dynamodbClient, s3, {
    tableName: target.tableName,
    ...(s3 ? { s3BucketName: target.bucket!, s3KeyPrefix: target.s3KeyPrefix ?? 'events/', skipS3BucketCreation: !create } : {}),
    skipDynamoDBTableCreation: !create,
    ...(target.changeFeed ? { changeFeed: target.changeFeed } : {}),
    ...(target.deadlineMs ? { deadlineMs: target.deadlineMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    // The store's own default logs each warning code once; the CLI prints them on stderr.
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}

/** Run `body` with the store at `target` (see {@link openStore}), closing it afterwards whatever the outcome. */
export async function withOpenStore<T>(
  target: StoreTarget,
  options: Parameters<typeof openStore>[1],
  body: (store: EventStoreRepo) => Promise<T>,
): Promise<T> {
  const store = openStore(target, options);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** One object of a store's blob scope. */
export interface BlobObject {
  /** The key as the store's items name it (without `s3KeyPrefix`). */
  readonly key: string;
  readonly size: number;
  readonly lastModifiedMs: number | undefined;
}

/** The store's blob driver (the S3 driver over `s3Client`, `bucket` and `s3KeyPrefix`), or undefined without them. */
export function storeBlobs(target: StoreTarget): BlobDriver | undefined {
  return target.s3Client && target.bucket ? bucketReader(target.s3Client, target.bucket, target.s3KeyPrefix ?? 'events/') : undefined;
}

/**
 * Check that `target.bucket` exists (the blob port's `ensureContainer`, the bucket never created here) before a
 * tool spends a scan: `DRIVER/RESOURCE_NOT_FOUND` with `details.bucket` otherwise, as every command reports a missing
 * bucket. No bucket given: nothing to check.
 */
export async function requireBucket(target: StoreTarget): Promise<void> {
  await storeBlobs(target)?.ensureContainer();
}

/** Page through the store's blobs under `scope` (`<tableName>/`), one listing page at a time (the blob port's `list`). */
export async function listBlobs(
  target: StoreTarget,
  scope: string,
  onPage: (objects: BlobObject[]) => Promise<void> | void,
): Promise<void> {
  const blobs = storeBlobs(target);
  if (!blobs) return;
  let cursor: string | undefined;
  do {
    const page = await blobs.list(scope, cursor === undefined ? {} : { cursor });
    cursor = page.cursor;
    await onPage(page.keys.map((key, index) => ({ key, size: page.sizes?.[index] ?? 0, lastModifiedMs: page.lastModifiedMs?.[index] })));
  } while (cursor !== undefined);
}
