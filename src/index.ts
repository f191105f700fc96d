/**
 * Package root: the `EventStoreRepo` users construct, plus the core's public types and errors.
 *
 * - `new EventStoreRepo(dynamodbClient, s3Client?, options?)` — the existing adapter's drop-in form (AWS).
 * - `new EventStoreRepo()` — the in-memory twin (KV + blobs): the embedded default, for tests and demos.
 * - `new EventStoreRepo({ kv, blobs, ...options })` — any driver pair.
 *
 * Importing this module loads the core only (and the peer `@schemeless/event-store-types`, 4 small CommonJS modules,
 * whose error classes ours extend): the AWS SDK and the twin load on the first call of a store built by the first
 * two forms (their drivers are lazy, see `lazy-drivers.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_BLOB_CAPABILITIES, DEFAULT_KV_CAPABILITIES } from '../drivers/memory/capabilities.js';
import { awsCoreOptions, isAwsClient, type AwsEventStoreOptions } from './drop-in.js';
import { EventStore, type EventStoreCoreOptions } from './event-store.js';
import { lazyBlobDriver, lazyKvDriver } from './lazy-drivers.js';
import type { EventStoreOptions } from './options.js';

export type { AwsEventStoreOptions } from './drop-in.js';

export { DEFAULT_INIT_DEADLINE_MS, EventStore } from './event-store.js';
export type { EventStoreCoreOptions };
export * from './errors.js';
export * from './warnings.js';
export { DEFAULT_DEADLINE_MS } from './call-budget.js';
export { blobScope, instanceScope, MAX_BLOB_KEY_BYTES } from './blob-keys.js';
export type { SweepOptions, SweepResult } from './sweeper.js';
export type { SubscribeOptions, Subscription, SubscriptionLag } from './subscription.js';
export { DEFAULT_POLL_INTERVAL_MS, MAX_CONSUMER_NAME_BYTES } from './subscription.js';
export { DEFAULT_LOG_PAGE_SIZE, type ConsumerStart } from './change-feed.js';
export { MAX_CONSUMER_RESET_ROUNDS } from './consumer-reset.js';
export { MAX_CURSOR_ENTRIES } from './log-cursor.js';
export type { DynamoDbStreamRecord } from './stream-records.js';
export type { CallOptions } from './call-budget.js';
export type { TableMetadata } from './table-metadata.js';
export * from './contract-types.js';
export type { ChangeFeedSettings, EventStoreOptions, OperationType, ResolvedOptions } from './options.js';
export { DEFAULT_CHANGE_FEED_SHARDS, MAX_CHANGE_FEED_SHARDS } from './options.js';
export type { StoreStats, OperationStats } from './metering.js';
export type { RetryPolicy } from './retry.js';
export { CONTENTION_MAX_DOUBLINGS } from './retry.js';
export type * from './ports/kv-driver.js';
export type * from './ports/blob-driver.js';
export { itemSize, attributeValueSize, utf8Length } from './item-size.js';
export * from './limits.js';

/**
 * The event-store repo.
 * - `(dynamodbClient, s3Client?, options?)`: DynamoDB + S3 (the S3 client may be omitted when no event is ever
 *   offloaded; an oversized event then fails with `STORE/BLOB_STORE_REQUIRED`).
 * - `(options?)`: with no `kv`, a fresh in-memory twin (DynamoDB-like KV and S3-like blobs); with `kv` (and
 *   optionally `blobs`), those drivers.
 * @throws `INPUT/INVALID_OPTIONS` naming each bad field.
 */
export class EventStoreRepo extends EventStore {
  constructor(dynamodbClient: DynamoDBClient, s3Client?: S3Client, options?: AwsEventStoreOptions);
  constructor(options?: EventStoreOptions);
  constructor(first?: DynamoDBClient | EventStoreOptions, s3Client?: S3Client, options?: AwsEventStoreOptions) {
    super(isAwsClient(first) ? awsCoreOptions(first, s3Client, options) : inMemoryDefaults(first as EventStoreOptions | undefined));
  }
}

function inMemoryDefaults(options: EventStoreOptions = {}): EventStoreCoreOptions {
  const kv =
    options.kv ??
    lazyKvDriver(DEFAULT_KV_CAPABILITIES, async () => new (await import('../drivers/memory/index.js')).MemoryKvDriver(), {
      clientMaxAttempts: false,
      close: true,
    });
  const blobs =
    options.blobs ??
    (options.kv
      ? undefined
      : lazyBlobDriver(DEFAULT_BLOB_CAPABILITIES, async () => new (await import('../drivers/memory/index.js')).MemoryBlobDriver(), {
          clientMaxAttempts: false,
          close: true,
        }));
  return { ...options, kv, ...(blobs ? { blobs } : {}) };
}
