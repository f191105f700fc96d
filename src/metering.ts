import type { OperationType } from './options.js';
import type { BlobDriver } from './ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from './ports/kv-driver.js';
import { noteBlobWritten, noteCapacity } from './telemetry/call-scope.js';
import { callSafely, type Warn } from './warnings.js';

/** Requests and capacity units of one operation type since the store was created (or `resetStats`). */
export interface OperationStats {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

/** Per-operation-type totals, as returned by `EventStoreRepo.stats()`. */
export type StoreStats = Record<OperationType, OperationStats>;

const OPERATIONS: readonly OperationType[] = [
  'get',
  'query',
  'batchGet',
  'batchWrite',
  'transactWrite',
  'blobPut',
  'blobGet',
  'blobDelete',
  'blobList',
];

/**
 * Counts every driver request and the capacity it reports; forwards each to an optional callback. The callback
 * cannot change an outcome: what it throws is reported through `warn` (`WARN/CALLBACK_FAILED`).
 */
export class Meter {
  private totals: StoreStats = emptyStats();

  constructor(
    private readonly onCapacity?: (operation: OperationType, consumed: ConsumedCapacity) => void,
    private readonly warn: Warn = () => undefined,
  ) {}

  /** Record one request of `operation` that consumed `consumed` (zero for blob requests). */
  record(operation: OperationType, consumed: ConsumedCapacity = { read: 0, write: 0 }): void {
    const entry = this.totals[operation];
    entry.requests += 1;
    entry.readUnits += consumed.read;
    entry.writeUnits += consumed.write;
    noteCapacity(consumed); // the current call's share, for its span (telemetry/call-scope.ts)
    const callback = this.onCapacity;
    if (callback) callSafely(this.warn, 'onCapacity', () => callback(operation, consumed));
  }

  /** A deep copy of the totals. */
  snapshot(): StoreStats {
    return Object.fromEntries(OPERATIONS.map((operation) => [operation, { ...this.totals[operation] }])) as StoreStats;
  }

  /** Zero every total. */
  reset(): void {
    this.totals = emptyStats();
  }
}

function emptyStats(): StoreStats {
  return Object.fromEntries(OPERATIONS.map((operation) => [operation, { requests: 0, readUnits: 0, writeUnits: 0 }])) as StoreStats;
}

/** A KV driver that records every call on `meter` (a failed call counts as a request with no capacity). */
export function meteredKv(inner: KvDriver, meter: Meter): KvDriver {
  const track = async <T extends { consumed: ConsumedCapacity }>(operation: OperationType, call: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await call();
    } catch (error) {
      meter.record(operation);
      throw error;
    }
    meter.record(operation, result.consumed);
    return result;
  };
  return {
    capabilities: inner.capabilities,
    ensureTable: (schema) => inner.ensureTable(schema),
    dropTable: (name) => inner.dropTable(name),
    get: (table, key, options) => track('get', () => inner.get(table, key, options)),
    query: (table, request) => track('query', () => inner.query(table, request)),
    batchGet: (table, keys, options) => track('batchGet', () => inner.batchGet(table, keys, options)),
    batchWrite: (table, requests) => track('batchWrite', () => inner.batchWrite(table, requests)),
    transactWrite: (table, actions, options) => track('transactWrite', () => inner.transactWrite(table, actions, options)),
    clientMaxAttempts: inner.clientMaxAttempts ? () => inner.clientMaxAttempts!() : undefined,
    withSignal: inner.withSignal ? (signal) => meteredKv(inner.withSignal!(signal), meter) : undefined,
    close: inner.close ? () => inner.close!() : undefined,
  };
}

/** A blob driver that counts every call on `meter`. */
export function meteredBlobs(inner: BlobDriver, meter: Meter): BlobDriver {
  const count = <T>(operation: OperationType, call: () => Promise<T>): Promise<T> => {
    meter.record(operation);
    return call();
  };
  return {
    capabilities: inner.capabilities,
    ensureContainer: () => inner.ensureContainer(),
    put: (key, body, options) =>
      count('blobPut', () => inner.put(key, body, options)).then((result) => {
        noteBlobWritten();
        return result;
      }),
    get: (key) => count('blobGet', () => inner.get(key)),
    delete: (keys) => count('blobDelete', () => inner.delete(keys)),
    list: (prefix, options) => count('blobList', () => inner.list(prefix, options)),
    clientMaxAttempts: inner.clientMaxAttempts ? () => inner.clientMaxAttempts!() : undefined,
    withSignal: inner.withSignal ? (signal) => meteredBlobs(inner.withSignal!(signal), meter) : undefined,
    close: inner.close ? () => inner.close!() : undefined,
  };
}
