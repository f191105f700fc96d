/**
 * Capacity metering by AWS's published DynamoDB rules (Developer Guide, "DynamoDB read and write operations",
 * "Capacity management for transactions", "Global secondary indexes: provisioned throughput considerations"):
 *
 * - Reads are in 4 KB units, the size rounded up; an eventually consistent read costs half. A read of a missing
 *   item still costs one unit ("If you perform a read operation on an item that does not exist, DynamoDB still
 *   consumes provisioned read throughput").
 * - GetItem rounds the item size up; BatchGetItem "processes each item in the batch as an individual GetItem
 *   request", rounding per item; Query "treats all items returned as a single read operation": the sizes of the
 *   items read are summed, then rounded up once.
 * - Writes are in 1 KB units, rounded up: PutItem and UpdateItem by the larger of the before and after item,
 *   DeleteItem by the size of the deleted item (one unit when there is none); BatchWriteItem rounds per item.
 * - TransactWriteItems performs "two underlying writes of every item" (prepare and commit): each action costs
 *   twice its plain write. A ConditionCheck is billed as a write of the checked item (2 WCU for an item under
 *   1 KB), measured against real DynamoDB and recorded by the dynamodb-conformance suite.
 * - A global secondary index costs writes only when the write changes it: an item entering the index costs one
 *   write of the index entry, leaving it one write of the old entry, a change of the index key a delete plus a
 *   put, a change of projected attributes only one write of the new entry; nothing otherwise. Index entries
 *   are sized as the projected item (table keys, index keys and projected attributes).
 *
 * Assumptions where AWS publishes nothing: index writes caused by a transaction are not doubled (indexes are
 * updated after the commit, outside the two-phase protocol); an empty query page costs one (half) unit, as a
 * missing item does; a query of an index is billed as eventually consistent even when it asked for `consistent`
 * (only possible with `capabilities.consistentIndexReads`).
 *
 * Reporting (a choice where DynamoDB leaves room): a cancelled transaction reports zero consumed capacity, as
 * DynamoDB's TransactionCanceledException carries none; with `reportsCapacity` false every call reports zero while
 * the meter still counts what it consumed.
 */
import { DYNAMODB_READ_UNIT_BYTES, DYNAMODB_WRITE_UNIT_BYTES } from '../../src/layout/limits.js';
import type { ConsumedCapacity } from '../../src/ports/kv-driver.js';

/** Read units for reading `bytes` in one read operation (at least one unit); eventually consistent costs half. */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / DYNAMODB_READ_UNIT_BYTES));
  return consistent ? units : units / 2;
}

/** Write units for writing (or deleting) an item of `bytes` (at least one unit). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / DYNAMODB_WRITE_UNIT_BYTES));
}

/** Read units of one query page that read `bytes` (summed, rounded once) of the table (`index` undefined) or an index. */
export function queryReadUnits(bytes: number, index: string | undefined, consistent: boolean): number {
  return readUnits(bytes, index === undefined && consistent);
}

/** Read units of a batch-get that read items of `sizes` bytes (0: missing): each rounded as a get of its own. */
export function batchGetReadUnits(sizes: readonly number[], consistent: boolean): number {
  return sizes.reduce((read, size) => read + readUnits(size, consistent), 0);
}

/**
 * The sizes behind one item write: the item before and after it, in bytes (0 when absent; a condition check has
 * the checked item as `beforeBytes` and 0 after), and the write units its index updates cost.
 */
export interface ItemWrite {
  readonly beforeBytes: number;
  readonly afterBytes: number;
  readonly indexUnits: number;
}

/** Write units of item writes outside a transaction (batch-write): per item, the larger side, plus index writes. */
export function batchWriteUnits(writes: readonly ItemWrite[]): number {
  return writes.reduce((write, item) => write + writeUnits(Math.max(item.beforeBytes, item.afterBytes)) + item.indexUnits, 0);
}

/** Write units of a committed transaction: per action twice its plain item write, its index writes once. */
export function transactionWriteUnits(writes: readonly ItemWrite[]): number {
  return writes.reduce((write, item) => write + 2 * writeUnits(Math.max(item.beforeBytes, item.afterBytes)) + item.indexUnits, 0);
}

/** What a cancelled transaction consumes: nothing (see the module comment). */
export const CANCELLED_TRANSACTION_CAPACITY: ConsumedCapacity = Object.freeze({ read: 0, write: 0 });

/** One index's view of an item before and after a write: its index key (as text) and entry size, or absent. */
export interface IndexEntryChange {
  readonly before?: { readonly keyId: string; readonly size: number };
  readonly after?: { readonly keyId: string; readonly size: number };
  /** Whether the projected attributes differ between `before` and `after` (when both exist). */
  readonly projectionChanged: boolean;
}

/** Write units one index consumes for one item write (see the module comment for the rules). */
export function indexWriteUnits(change: IndexEntryChange): number {
  const { before, after } = change;
  if (before === undefined && after === undefined) return 0;
  if (before === undefined) return writeUnits(after!.size);
  if (after === undefined) return writeUnits(before.size);
  if (before.keyId !== after.keyId) return writeUnits(before.size) + writeUnits(after.size);
  if (!change.projectionChanged) return 0;
  return writeUnits(after.size);
}

/** Operations the meter distinguishes. */
export type MeteredOperation = 'get' | 'query' | 'batchGet' | 'batchWrite' | 'transactWrite';

/** Cumulative figures of one operation type: calls made (failed ones included) and capacity consumed. */
export interface OperationTotals {
  /** Calls made, whatever their outcome (each is one backend request). */
  readonly requests: number;
  /** Read capacity units consumed. */
  readonly read: number;
  /** Write capacity units consumed. */
  readonly write: number;
}

/** Cumulative totals per operation type. */
export type MeterSnapshot = Readonly<Record<MeteredOperation, OperationTotals>>;

/** Accumulates requests and consumed capacity per operation type, and says what each call reports. */
export class CapacityMeter {
  private totals: Record<MeteredOperation, { requests: number; read: number; write: number }> = emptyTotals();

  /** `reportsCapacity` false: {@link consume} reports zero (the totals still add up what was consumed). */
  constructor(private readonly reportsCapacity: boolean) {}

  /** Count one request of `operation`. */
  request(operation: MeteredOperation): void {
    this.totals[operation].requests += 1;
  }

  /** Add consumed capacity to `operation`; returns what the call reports (a fresh object: a copy, or zero). */
  consume(operation: MeteredOperation, consumed: ConsumedCapacity): ConsumedCapacity {
    this.totals[operation].read += consumed.read;
    this.totals[operation].write += consumed.write;
    return this.reportsCapacity ? { read: consumed.read, write: consumed.write } : { read: 0, write: 0 };
  }

  /** A copy of the totals. */
  snapshot(): MeterSnapshot {
    const copy = emptyTotals();
    for (const operation of Object.keys(copy) as MeteredOperation[]) copy[operation] = { ...this.totals[operation] };
    return copy;
  }

  /** Zero every total. */
  reset(): void {
    this.totals = emptyTotals();
  }
}

function emptyTotals(): Record<MeteredOperation, { requests: number; read: number; write: number }> {
  return {
    get: { requests: 0, read: 0, write: 0 },
    query: { requests: 0, read: 0, write: 0 },
    batchGet: { requests: 0, read: 0, write: 0 },
    batchWrite: { requests: 0, read: 0, write: 0 },
    transactWrite: { requests: 0, read: 0, write: 0 },
  };
}
