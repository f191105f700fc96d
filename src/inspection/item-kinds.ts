/**
 * What an item of the table is, told by its key alone, and what statistics need of it, read without decoding it
 * (sizes, months, write shards, copies). Decoding and checking an item: inspect-item.ts.
 */
import { itemSize } from '../layout/item-size.js';
import type { Item } from '../ports/kv-driver.js';
import { A, CATALOG_PK, HEAD_SK, METADATA_PK, SNAPSHOT_SK, STREAM_KEY_SK, TABLE_KEY_PK } from '../layout/table-layout.js';
import { bucketLabel, bucketOfIso } from '../layout/time-buckets.js';

/** The kinds of item of the layout. */
export type ItemKind =
  | 'event'
  | 'head'
  | 'snapshot'
  | 'stream-key'
  | 'table-key'
  | 'guard'
  | 'link'
  | 'catalog'
  | 'metadata'
  | 'log-counter'
  | 'consumer'
  | 'instance-marker'
  | 'unknown';

/** The kind of an item of the store's table, by its key. */
export function itemKind(item: Item): ItemKind {
  const pk = item[A.pk];
  const sk = item[A.sk];
  if (typeof pk !== 'string' || typeof sk !== 'number') return 'unknown';
  if (pk === CATALOG_PK) return 'catalog';
  if (pk === METADATA_PK) return 'metadata';
  // Encryption (docs/codecs.md): the table key, and each stream's data key (or its erasure tombstone).
  if (pk === TABLE_KEY_PK) return sk === 0 ? 'table-key' : 'unknown';
  if (pk.startsWith('s|')) {
    if (sk === STREAM_KEY_SK) return 'stream-key';
    return sk === HEAD_SK ? 'head' : sk === SNAPSHOT_SK ? 'snapshot' : sk > 0 ? 'event' : 'unknown';
  }
  if (pk.startsWith('e|')) return 'guard';
  if (pk.startsWith('c|')) return 'link';
  // Change feed (`changeFeed`): a log shard's position counter, a `subscribe` consumer's cursor.
  if (pk.startsWith('log|')) return sk === HEAD_SK ? 'log-counter' : 'unknown';
  if (pk.startsWith('consumer|')) return sk === HEAD_SK ? 'consumer' : 'unknown';
  // Instance markers (instance-markers.ts): the table instance's generation, written with the layout record.
  if (pk.startsWith('instance|')) return sk === HEAD_SK ? 'instance-marker' : 'unknown';
  return 'unknown';
}

/** What statistics need of an item, read without decoding it (see {@link itemFacts}). */
export interface ItemFacts {
  readonly kind: ItemKind;
  /** Its size by DynamoDB's item-size rules, in bytes. */
  readonly bytes: number;
  /** Events only: the month of its `created` (`YYYY-MM`), when readable. */
  readonly month?: string;
  /** Events only: its write shard (of the global-order index partition), when readable. */
  readonly writeShard?: number;
  /** Events only: its payload (or meta) is in the blob store. */
  readonly offloaded?: boolean;
  /** Events only: it is in the change feed's `log` index too (a second copy of the item). */
  readonly inLogIndex?: boolean;
  /** Events only: its id, when readable. */
  readonly eventId?: string;
}

/** The facts of one item: its kind and size, and for an event its month, write shard and copies. Never throws. */
export function itemFacts(item: Item): ItemFacts {
  const kind = itemKind(item);
  const bytes = itemSize(item);
  if (kind !== 'event') return { kind, bytes };
  const created = item[A.created];
  const match = typeof item[A.globalPk] === 'string' ? /^g\|\d+\|(\d+)$/.exec(item[A.globalPk] as string) : null;
  return {
    kind,
    bytes,
    ...(typeof created === 'string' ? { month: bucketLabel(bucketOfIso(created)) } : {}),
    ...(match ? { writeShard: Number(match[1]) } : {}),
    offloaded: typeof item[A.blobKey] === 'string',
    inLogIndex: item[A.logPk] !== undefined,
    ...(typeof item[A.id] === 'string' ? { eventId: item[A.id] as string } : {}),
  };
}
