import type { BlobCapabilities } from '../ports/blob-driver.js';
import type { KvCapabilities } from '../ports/kv-driver.js';

/**
 * Service limits as named constants, each with the reason it is what it is. Drivers report their own limits in
 * their capabilities; these are AWS's published values, used by the DynamoDB/S3 drivers and the in-memory twin.
 */

/** DynamoDB's maximum item size: 400 KB, counted by the item-size rules (names + values, UTF-8). */
export const DYNAMODB_MAX_ITEM_BYTES = 409_600;
/** TransactWriteItems accepts at most 100 actions. */
export const DYNAMODB_MAX_TRANSACTION_ACTIONS = 100;
/** TransactWriteItems accepts at most 4 MB of items in aggregate. */
export const DYNAMODB_MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** BatchGetItem accepts at most 100 keys. */
export const DYNAMODB_MAX_BATCH_GET_KEYS = 100;
/** BatchWriteItem accepts at most 25 put/delete requests. */
export const DYNAMODB_MAX_BATCH_WRITE_ITEMS = 25;
/** Query stops a page after reading 1 MB of items. */
export const DYNAMODB_MAX_QUERY_PAGE_BYTES = 1024 * 1024;
/** A ClientRequestToken is at most 36 characters and is honoured for 10 minutes. */
export const DYNAMODB_MAX_CLIENT_REQUEST_TOKEN_LENGTH = 36;
/** One read capacity unit covers a strongly consistent read of up to 4 KB. */
export const DYNAMODB_READ_UNIT_BYTES = 4 * 1024;
/** One write capacity unit covers a write of up to 1 KB. */
export const DYNAMODB_WRITE_UNIT_BYTES = 1024;

/** S3 DeleteObjects accepts at most 1,000 keys. */
export const S3_MAX_DELETE_KEYS = 1000;
/** S3 ListObjectsV2 returns at most 1,000 keys a page. */
export const S3_MAX_LIST_KEYS = 1000;
/** S3's largest object: 5 TB (multipart). */
export const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** Default offload threshold: an event item larger than this moves its payload to the blob store (headroom under 400 KB for keys and index copies). */
export const DEFAULT_OFFLOAD_THRESHOLD_BYTES = 350_000;
/** Largest page size `getAllEvents` accepts: a page is held in memory, so absurd sizes are refused. */
export const MAX_PAGE_SIZE = 10_000;
/** DynamoDB's largest partition key value: 2,048 bytes (UTF-8). Stream and causation keys must fit. */
export const DYNAMODB_MAX_PARTITION_KEY_BYTES = 2048;
/** DynamoDB's largest sort key value: 1,024 bytes. The global-order sort key is `<24-byte ISO>|<id>`. */
export const DYNAMODB_MAX_SORT_KEY_BYTES = 1024;
/** Largest event id, in UTF-8 bytes: fits the global-order sort key and, percent-encoded, an S3 key (1,024 bytes). */
export const MAX_EVENT_ID_BYTES = 255;

/** DynamoDB's limits and behaviour as a capabilities manifest (without the driver's name): the real driver's and the twin's defaults. */
export const DYNAMODB_LIMITS: Omit<KvCapabilities, 'name'> = Object.freeze({
  maxItemBytes: DYNAMODB_MAX_ITEM_BYTES,
  maxTransactionActions: DYNAMODB_MAX_TRANSACTION_ACTIONS,
  maxTransactionBytes: DYNAMODB_MAX_TRANSACTION_BYTES,
  maxBatchGetKeys: DYNAMODB_MAX_BATCH_GET_KEYS,
  maxBatchWriteItems: DYNAMODB_MAX_BATCH_WRITE_ITEMS,
  maxQueryPageBytes: DYNAMODB_MAX_QUERY_PAGE_BYTES,
  // Global secondary indexes are eventually consistent: DynamoDB refuses ConsistentRead on them.
  consistentIndexReads: false,
  // TransactWriteItems honours a ClientRequestToken for 10 minutes.
  idempotentTransactions: true,
  reportsCapacity: true,
});

/** S3's limits as a capabilities manifest (without the driver's name): the real driver's and the twin's defaults. */
export const S3_LIMITS: Omit<BlobCapabilities, 'name'> = Object.freeze({
  maxObjectBytes: S3_MAX_OBJECT_BYTES,
  maxDeleteKeys: S3_MAX_DELETE_KEYS,
  maxListKeys: S3_MAX_LIST_KEYS,
});
