import type { OperationType } from '../options/types.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from '../ports/kv-driver.js';
import { noteBlobWritten, noteCapacity } from '../telemetry/call-scope.js';
import { decorateBlobs, decorateKv, type BlobRequest, type KvRequest } from './decorate.js';
import { callSafely, type Warn } from './warnings.js';

/** Requests and capacity units of one operation type since the store was created (or `resetStats`). */
export interface OperationStats {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

/** Per-operation-type totals, as returned by `EventStoreRepo.stats()`. */
export type StoreStats = Record<OperationType, OperationStats>;

/**
 * Every metered operation type and where its requests go: `kv` (DynamoDB, billed in capacity units) or `blob` (S3,
 * billed per request). The one list of operation types (a `Record`, so the compiler checks it names each exactly
 * once); the bench's meters and cost figures read it too.
 */
export const OPERATION_BACKENDS: Readonly<Record<OperationType, 'kv' | 'blob'>> = {
  get: 'kv',
  query: 'kv',
  batchGet: 'kv',
  batchWrite: 'kv',
  transactWrite: 'kv',
  blobPut: 'blob',
  blobGet: 'blob',
  blobDelete: 'blob',
  blobList: 'blob',
};

/** Every metered operation type, in the order `stats()` lists them (the keys of {@link OPERATION_BACKENDS}). */
export const OPERATION_TYPES = Object.keys(OPERATION_BACKENDS) as readonly OperationType[];

/** Zeroed totals for every operation type (a fresh object each call). */
export function emptyStats(): StoreStats {
  return Object.fromEntries(OPERATION_TYPES.map((operation) => [operation, { requests: 0, readUnits: 0, writeUnits: 0 }])) as StoreStats;
}

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
    return Object.fromEntries(OPERATION_TYPES.map((operation) => [operation, { ...this.totals[operation] }])) as StoreStats;
  }

  /** Zero every total. */
  reset(): void {
    this.totals = emptyStats();
  }
}

/** The operation type each metered KV request is counted under; `ensureTable` and `dropTable` are not counted. */
const KV_OPERATIONS: Partial<Record<KvRequest, OperationType>> = {
  get: 'get',
  query: 'query',
  batchGet: 'batchGet',
  batchWrite: 'batchWrite',
  transactWrite: 'transactWrite',
};

/** The operation type each metered blob request is counted under; `ensureContainer` is not counted. */
const BLOB_OPERATIONS: Partial<Record<BlobRequest, OperationType>> = {
  put: 'blobPut',
  get: 'blobGet',
  delete: 'blobDelete',
  list: 'blobList',
};

/** A KV driver that records every call on `meter` with the capacity it reports (a failed call counts as a request with no capacity). */
export function meteredKv(inner: KvDriver, meter: Meter): KvDriver {
  return decorateKv(inner, async (method, proceed) => {
    const operation = KV_OPERATIONS[method];
    if (operation === undefined) return proceed();
    let result: { consumed: ConsumedCapacity };
    try {
      result = (await proceed()) as { consumed: ConsumedCapacity };
    } catch (error) {
      meter.record(operation);
      throw error;
    }
    meter.record(operation, result.consumed);
    return result;
  });
}

/** A blob driver that counts every call on `meter` (when it is sent, whatever its outcome). */
export function meteredBlobs(inner: BlobDriver, meter: Meter): BlobDriver {
  return decorateBlobs(inner, (method, proceed) => {
    const operation = BLOB_OPERATIONS[method];
    if (operation === undefined) return proceed();
    meter.record(operation);
    const result = proceed();
    // A written blob, for the current call's span (telemetry/call-scope.ts).
    if (method !== 'put') return result;
    return result.then((value) => {
      noteBlobWritten();
      return value;
    });
  });
}
