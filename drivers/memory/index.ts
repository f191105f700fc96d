/**
 * The in-memory twin drivers: `MemoryKvDriver` (DynamoDB) and `MemoryBlobDriver` (S3), the project's embedded
 * default and the fast backend of the unit and property tests, with seeded, deterministic fault injection.
 */
export { MemoryKvDriver, KV_FAULTS, DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS, type KvOperation } from './memory-kv-driver.js';
export { DEFAULT_KV_CAPABILITIES, MEMORY_KV_DRIVER_NAME, type MemoryKvDriverOptions } from './kv-options.js';
export {
  MemoryBlobDriver,
  BLOB_FAULTS,
  DEFAULT_BLOB_CAPABILITIES,
  MEMORY_BLOB_DRIVER_NAME,
  S3_MAX_KEY_BYTES,
  type BlobMeterSnapshot,
  type BlobOperation,
  type BlobOperationTotals,
  type MemoryBlobDriverOptions,
} from './memory-blob-driver.js';
export {
  FAULT_KINDS,
  FaultPlanner,
  Prng,
  faultOptionsSchema,
  type FaultCounts,
  type FaultKind,
  type FaultOptions,
  type FaultPlan,
  type ScriptedFault,
} from './faults.js';
export { LagSampler, indexLagSchema, type IndexLagOptions } from './index-lag.js';
export { readUnits, writeUnits, type MeterSnapshot, type MeteredOperation, type OperationTotals } from './capacity.js';
export { DYNAMODB_MAX_PARTITION_KEY_BYTES, DYNAMODB_MAX_SORT_KEY_BYTES } from './key-schema.js';
