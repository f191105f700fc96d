/**
 * Bytes a library stored: a full scan of its tables (item sizes by AWS's rules, `src/layout/item-size.ts`), the entries its
 * secondary indexes hold (projected items, computed from the scanned items and the described projections), and
 * the objects in its bucket. DynamoDB bills storage as the raw size plus {@link ITEM_OVERHEAD_BYTES} per item, and
 * the same per index entry; both views are kept.
 */
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { itemSize } from '../../src/layout/item-size.js';
import type { Item } from '../../src/ports/kv-driver.js';
import type { PlainItem } from './expressions.js';
import { indexEntry, type ShadowSchema } from './rules-meter.js';

/** DynamoDB's per-item storage overhead (Developer Guide, "Item sizes and formats"), also per index entry. */
export const ITEM_OVERHEAD_BYTES = 100;

/** What a store holds. */
export interface StoredBytes {
  /** Items in its tables. */
  readonly items: number;
  /** Their size by AWS's rules. */
  readonly itemBytes: number;
  /** Entries in its secondary indexes. */
  readonly indexEntries: number;
  /** Their size (projected items). */
  readonly indexBytes: number;
  /** Objects in its bucket. */
  readonly objects: number;
  /** Their size. */
  readonly objectBytes: number;
}

/** Where a store keeps its data. */
export interface StorageLocation {
  /** Its tables with their schemas (the meter's, from DescribeTable). */
  readonly tables: readonly ShadowSchema[];
  /** Its bucket, if it has one. */
  readonly bucket?: string;
}

/** Scan `location` (consistent reads; unmetered clients: the scan is the bench's, not the library's). */
export async function measureStorage(dynamo: DynamoDBClient, s3: S3Client | undefined, location: StorageLocation): Promise<StoredBytes> {
  let items = 0;
  let itemBytes = 0;
  let indexEntries = 0;
  let indexBytes = 0;
  for (const schema of location.tables) {
    for await (const page of paginateScan({ client: dynamo }, { TableName: schema.name, ConsistentRead: true })) {
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw) as PlainItem;
        items += 1;
        itemBytes += itemSize(item as Item);
        for (const index of schema.indexes) {
          const entry = indexEntry(schema, index, item);
          if (entry === undefined) continue;
          indexEntries += 1;
          indexBytes += itemSize(entry as Item);
        }
      }
    }
  }
  let objects = 0;
  let objectBytes = 0;
  if (location.bucket !== undefined && s3) {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: location.bucket })) {
      for (const object of page.Contents ?? []) {
        objects += 1;
        objectBytes += object.Size ?? 0;
      }
    }
  }
  return { items, itemBytes, indexEntries, indexBytes, objects, objectBytes };
}

/** Bytes stored per event: raw sizes (items, index entries, objects) over `events`. */
export function bytesPerEvent(stored: StoredBytes, events: number): number {
  return events === 0 ? 0 : (stored.itemBytes + stored.indexBytes + stored.objectBytes) / events;
}

/** Bytes billed per event: raw sizes plus the per-item and per-entry overhead, over `events`. */
export function billedBytesPerEvent(stored: StoredBytes, events: number): number {
  return events === 0
    ? 0
    : (stored.itemBytes + stored.indexBytes + stored.objectBytes + ITEM_OVERHEAD_BYTES * (stored.items + stored.indexEntries)) / events;
}
