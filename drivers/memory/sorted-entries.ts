/**
 * Partitions of sorted entries: the ordered storage behind the table and each of its indexes. Within a partition,
 * entries are ordered by (sort key, table partition key, table sort key), so entries that tie on an index's sort
 * key keep an order stable across pages; in the table itself the sort key alone decides.
 */
import type { Item, KeyValue, RangeCondition } from '../../src/ports/kv-driver.js';
import { compareKeyValues, keyValueId } from './key-schema.js';

/** The position of an entry within its partition: (sort key or null, table partition key, table sort key or null). */
export type Position = readonly [KeyValue | null, KeyValue, KeyValue | null];

/** One entry: a stored item as one view (the table or an index) sees it. */
export interface Entry {
  /** Partition key value in this view. */
  readonly partition: KeyValue;
  /** Where the entry sorts within its partition. */
  readonly position: Position;
  /** The attributes this view holds (the item itself for the table and ALL projections). */
  readonly projection: Item;
  /** Size of `projection` in bytes by DynamoDB's item-size rules. */
  readonly size: number;
}

/** Order of two positions. */
export function comparePositions(a: Position, b: Position): number {
  if (a[0] !== null && b[0] !== null) {
    const bySortKey = compareKeyValues(a[0], b[0]);
    if (bySortKey !== 0) return bySortKey;
  }
  const byPartition = compareKeyValues(a[1], b[1]);
  if (byPartition !== 0) return byPartition;
  if (a[2] !== null && b[2] !== null) return compareKeyValues(a[2], b[2]);
  return 0;
}

/** What a page scan found: the entries in query order, whether it stopped early, and the bytes it read. */
export interface ScanResult {
  readonly entries: Entry[];
  /** True when the scan stopped on `limit` or `maxBytes` rather than by running out of entries. */
  readonly cut: boolean;
  readonly bytesRead: number;
}

/** Partitions of entries, each kept sorted by position. */
export class SortedPartitions {
  private readonly partitions = new Map<string, Entry[]>();

  /** Partitions holding exactly `entries` (distinct positions per partition), each partition sorted once. */
  static of(entries: Iterable<Entry>): SortedPartitions {
    const built = new SortedPartitions();
    for (const entry of entries) {
      const id = keyValueId(entry.partition);
      const list = built.partitions.get(id);
      if (list === undefined) built.partitions.set(id, [entry]);
      else list.push(entry);
    }
    for (const list of built.partitions.values()) list.sort((a, b) => comparePositions(a.position, b.position));
    return built;
  }

  /** Insert an entry (its position must not already be present in its partition). */
  insert(entry: Entry): void {
    const id = keyValueId(entry.partition);
    let entries = this.partitions.get(id);
    if (entries === undefined) {
      entries = [];
      this.partitions.set(id, entries);
    }
    const at = firstIndex(entries, (candidate) => comparePositions(candidate.position, entry.position) >= 0);
    entries.splice(at, 0, entry);
  }

  /** Remove the entry at `entry`'s position, if present. */
  remove(entry: Entry): void {
    const id = keyValueId(entry.partition);
    const entries = this.partitions.get(id);
    if (entries === undefined) return;
    const at = firstIndex(entries, (candidate) => comparePositions(candidate.position, entry.position) >= 0);
    if (at < entries.length && comparePositions(entries[at]!.position, entry.position) === 0) entries.splice(at, 1);
    if (entries.length === 0) this.partitions.delete(id);
  }

  /** Drop every entry. */
  clear(): void {
    this.partitions.clear();
  }

  /**
   * Read one page of `partition`: entries whose sort key meets `range`, after `cursor` in `direction`, until
   * `limit` entries or until the bytes read reach `maxBytes` (the entry that reaches it is included).
   */
  scan(
    partition: KeyValue,
    range: RangeCondition | undefined,
    direction: 'asc' | 'desc',
    cursor: Position | undefined,
    limit: number,
    maxBytes: number,
  ): ScanResult {
    const entries = this.partitions.get(keyValueId(partition)) ?? [];
    let [start, end] = rangeBounds(entries, range);
    if (cursor !== undefined) {
      if (direction === 'asc') {
        start = Math.max(
          start,
          firstIndex(entries, (entry) => comparePositions(entry.position, cursor) > 0),
        );
      } else {
        end = Math.min(
          end,
          firstIndex(entries, (entry) => comparePositions(entry.position, cursor) >= 0),
        );
      }
    }
    const found: Entry[] = [];
    let bytesRead = 0;
    let cut = false;
    const count = Math.max(0, end - start);
    for (let n = 0; n < count; n++) {
      const entry = entries[direction === 'asc' ? start + n : end - 1 - n]!;
      found.push(entry);
      bytesRead += entry.size;
      if (found.length >= limit || bytesRead >= maxBytes) {
        cut = true;
        break;
      }
    }
    return { entries: found, cut, bytesRead };
  }
}

/** First index in `entries` where `predicate` holds, for a predicate false then true along the array. */
function firstIndex(entries: readonly Entry[], predicate: (entry: Entry) => boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (predicate(entries[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Half-open index bounds of the entries whose sort key meets `range`. */
function rangeBounds(entries: readonly Entry[], range: RangeCondition | undefined): [number, number] {
  if (range === undefined) return [0, entries.length];
  const sortKey = (entry: Entry): KeyValue => entry.position[0]!;
  const atLeast = (value: KeyValue): number => firstIndex(entries, (e) => compareKeyValues(sortKey(e), value) >= 0);
  const above = (value: KeyValue): number => firstIndex(entries, (e) => compareKeyValues(sortKey(e), value) > 0);
  switch (range.op) {
    case 'eq':
      return [atLeast(range.value), above(range.value)];
    case 'lt':
      return [0, atLeast(range.value)];
    case 'lte':
      return [0, above(range.value)];
    case 'gt':
      return [above(range.value), entries.length];
    case 'gte':
      return [atLeast(range.value), entries.length];
    case 'between':
      return [atLeast(range.low), above(range.high)];
    case 'beginsWith': {
      // Strings with a prefix are contiguous in byte order, starting at the first string >= the prefix.
      const prefix = range.prefix;
      const start = atLeast(prefix);
      const end = firstIndex(entries, (e) => compareKeyValues(sortKey(e), prefix) > 0 && !String(sortKey(e)).startsWith(prefix));
      return [start, Math.max(start, end)];
    }
  }
}
