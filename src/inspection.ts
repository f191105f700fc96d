/**
 * The core's surface for the operations tools (`/ops`: verify, stats, describe, infrastructure; the CLI): the table's
 * schema and layout record, what each stored item is, and where a table's blobs live. A tool reads items raw (a scan
 * through the KV port's `scan`) and asks the core what each is: its kind, its decoded content, and whether the keys
 * derived from it (global-order and log index keys) are the layout's. The item encodings (codecs/*) and the
 * attribute names (table-layout.ts) stay inside the core: ops/ imports the core only through the package root, the
 * ports and this module.
 */
import { batchGetAll } from './runtime/batch-loops.js';
import { blobScope, instanceScope } from './blobs/blob-keys.js';
import { decodeCatalogEntry, encodeCatalogEntry } from './layout/codecs/catalog.js';
import { decodeConsumer } from './layout/codecs/consumer.js';
import { decodeEventItem, eventKey, keyId } from './layout/codecs/event.js';
import { decodeGuard, guardKey } from './layout/codecs/guard.js';
import { decodeLink } from './layout/codecs/link.js';
import { headKey } from './layout/codecs/head.js';
import { decodeLogCounter, logCounterKey, logShardOf } from './layout/codecs/log-counter.js';
import { decodeMetadata, METADATA_KEY, type TableMetadata } from './layout/codecs/metadata.js';
import { decodeSnapshot, snapshotKey } from './layout/codecs/snapshot.js';
import { itemSize } from './layout/item-size.js';
import type { Item, ItemKey, KvDriver, TableSchema } from './ports/kv-driver.js';
import { DEFAULT_RETRY_POLICY } from './runtime/retry.js';
import {
  A,
  CATALOG_PK,
  DEFAULT_TABLE_BASE_NAME,
  globalSk,
  HEAD_SK,
  LAYOUT_VERSION,
  logPk,
  METADATA_PK,
  SNAPSHOT_SK,
  STREAM_KEY_SK,
  tableSchema,
  TABLE_KEY_PK,
} from './layout/table-layout.js';
import { bucketLabel, bucketOfIso, bucketShardPk, shardOf } from './layout/time-buckets.js';

export type { TableMetadata } from './layout/codecs/metadata.js';
/** The change feed's shard counts: the default of `changeFeed: true` and the most a table may have. */
export { DEFAULT_CHANGE_FEED_SHARDS, MAX_CHANGE_FEED_SHARDS } from './options/index.js';
/** The store's order of ids and keys: by UTF-8 bytes, as DynamoDB and S3 compare strings (replay's `id ASC`). */
export { compareUtf8 } from './layout/utf8-order.js';
/** Bounded parallelism, as the core's own reads use it: at most `limit` tasks in flight, results in input order. */
export { mapWithConcurrency } from './runtime/concurrency.js';
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

/** The primary key of an item, as found (for reports). */
export function keyOf(item: Item): { readonly pk: unknown; readonly sk: unknown } {
  return { pk: item[A.pk], sk: item[A.sk] };
}

/** A stable text id of an item's (or a key's) primary key: to match items read back against the keys asked for. */
export function itemId(itemOrKey: Record<string, unknown>): string {
  return keyId(itemOrKey);
}

/** The key of the id guard of event `eventId`. */
export function guardKeyOf(eventId: string): ItemKey {
  return guardKey(eventId);
}

/** The key of the event item at `sequence` of the stream whose partition key is `stream`. */
export function eventKeyOf(stream: string, sequence: number): ItemKey {
  return eventKey(stream, sequence);
}

/** The key of the head item of the stream whose partition key is `stream`. */
export function headKeyOf(stream: string): ItemKey {
  return headKey(stream);
}

/** The key of the snapshot item of the stream whose partition key is `stream`. */
export function snapshotKeyOf(stream: string): ItemKey {
  return snapshotKey(stream);
}

/** The key of the position counter of change-feed log shard `shard`. */
export function logCounterKeyOf(shard: number): ItemKey {
  return logCounterKey(shard);
}

/** The key of the catalog entry of month (time bucket) `bucket`. */
export function catalogKeyOf(bucket: number): ItemKey {
  return keyOf(encodeCatalogEntry(bucket)) as ItemKey;
}

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

/** The shard counts a table's layout record holds: what an event's derived keys are checked against. */
export interface LayoutShards {
  readonly bucketShards: number;
  /** 0: no change feed. */
  readonly feedShards: number;
}

/** An item decoded, with the checks of its derived keys (see {@link inspectItem}). */
export type InspectedItem =
  | {
      readonly kind: 'event';
      readonly eventId: string;
      /** Its stream's partition key. */
      readonly stream: string;
      readonly sequence: number;
      /** The month (time bucket) of its `created`. */
      readonly bucket: number;
      /** Its global-order index keys are those of its `created`, id and the layout's write shards (replay finds it). */
      readonly globalKeysMatch: boolean;
      /** The blob of its offloaded fields. */
      readonly blobKey?: string;
      /** With a change feed: its stream's log shard, the log index key and position it carries, and whether they are valid. */
      readonly log?: { readonly shard: number; readonly indexKey: unknown; readonly position: unknown; readonly matches: boolean };
    }
  | { readonly kind: 'head'; readonly stream: string; readonly version: number }
  | { readonly kind: 'snapshot'; readonly stream: string; readonly sequence: number; readonly blobKey?: string }
  | { readonly kind: 'guard' | 'link'; readonly eventId: string; readonly stream: string; readonly sequence: number }
  | { readonly kind: 'catalog'; readonly bucket: number }
  | { readonly kind: 'log-counter'; readonly shard: number; readonly counter: number | undefined }
  | { readonly kind: 'metadata' | 'consumer' | 'stream-key' | 'table-key' | 'instance-marker' | 'unknown' };

/**
 * Decode `item` and check what can be checked on it alone against `layout`: an event's global-order keys (and, with
 * a change feed, its log keys and position); a head's version (`NaN` when not a number); a log counter of a shard
 * the layout has (`counter` undefined for one it has not). Cross-item checks (guards point at their events, heads
 * count their events) are the caller's.
 * @throws `DECODE/INVALID_ITEM` (or an `Error` naming the item) for an item of its kind that does not decode.
 */
export function inspectItem(item: Item, layout: LayoutShards): InspectedItem {
  const kind = itemKind(item);
  const pk = item[A.pk] as string;
  switch (kind) {
    case 'event': {
      const decoded = decodeEventItem(item);
      const eventId = decoded.event.id;
      const createdIso = item[A.created] as string;
      const bucket = bucketOfIso(createdIso);
      const globalKeysMatch =
        item[A.globalPk] === bucketShardPk(bucket, shardOf(eventId, layout.bucketShards)) &&
        item[A.globalSk] === globalSk(createdIso, eventId);
      let log: Extract<InspectedItem, { kind: 'event' }>['log'];
      if (layout.feedShards > 0) {
        const shard = logShardOf(pk, layout.feedShards);
        const position = item[A.logSk];
        const matches = item[A.logPk] === logPk(shard) && typeof position === 'number' && Number.isInteger(position) && position >= 1;
        log = { shard, indexKey: item[A.logPk], position, matches };
      }
      return {
        kind,
        eventId,
        stream: pk,
        sequence: decoded.event.sequence,
        bucket,
        globalKeysMatch,
        ...(decoded.blob ? { blobKey: decoded.blob.key } : {}),
        ...(log ? { log } : {}),
      };
    }
    case 'head':
      return { kind, stream: pk, version: typeof item[A.version] === 'number' ? (item[A.version] as number) : Number.NaN };
    case 'snapshot': {
      const snapshot = decodeSnapshot(item);
      return { kind, stream: pk, sequence: snapshot.sequence, ...(snapshot.blobKey === undefined ? {} : { blobKey: snapshot.blobKey }) };
    }
    case 'guard': {
      // A guard's key is `e|<id, percent-encoded>` (keys.ts): its id is read back from the key.
      const eventId = typeof item[A.id] === 'string' ? (item[A.id] as string) : decodeComponent(pk.slice(2));
      const guard = decodeGuard(eventId, item);
      return { kind, eventId, stream: guard.stream, sequence: guard.sequence };
    }
    case 'link': {
      const link = decodeLink(item);
      if (!link) throw new Error(`causation link ${JSON.stringify(keyOf(item))} does not decode`);
      return { kind, eventId: link.eventId, stream: link.stream, sequence: link.sequence };
    }
    case 'catalog':
      return { kind, bucket: decodeCatalogEntry(item) };
    case 'log-counter': {
      const shard = Number(pk.slice('log|'.length));
      const known = Number.isInteger(shard) && shard >= 0 && shard < layout.feedShards;
      return { kind, shard, counter: known ? decodeLogCounter(shard, item) : undefined };
    }
    case 'consumer':
      decodeConsumer(pk, item);
      return { kind };
    default:
      return { kind };
  }
}

/** True when `item` is a guard (or link) naming the event at `sequence` of stream `stream`. Never throws. */
export function pointsAt(item: Item | undefined, stream: string, sequence: number): boolean {
  return item !== undefined && item[A.stream] === stream && item[A.sequence] === sequence;
}

/** The event id an event item carries, or undefined. Never throws. */
export function eventIdOf(item: Item | undefined): string | undefined {
  const id = item?.[A.id];
  return typeof id === 'string' ? id : undefined;
}

/** Inverse of keys.ts `encodeComponent`. */
function decodeComponent(text: string): string {
  return text.replace(/%7C/g, '|').replace(/%25/g, '%');
}

/**
 * The items at `keys` of `table` (any number, in batches of the driver's limit; strongly consistent when asked),
 * unprocessed keys re-sent with the default retry policy's backoff (the core's batch loop): missing items are absent.
 * @throws `RETRY/UNPROCESSED_LEFT` when keys stay unprocessed; the driver's errors as they come.
 */
export function readItems(kv: KvDriver, table: string, keys: readonly ItemKey[], options: { consistent?: boolean } = {}): Promise<Item[]> {
  return batchGetAll(kv, table, keys, DEFAULT_RETRY_POLICY, { consistent: options.consistent ?? false });
}
