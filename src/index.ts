/**
 * Package root: the `EventStoreRepo` users construct, plus the core's public types and errors.
 *
 * - `new EventStoreRepo()` — the in-memory twin (KV + blobs): the embedded default, for tests and demos.
 * - `new EventStoreRepo({ kv, blobs, ...options })` — any driver pair.
 */
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { EventStore } from './event-store.js';
import type { EventStoreOptions } from './options.js';

export { EventStore, type EventStoreCoreOptions } from './event-store.js';
export * from './errors.js';
export * from './contract-types.js';
export type { EventStoreOptions, OperationType, ResolvedOptions } from './options.js';
export type { StoreStats, OperationStats } from './metering.js';
export type { RetryPolicy } from './retry.js';
export type * from './ports/kv-driver.js';
export type * from './ports/blob-driver.js';
export { itemSize, attributeValueSize, utf8Length } from './item-size.js';
export * from './limits.js';

/**
 * The event-store repo. With no `kv` it runs on a fresh in-memory twin (DynamoDB-like KV and S3-like blobs);
 * with `kv` (and optionally `blobs`) it runs on those drivers.
 * @throws `INPUT/INVALID_OPTIONS` naming each bad field.
 */
export class EventStoreRepo extends EventStore {
  constructor(options: EventStoreOptions = {}) {
    const kv = options.kv ?? new MemoryKvDriver();
    const blobs = options.blobs ?? (options.kv ? undefined : new MemoryBlobDriver());
    super({ ...options, kv, ...(blobs ? { blobs } : {}) });
  }
}
