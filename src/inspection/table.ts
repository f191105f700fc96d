/**
 * The table as the operations tools see it: its schema, its layout record, where its blobs live, how its months are
 * named, and a batch read of its items with the core's own loop.
 */
import { batchGetAll } from '../runtime/batch-loops.js';
import { blobScope, instanceScope } from '../blobs/blob-keys.js';
import { decodeMetadata, METADATA_KEY, type TableMetadata } from '../layout/codecs/metadata.js';
import type { Item, ItemKey, KvDriver, TableSchema } from '../ports/kv-driver.js';
import { DEFAULT_RETRY_POLICY } from '../runtime/retry.js';
import { DEFAULT_TABLE_BASE_NAME, LAYOUT_VERSION, tableSchema } from '../layout/table-layout.js';
import { bucketLabel } from '../layout/time-buckets.js';

export type { TableMetadata } from '../layout/codecs/metadata.js';
/** The change feed's shard counts: the default of `changeFeed: true` and the most a table may have. */
export { DEFAULT_CHANGE_FEED_SHARDS, MAX_CHANGE_FEED_SHARDS } from '../options/defaults.js';
/** The store's order of ids and keys: by UTF-8 bytes, as DynamoDB and S3 compare strings (replay's `id ASC`). */
export { compareUtf8 } from '../layout/utf8-order.js';
/** Bounded parallelism, as the core's own reads use it: at most `limit` tasks in flight, results in input order. */
export { mapWithConcurrency } from '../runtime/concurrency.js';
export { DEFAULT_TABLE_BASE_NAME, LAYOUT_VERSION };

/** The store's table and indexes for `tableName` (with `changeFeed`, the `log` index too): what `init` creates. */
export function storeTableSchema(tableName: string, changeFeed = false): TableSchema {
  return tableSchema(tableName, changeFeed);
}

/** The key of the table's layout record. */
export const LAYOUT_RECORD_KEY: ItemKey = METADATA_KEY;

/** The layout record of `table` from its item. @throws `DECODE/INVALID_ITEM` for a malformed one. */
export function decodeLayoutRecord(table: string, item: Item): TableMetadata {
  return decodeMetadata(table, item);
}

/** Where the blobs of table `tableName` live, relative to the blob driver's own key prefix (every instance). */
export function tableBlobScope(tableName: string): string {
  return blobScope('', tableName);
}

/** Where the blobs of the table instance `generation` of `tableName` live (what the orphan sweeper sweeps). */
export function instanceBlobScope(tableName: string, generation: string): string {
  return instanceScope('', tableName, generation);
}

/** A month (time bucket) as `YYYY-MM`. */
export function monthLabel(bucket: number): string {
  return bucketLabel(bucket);
}

/**
 * The items at `keys` of `table` (any number, in batches of the driver's limit; strongly consistent when asked),
 * unprocessed keys re-sent with the default retry policy's backoff (the core's batch loop): missing items are absent.
 * @throws `RETRY/UNPROCESSED_LEFT` when keys stay unprocessed; the driver's errors as they come.
 */
export function readItems(kv: KvDriver, table: string, keys: readonly ItemKey[], options: { consistent?: boolean } = {}): Promise<Item[]> {
  return batchGetAll(kv, table, keys, DEFAULT_RETRY_POLICY, { consistent: options.consistent ?? false });
}
