/**
 * The table engine of the KV twin: the tables by name, and what a validated call does to them. Reads and query
 * pages (with their cursors) hand out copies; batch writes apply puts and deletes; a transaction is resolved
 * against the items as stored, checked against its conditions and then applied all at once. The engine reports
 * the sizes it read and wrote ({@link ItemWrite}); the capacity rules turn them into units. It refuses only what
 * depends on the stored state: a missing table, a schema mismatch, an update whose merged item is invalid.
 *
 * Choices where DynamoDB leaves room:
 * - A query page includes the entry whose size makes the bytes read reach `maxQueryPageBytes` (DynamoDB stops
 *   once the data read EXCEEDS 1 MB), so a page can be one item over the limit. The page carries a cursor whenever
 *   it stopped on `limit` or on bytes, even when nothing follows (as DynamoDB returns LastEvaluatedKey).
 * - Indexes are current at once by default (as in DynamoDB Local). Opt-in `indexLag` (seeded, deterministic, time
 *   from `clock`) makes each write reach each index after its own delay from a long-tailed distribution: items
 *   reach an index out of order, never before their base-table write, and an index never shows an item in a state
 *   older than one it already showed (per item, the newest version whose delay has passed). Opt-in `eventualReads`
 *   (needs `indexLag`) makes base-table reads without `consistent: true` see the table as it was up to `tailMs`
 *   ago. Reads with `consistent: true` always see the current state. Writes and conditions always act on it.
 */
import { ErrorCodes } from '../../src/errors/index.js';
import { itemSize } from '../../src/layout/item-size.js';
import type {
  ActionFailure,
  EnsureTableResult,
  Item,
  ItemKey,
  KvCapabilities,
  QueryPage,
  TableSchema,
  WriteRequest,
} from '../../src/ports/kv-driver.js';
import { cloneItem, cloneValue } from './attribute-values.js';
import type { ItemWrite } from './capacity.js';
import { evaluateCondition } from './conditions.js';
import type { DriverErrorFactory } from './errors.js';
import type { KvRequestValidator, PlannedAction, PlannedWrite, ValidQuery } from './kv-validation.js';
import type { LagSettings } from './lagged-reads.js';
import { entryItem, MemoryTable, type SizedItem } from './memory-table.js';
import { encodeCursor } from './query-cursor.js';
import { freezeSchema, schemaDifferences } from './table-schema.js';

/** One item read: a copy of the item (`undefined` when missing) and its size in bytes (0 when missing). */
export interface ItemRead {
  readonly item: Item | undefined;
  readonly size: number;
}

/** A transaction resolved against the stored items, not yet applied. */
export interface PreparedTransaction {
  /** Bytes toward `maxTransactionBytes`: each written item, or the key for deletes and condition checks. */
  readonly requestBytes: number;
  /** The cancellation reasons when a condition fails (with a copy of the stored item, if any); else `undefined`. */
  failedConditions(): ActionFailure[] | undefined;
  /** Apply every action, in order (condition checks write nothing); returns each action's sizes. */
  commit(): ItemWrite[];
}

/** The tables of one driver and the operations on them. */
export class TableEngine {
  private readonly tables = new Map<string, MemoryTable>();

  /** `lag`: index lag and eventual reads shared by every table, `undefined` without `indexLag`. */
  constructor(
    private readonly capabilities: KvCapabilities,
    private readonly validator: KvRequestValidator,
    private readonly error: DriverErrorFactory,
    private readonly lag: LagSettings | undefined,
  ) {}

  /** Create the table of a valid `schema`, or find it; one of that name defined otherwise: `DRIVER/SCHEMA_MISMATCH`. */
  ensureTable(schema: TableSchema): EnsureTableResult {
    const existing = this.tables.get(schema.name);
    if (existing === undefined) {
      this.tables.set(schema.name, new MemoryTable(freezeSchema(schema), this.lag));
      return { created: true };
    }
    const differences = schemaDifferences(existing.schema, schema);
    if (differences.length > 0) {
      throw this.error(ErrorCodes.SCHEMA_MISMATCH, `Table ${schema.name} differs: ${differences.join('; ')}`, {
        table: schema.name,
        differences,
      });
    }
    return { created: false };
  }

  /** Delete the table and its items; nothing when absent. */
  dropTable(name: string): void {
    this.tables.delete(name);
  }

  /** The table named `name`; `DRIVER/RESOURCE_NOT_FOUND` when it does not exist. */
  table(name: string): MemoryTable {
    const table = this.tables.get(name);
    if (table === undefined) {
      throw this.error(ErrorCodes.RESOURCE_NOT_FOUND, `Table ${name} does not exist`, { table: name });
    }
    return table;
  }

  /** Read the item at a valid `key` (eventually consistent unless `consistent`, see the module comment). */
  get(table: MemoryTable, key: ItemKey, consistent: boolean): ItemRead {
    const record = table.read(key, consistent);
    return { item: record === undefined ? undefined : cloneItem(record.item), size: record?.size ?? 0 };
  }

  /** Read one page of a valid query; `bytesRead` is the size of the entries read (the page cut: module comment). */
  query(table: MemoryTable, query: ValidQuery): { readonly page: Omit<QueryPage, 'consumed'>; readonly bytesRead: number } {
    const { index, partition, range, direction, cursor, limit, consistent } = query;
    const scan = table.scan(index, partition, range, direction, cursor, limit, this.capabilities.maxQueryPageBytes, consistent);
    const items = scan.entries.map(entryItem);
    const last = scan.entries[scan.entries.length - 1];
    const page = scan.cut && last !== undefined ? { items, cursor: encodeCursor(index, partition, last.position) } : { items };
    return { page, bytesRead: scan.bytesRead };
  }

  /**
   * Read valid, distinct `keys` in order, except those at the indexes in `skip` (returned as copies in
   * `unprocessedKeys`); `readSizes` holds the size of each key read (0 when missing).
   */
  batchGet(
    table: MemoryTable,
    keys: readonly ItemKey[],
    skip: ReadonlySet<number>,
    consistent: boolean,
  ): { readonly items: Item[]; readonly unprocessedKeys: ItemKey[]; readonly readSizes: number[] } {
    const items: Item[] = [];
    const unprocessedKeys: ItemKey[] = [];
    const readSizes: number[] = [];
    keys.forEach((key, i) => {
      if (skip.has(i)) {
        unprocessedKeys.push(cloneItem(key) as ItemKey);
        return;
      }
      const read = this.get(table, key, consistent);
      readSizes.push(read.size);
      if (read.item !== undefined) items.push(read.item);
    });
    return { items, unprocessedKeys, readSizes };
  }

  /**
   * Apply planned puts and deletes in order, except those at the indexes in `skip` (returned as copies in
   * `unprocessed`); `writes` holds the sizes of each applied write.
   */
  batchWrite(
    table: MemoryTable,
    planned: readonly PlannedWrite[],
    skip: ReadonlySet<number>,
  ): { readonly unprocessed: WriteRequest[]; readonly writes: ItemWrite[] } {
    const unprocessed: WriteRequest[] = [];
    const writes: ItemWrite[] = [];
    planned.forEach(({ request, key, item }, i) => {
      if (skip.has(i)) {
        unprocessed.push('put' in request ? { put: cloneItem(request.put) } : { delete: cloneItem(key) as ItemKey });
        return;
      }
      writes.push(applyWrite(table, key, item));
    });
    return { unprocessed, writes };
  }

  /**
   * Resolve planned actions against the items as stored now (nothing applied yet): an update merges its `set` into
   * the stored item (or a new one) and the result is validated as an item (`DRIVER/VALIDATION`, LIMIT_EXCEEDED).
   */
  prepareTransaction(table: MemoryTable, planned: readonly PlannedAction[]): PreparedTransaction {
    const resolved = planned.map((action) => this.resolve(table, action));
    return {
      requestBytes: resolved.reduce((sum, action) => sum + action.requestBytes, 0),
      failedConditions: () => failedConditions(resolved),
      commit: () =>
        resolved.map((action) =>
          action.planned.action.type === 'conditionCheck'
            ? { beforeBytes: action.storedSize, afterBytes: 0, indexUnits: 0 }
            : applyWrite(table, action.planned.key, action.next),
        ),
    };
  }

  private resolve(table: MemoryTable, planned: PlannedAction): ResolvedAction {
    const { action, key, put } = planned;
    const record = table.get(key);
    const stored = record?.item;
    const storedSize = record?.size ?? 0;
    switch (action.type) {
      case 'put':
        return { planned, stored, storedSize, next: put, requestBytes: put!.size };
      case 'update': {
        const merged: Item = { ...(stored ?? {}) };
        for (const [name, value] of Object.entries(action.set)) if (value !== undefined) merged[name] = cloneValue(value);
        Object.assign(merged, key);
        const next = this.validator.item(table.schema, merged);
        return { planned, stored, storedSize, next, requestBytes: next.size };
      }
      case 'delete':
      case 'conditionCheck':
        return { planned, stored, storedSize, next: undefined, requestBytes: itemSize(key) };
    }
  }
}

/** A planned action with what it finds and what it stores. */
interface ResolvedAction {
  readonly planned: PlannedAction;
  /** The item as stored now, and its size (0 when absent). */
  readonly stored: Item | undefined;
  readonly storedSize: number;
  /** The item to store after the action; `undefined` deletes (or, for a condition check, writes nothing). */
  readonly next: SizedItem | undefined;
  readonly requestBytes: number;
}

function failedConditions(resolved: readonly ResolvedAction[]): ActionFailure[] | undefined {
  let failed = false;
  const reasons = resolved.map(({ planned: { action }, stored }): ActionFailure => {
    if (action.condition === undefined || evaluateCondition(action.condition, stored)) return { kind: 'none' };
    failed = true;
    return stored === undefined ? { kind: 'conditionFailed' } : { kind: 'conditionFailed', item: cloneItem(stored) };
  });
  return failed ? reasons : undefined;
}

/** Store `next` at `key` (`undefined`: delete) and report the sizes of the write. */
function applyWrite(table: MemoryTable, key: ItemKey, next: SizedItem | undefined): ItemWrite {
  const { before, indexUnits } = table.write(key, next);
  return { beforeBytes: before?.size ?? 0, afterBytes: next?.size ?? 0, indexUnits };
}
