/**
 * Package root: the `EventStoreRepo` users construct (src/entry/event-store-repo.ts: its forms and wiring), plus the
 * core's public types and errors.
 *
 * Importing this module loads the core only (and the peer `@schemeless/event-store-types`, 4 small CommonJS modules,
 * whose error classes ours extend): the AWS SDK and the twin load on the first call of a store built by the drop-in
 * or the default form (their drivers are lazy, see src/entry/lazy-drivers.ts).
 */
import { EventStoreRepo } from './entry/event-store-repo.js';

// ---- what a user constructs ----
export { EventStoreRepo };
/**
 * @deprecated The one store class is {@link EventStoreRepo}: `new EventStoreRepo({ kv, blobs?, ...options })` is what
 * `new EventStore({ kv, ... })` was. This alias keeps code written against earlier versions working.
 */
export const EventStore = EventStoreRepo;
/** @deprecated See {@link EventStoreRepo}. */
export type EventStore = EventStoreRepo;

// ---- what a user catches ----
export {
  AdapterCapabilityError,
  ConcurrencyError,
  DuplicateEventError,
  DuplicateEventIdError,
  ErrorCodes,
  EventCursorNotFoundError,
  EventStoreAdapterError,
  hasCode,
  InvalidIdentifierError,
  InvalidStreamBatchError,
  SnapshotError,
  StreamConcurrencyError,
  TransactionScopeError,
  type AdapterErrorFields,
  type AdapterErrorOptions,
  type ErrorCode,
} from './errors/index.js';
export { WarningCodes, type StoreWarning, type WarningCode } from './runtime/warnings.js';

// ---- payload codecs: the key provider a user constructs, and what an erased event reads as ----
export { localKeyProvider, type KeyProvider, type KeyContext } from './payload/key-provider.js';
export { ERASED_META, ERASED_PAYLOAD, isErased } from './payload/erased.js';
export type { Upcaster } from './payload/upcast.js';
export type { EncryptionSettings } from './payload/settings.js';
export type { CompressionAlgorithm, CompressionSettings } from './payload/compression.js';

// ---- what a user types (types only: no runtime cost) ----
export type { AwsEventStoreOptions } from './entry/drop-in.js';
export type { EventStoreCoreOptions } from './event-store.js';
export type { EventStoreApi } from './compat/store-api.js';
export type { ChangeFeedSettings, EventStoreOptions, OperationType, ResolvedOptions } from './options/index.js';
export type { CallOptions } from './runtime/call-budget.js';
export type * from './compat/contract-types.js';
export type { SweepOptions, SweepResult } from './blobs/sweeper.js';
export type { SubscribeOptions, Subscription, SubscriptionLag } from './feed/subscription.js';
export type { ConsumerStart } from './feed/change-feed.js';
export type { DynamoDbStreamRecord } from './feed/stream-records.js';
export type { TableMetadata } from './layout/table-metadata.js';
export type { Logger, MeterProviderLike, TelemetryOptions, TracerProviderLike } from './telemetry/options.js';
export type { StoreStats, OperationStats } from './runtime/metering.js';
export type { RetryPolicy } from './runtime/retry.js';
// The ports, for driver authors.
export type * from './ports/kv-driver.js';
export type * from './ports/blob-driver.js';
