/**
 * Package root: the `EventStoreRepo` users construct (src/entry/event-store-repo.ts: its forms and wiring), plus the
 * core's public types and errors.
 *
 * Importing this module loads the core only (and the peer `@schemeless/event-store-types`, 4 small CommonJS modules,
 * whose error classes ours extend): the AWS SDK and the twin load on the first call of a store built by the drop-in
 * or the default form (their drivers are lazy, see src/entry/lazy-drivers.ts).
 */
import type { EventStoreCoreOptions } from './event-store.js';

export { EventStoreRepo } from './entry/event-store-repo.js';
export type { AwsEventStoreOptions } from './entry/drop-in.js';

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
