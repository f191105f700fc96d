/**
 * An item decoded and checked on its own against the table's layout (an event's derived keys, a head's version, a
 * log counter's shard), and the small reads the cross-item checks of the operations tools make on items.
 */
import { decodeCatalogEntry } from '../layout/codecs/catalog.js';
import { decodeConsumer } from '../layout/codecs/consumer.js';
import { decodeEventItem } from '../layout/codecs/event.js';
import { decodeGuard } from '../layout/codecs/guard.js';
import { decodeLink } from '../layout/codecs/link.js';
import { decodeLogCounter, logShardOf } from '../layout/codecs/log-counter.js';
import { decodeSnapshot } from '../layout/codecs/snapshot.js';
import type { Item } from '../ports/kv-driver.js';
import { A, globalSk, logPk } from '../layout/table-layout.js';
import { bucketOfIso, bucketShardPk, shardOf } from '../layout/time-buckets.js';
import { itemKind } from './item-kinds.js';
import { keyOf } from './item-keys.js';

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
