/** The table's layout record `(meta, 0)`: what must stay fixed for the table's life, and who created the table. */
import { ErrorCodes, EventStoreAdapterError } from '../../errors/index.js';
import type { Item, ItemKey } from '../../ports/kv-driver.js';
import { A, METADATA_PK } from '../table-layout.js';

/** What a table records about its layout. */
export interface TableMetadata {
  /** `LAYOUT_VERSION` of the store that first wrote the record. */
  readonly layoutVersion: number;
  /** Write shards per time bucket: replay reads exactly these shards, so the value can never change. */
  readonly bucketShards: number;
  /** True when an event store created the table; only then does `resetStore` delete it. */
  readonly createdByStore: boolean;
  /** Change-feed shards; 0 when the table has no change feed (and for records written before the feed existed). */
  readonly feedShards: number;
  /** A random id written with the record: a re-created (reset) table has another, so older log cursors are refused. '' for records predating it. */
  readonly generation: string;
  /** Where the table's blobs resolve (the blob driver's `location`); '' when not recorded (no blob store told it yet). */
  readonly blobLocation: string;
  /** Instance markers written with this record (see instance-markers.ts); 0 for records predating them. */
  readonly markers: number;
}

/** The layout record's key. */
export const METADATA_KEY: ItemKey = Object.freeze({ [A.pk]: METADATA_PK, [A.sk]: 0 });

/** The layout record item. */
export function encodeMetadata(metadata: TableMetadata): Item {
  const item: Item = {
    ...METADATA_KEY,
    [A.layoutVersion]: metadata.layoutVersion,
    [A.bucketShards]: metadata.bucketShards,
    [A.createdByStore]: metadata.createdByStore,
  };
  if (metadata.feedShards > 0) item[A.feedShards] = metadata.feedShards;
  if (metadata.generation !== '') item[A.generation] = metadata.generation;
  if (metadata.blobLocation !== '') item[A.blobLocation] = metadata.blobLocation;
  if (metadata.markers > 0) item[A.markers] = metadata.markers;
  return item;
}

/** Decode the layout record of `table`. Throws `DECODE/INVALID_ITEM` when malformed. */
export function decodeMetadata(table: string, item: Item): TableMetadata {
  const layoutVersion = item[A.layoutVersion];
  const bucketShards = item[A.bucketShards];
  const createdByStore = item[A.createdByStore];
  const feedShards = item[A.feedShards] ?? 0;
  const generation = item[A.generation] ?? '';
  const blobLocation = item[A.blobLocation] ?? '';
  const markers = item[A.markers] ?? 0;
  if (
    typeof layoutVersion !== 'number' ||
    typeof bucketShards !== 'number' ||
    typeof createdByStore !== 'boolean' ||
    typeof feedShards !== 'number' ||
    typeof generation !== 'string' ||
    typeof blobLocation !== 'string' ||
    typeof markers !== 'number'
  ) {
    throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Table ${table}: its layout record is malformed`, {
      details: { key: METADATA_KEY },
    });
  }
  return { layoutVersion, bucketShards, createdByStore, feedShards, generation, blobLocation, markers };
}
