/**
 * One in-memory table: items by primary key, the table's sorted partitions and one set of sorted partitions per
 * global secondary index (sparse: only items holding the index's key attributes). Writes keep every view in step
 * and report the index write units they cost. No validation here: the request validation runs before any write.
 * With lag settings (the driver's `indexLag`), index reads, and eventually consistent table reads when
 * `eventualReads` is set, go through {@link LaggedReads} instead of the current views.
 */
import { itemSize } from '../../src/layout/item-size.js';
import type { IndexSchema, Item, ItemKey, KeyValue, RangeCondition, TableSchema } from '../../src/ports/kv-driver.js';
import { cloneItem, valuesEqual } from './attribute-values.js';
import { indexWriteUnits } from './capacity.js';
import { keyValueId, primaryKeyId } from './key-schema.js';
import { LaggedReads, type LagSettings } from './lagged-reads.js';
import { SortedPartitions, type Entry, type Position, type ScanResult } from './sorted-entries.js';

/** A stored item with its size and its entry in each view. */
export interface StoredRecord {
  /** The item as stored (never handed out: callers get copies). */
  readonly item: Item;
  /** Item size in bytes by DynamoDB's rules. */
  readonly size: number;
  /** The table view's entry. */
  readonly tableEntry: Entry;
  /** Each index's entry, for indexes the item belongs to. */
  readonly indexEntries: ReadonlyMap<string, Entry>;
}

/** A validated item copy with its size in bytes by DynamoDB's rules: what a write stores. */
export interface SizedItem {
  readonly item: Item;
  readonly size: number;
}

/** One index of the table with its entries. */
interface IndexView {
  readonly schema: IndexSchema;
  readonly partitions: SortedPartitions;
}

/** An in-memory table. */
export class MemoryTable {
  private readonly records = new Map<string, StoredRecord>();
  private readonly tablePartitions = new SortedPartitions();
  private readonly indexViews = new Map<string, IndexView>();
  private readonly lagged: LaggedReads | undefined;

  /** `lag` absent: every read sees the current state (DynamoDB Local's behaviour). */
  constructor(
    readonly schema: TableSchema,
    lag?: LagSettings,
  ) {
    for (const index of schema.indexes) {
      this.indexViews.set(index.name, { schema: index, partitions: new SortedPartitions() });
    }
    this.lagged =
      lag === undefined
        ? undefined
        : new LaggedReads(
            schema.indexes.map((index) => index.name),
            lag,
          );
  }

  /** The primary key ids of every stored item (current state), in no particular order. */
  recordIds(): IterableIterator<string> {
    return this.records.keys();
  }

  /** The stored record of a primary key id from {@link recordIds}, or `undefined`. */
  recordById(id: string): StoredRecord | undefined {
    return this.records.get(id);
  }

  /** The stored record at `key`, or `undefined`. */
  get(key: ItemKey): StoredRecord | undefined {
    return this.records.get(primaryKeyId(this.schema, key));
  }

  /**
   * The record at `key` as a read sees it: the current one when `consistent` (or without eventual reads), else as
   * an eventually consistent read sees it (up to the lag old).
   */
  read(key: ItemKey, consistent: boolean): StoredRecord | undefined {
    if (consistent || this.lagged?.eventualReads !== true) return this.get(key);
    return this.lagged.eventualRecord(primaryKeyId(this.schema, key));
  }

  /**
   * Store `next.item` (already validated and copied; the table keeps it; `next.size` its size) in place of any item
   * with its key, or, when `next` is `undefined`, delete the item at `key`. Returns the previous record and the
   * index write units.
   */
  write(key: ItemKey, next: SizedItem | undefined): { readonly before?: StoredRecord; readonly indexUnits: number } {
    const id = primaryKeyId(this.schema, key);
    const before = this.records.get(id);
    const after = next === undefined ? undefined : this.makeRecord(next.item, next.size);
    if (before !== undefined) {
      this.tablePartitions.remove(before.tableEntry);
      for (const [name, entry] of before.indexEntries) this.indexViews.get(name)!.partitions.remove(entry);
    }
    if (after !== undefined) {
      this.records.set(id, after);
      this.tablePartitions.insert(after.tableEntry);
      for (const [name, entry] of after.indexEntries) this.indexViews.get(name)!.partitions.insert(entry);
    } else {
      this.records.delete(id);
    }
    this.lagged?.recordWrite(id, before, after);
    let indexUnits = 0;
    for (const name of this.indexViews.keys()) {
      const old = before?.indexEntries.get(name);
      const fresh = after?.indexEntries.get(name);
      indexUnits += indexWriteUnits({
        before: old && { keyId: entryKeyId(old), size: old.size },
        after: fresh && { keyId: entryKeyId(fresh), size: fresh.size },
        projectionChanged: old !== undefined && fresh !== undefined && !valuesEqual(old.projection, fresh.projection),
      });
    }
    return before === undefined ? { indexUnits } : { before, indexUnits };
  }

  /**
   * Read one page of the table (`index` undefined) or an index; see {@link SortedPartitions.scan}. A `consistent`
   * read sees the current state; otherwise, under lag, an index shows what has propagated to it and the table (with
   * eventual reads) what it held at one moment up to the lag ago.
   */
  scan(
    index: string | undefined,
    partition: KeyValue,
    range: RangeCondition | undefined,
    direction: 'asc' | 'desc',
    cursor: Position | undefined,
    limit: number,
    maxBytes: number,
    consistent: boolean,
  ): ScanResult {
    return this.view(index, partition, consistent).scan(partition, range, direction, cursor, limit, maxBytes);
  }

  private view(index: string | undefined, partition: KeyValue, consistent: boolean): SortedPartitions {
    const lagged = consistent ? undefined : this.lagged;
    if (index === undefined) return lagged?.eventualReads === true ? lagged.eventualTablePartition(partition) : this.tablePartitions;
    return lagged === undefined ? this.indexViews.get(index)!.partitions : lagged.indexPartition(index, partition);
  }

  private makeRecord(item: Item, size: number): StoredRecord {
    const schema = this.schema;
    const pk = item[schema.partitionKey.name] as KeyValue;
    const sk = schema.sortKey === undefined ? null : (item[schema.sortKey.name] as KeyValue);
    const tableEntry: Entry = { partition: pk, position: [sk, pk, sk], projection: item, size };
    const indexEntries = new Map<string, Entry>();
    for (const view of this.indexViews.values()) {
      const entry = indexEntry(view.schema, item, size, pk, sk, schema);
      if (entry !== undefined) indexEntries.set(view.schema.name, entry);
    }
    return { item, size, tableEntry, indexEntries };
  }
}

/** The entry of `item` in `index`, or `undefined` when the item lacks the index's key attributes (sparse index). */
function indexEntry(
  index: IndexSchema,
  item: Item,
  itemBytes: number,
  pk: KeyValue,
  sk: KeyValue | null,
  table: TableSchema,
): Entry | undefined {
  const partition = item[index.partitionKey.name];
  if (partition === undefined) return undefined;
  let sortKey: KeyValue | null = null;
  if (index.sortKey !== undefined) {
    const value = item[index.sortKey.name];
    if (value === undefined) return undefined;
    sortKey = value as KeyValue;
  }
  let projection = item;
  let size = itemBytes;
  if (index.projection === 'KEYS_ONLY') {
    const names = [table.partitionKey.name, table.sortKey?.name, index.partitionKey.name, index.sortKey?.name];
    const keys: Item = {};
    for (const name of names) if (name !== undefined) keys[name] = item[name]!;
    projection = keys;
    size = itemSize(keys);
  }
  return { partition: partition as KeyValue, position: [sortKey, pk, sk], projection, size };
}

function entryKeyId(entry: Entry): string {
  const [sortKey] = entry.position;
  return `${keyValueId(entry.partition)}\u0000${sortKey === null ? '' : keyValueId(sortKey)}`;
}

/** Copy of an entry's attributes, for handing out. */
export function entryItem(entry: Entry): Item {
  return cloneItem(entry.projection);
}
