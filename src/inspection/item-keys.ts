/** The keys of the table's items, as the operations tools name and match them (the key encodings stay in layout/). */
import { encodeCatalogEntry } from '../layout/codecs/catalog.js';
import { eventKey, keyId } from '../layout/codecs/event.js';
import { guardKey } from '../layout/codecs/guard.js';
import { headKey } from '../layout/codecs/head.js';
import { logCounterKey } from '../layout/codecs/log-counter.js';
import { snapshotKey } from '../layout/codecs/snapshot.js';
import type { Item, ItemKey } from '../ports/kv-driver.js';
import { A } from '../layout/table-layout.js';

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
