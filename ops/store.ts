/** Which store an operation works on, and opening it as an `EventStoreRepo` (the drop-in form). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { decodeMetadata, METADATA_KEY } from '../src/codecs/metadata.js';
import { ErrorCodes, EventStoreAdapterError, EventStoreRepo, type StoreWarning } from '../src/index.js';
import { documentClient } from './raw-table.js';

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
    const { Item } = await documentClient(target.dynamodbClient).send(
      new GetCommand({ TableName: target.tableName, Key: METADATA_KEY, ConsistentRead: true }),
    );
    if (!Item) return target;
    const { feedShards } = decodeMetadata(target.tableName, Item);
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

/** True when an S3 error says the bucket does not exist. */
function isBucketMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchBucket' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

/** `DRIVER/RESOURCE_NOT_FOUND` naming the bucket (`details.bucket`): what the store's S3 driver throws for it too. */
function bucketMissing(bucket: string, cause: unknown): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.RESOURCE_NOT_FOUND, `S3 bucket ${bucket} does not exist`, {
    cause,
    details: { driver: 's3', bucket },
  });
}

/**
 * Check that `target.bucket` exists (a `HeadBucket`), before a tool spends a scan: `DRIVER/RESOURCE_NOT_FOUND` with
 * `details.bucket` otherwise, as every command reports a missing bucket. No bucket given: nothing to check.
 */
export async function requireBucket(target: StoreTarget): Promise<void> {
  if (!target.s3Client || !target.bucket) return;
  try {
    await target.s3Client.send(new HeadBucketCommand({ Bucket: target.bucket }));
  } catch (error) {
    if (isBucketMissing(error)) throw bucketMissing(target.bucket, error);
    throw error;
  }
}

/**
 * Page through the store's blobs under `scope` (`<tableName>/`), one listing page at a time. A missing bucket is
 * `DRIVER/RESOURCE_NOT_FOUND` (`details.bucket`).
 */
export async function listBlobs(
  target: StoreTarget,
  scope: string,
  onPage: (objects: BlobObject[]) => Promise<void> | void,
): Promise<void> {
  if (!target.s3Client || !target.bucket) return;
  const prefix = target.s3KeyPrefix ?? 'events/';
  let token: string | undefined;
  do {
    const bucket = target.bucket;
    const page = await target.s3Client
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + scope, ...(token ? { ContinuationToken: token } : {}) }))
      .catch((error: unknown) => {
        throw isBucketMissing(error) ? bucketMissing(bucket, error) : error;
      });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    await onPage(
      (page.Contents ?? []).map((object) => ({
        key: (object.Key ?? '').slice(prefix.length),
        size: object.Size ?? 0,
        lastModifiedMs: object.LastModified?.getTime(),
      })),
    );
  } while (token !== undefined);
}
