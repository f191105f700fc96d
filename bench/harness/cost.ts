/** Turns a store's `stats()` into the figures the bench reports: requests and capacity units per 1,000 events. */
import type { OperationType, StoreStats } from '../../src/index.js';
import { OPERATION_BACKENDS, OPERATION_TYPES } from '../../src/runtime/metering.js';
import { perThousand } from './timing.js';

/** DynamoDB operations (requests billed in capacity units). */
const KV_OPERATIONS = OPERATION_TYPES.filter((operation) => OPERATION_BACKENDS[operation] === 'kv');
/** S3 operations (billed per request). */
const BLOB_OPERATIONS = OPERATION_TYPES.filter((operation) => OPERATION_BACKENDS[operation] === 'blob');

/** Requests and capacity of a run, per 1,000 events. */
export interface CostPerThousand {
  /** DynamoDB requests per 1,000 events. */
  readonly requests: number;
  /** S3 requests per 1,000 events. */
  readonly blobRequests: number;
  /** Read capacity units per 1,000 events. */
  readonly readUnits: number;
  /** Write capacity units per 1,000 events. */
  readonly writeUnits: number;
  /** DynamoDB requests per operation type per 1,000 events (only types used). */
  readonly byOperation: Partial<Record<OperationType, number>>;
}

/** Requests and capacity in `stats`, scaled per 1,000 of `events`. */
export function costPerThousand(stats: StoreStats, events: number): CostPerThousand {
  let requests = 0;
  let readUnits = 0;
  let writeUnits = 0;
  const byOperation: Partial<Record<OperationType, number>> = {};
  for (const operation of KV_OPERATIONS) {
    const entry = stats[operation];
    requests += entry.requests;
    readUnits += entry.readUnits;
    writeUnits += entry.writeUnits;
    if (entry.requests > 0) byOperation[operation] = perThousand(entry.requests, events);
  }
  let blobRequests = 0;
  for (const operation of BLOB_OPERATIONS) {
    blobRequests += stats[operation].requests;
    if (stats[operation].requests > 0) byOperation[operation] = perThousand(stats[operation].requests, events);
  }
  return {
    requests: perThousand(requests, events),
    blobRequests: perThousand(blobRequests, events),
    readUnits: perThousand(readUnits, events),
    writeUnits: perThousand(writeUnits, events),
    byOperation,
  };
}
