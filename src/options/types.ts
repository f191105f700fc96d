/**
 * The options' types: what `EventStoreRepo` accepts (each field's doc comment is its contract, typedoc shows it) and
 * what the store keeps after validation and defaults (resolve.ts).
 */
import type { EventStoreAdapterError } from '../errors/index.js';
import type { CompressionSettings } from '../payload/compression.js';
import type { PayloadPipeline } from '../payload/pipeline.js';
import type { EncryptionSettings } from '../payload/settings.js';
import type { Upcaster } from '../payload/upcast.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from '../ports/kv-driver.js';
import type { RetryPolicy } from '../runtime/retry.js';
import type { StoreWarning } from '../runtime/warnings.js';
import type { Logger, TelemetryOptions } from '../telemetry/options.js';

/** Settings of the change feed (`changeFeed: { … }`). Fixed for a table's life. */
export interface ChangeFeedSettings {
  /** Log shards (1..63, default 4): a stream's events all go to one shard, by a hash of the stream. */
  shards?: number;
}

/** Operation types reported to `onCapacity` and by `stats()`. */
export type OperationType =
  | 'get'
  | 'query'
  | 'batchGet'
  | 'batchWrite'
  | 'transactWrite'
  | 'blobPut'
  | 'blobGet'
  | 'blobDelete'
  | 'blobList';

/** Options of the core `EventStoreRepo`. Every field is optional; invalid values throw `INPUT/INVALID_OPTIONS`. */
export interface EventStoreOptions {
  /** The key-value driver. Default: a fresh in-memory twin (`MemoryKvDriver`) when built through the package root. */
  kv?: KvDriver;
  /** The blob driver for offloaded payloads. Without one, an event that must be offloaded fails with `STORE/BLOB_STORE_REQUIRED`. */
  blobs?: BlobDriver;
  /** Prefix of the table name (default ''). */
  tableNamePrefix?: string;
  /** Full table name; overrides `tableNamePrefix` + `schemeless-event-store`. 3..255 characters of [A-Za-z0-9_.-]. */
  tableName?: string;
  /** Item size in bytes above which an event's payload (then meta) moves to the blob store. Default 350,000; never above the driver's max item size. */
  offloadThresholdBytes?: number;
  /** Key prefix of offloaded blobs inside the blob driver (default 'events/'). */
  blobKeyPrefix?: string;
  /** Write shards per monthly time bucket (1..64, default 1); replay merges them back into global order. Fixed for a table's life. */
  bucketShards?: number;
  /** Backoff for transient driver errors and unprocessed keys. */
  retry?: Partial<RetryPolicy>;
  /** How many times an append without `expectedSequence` re-bases on a newer stream head before giving up (default 100). */
  maxConflictRetries?: number;
  /** Parallel blob reads when hydrating offloaded events (default 16). */
  hydrationConcurrency?: number;
  /** Streams whose last known head this process remembers, for one-request appends (default 10,000). */
  headCacheSize?: number;
  /** Items a replay query asks for (default: unset, so each request reads up to the driver's page byte limit). */
  replayFetchLimit?: number;
  /** Called after each driver call with its operation type and consumed capacity. What it throws is reported through `onWarning` (`WARN/CALLBACK_FAILED`) and never changes the call's outcome. */
  onCapacity?: (operation: OperationType, consumed: ConsumedCapacity) => void;
  /** Receives warnings (`{ code, message, cause }`, codes `WARN/*`). Default: the first warning of each code is logged once with `console.warn`. */
  onWarning?: (warning: StoreWarning) => void;
  /**
   * Replay (`getAllEvents`) calls this for an event it cannot read (a missing blob, a malformed item) and goes on
   * without it; `error.details` names the event id and its key. Absent (default): the replay fails with that error.
   */
  onUnreadable?: (error: EventStoreAdapterError) => void;
  /**
   * Longest one call may take, in ms (default 20,000; 1..3,600,000): retries, backoff and conflict re-bases
   * included, and the `init` its first call triggers (table creation, the layout record, a lazy driver's load).
   * Past it the call rejects with `STORE/DEADLINE_EXCEEDED` whatever the endpoint does (one that never answers
   * included), and its requests in flight are aborted. An explicit `init()` and `resetStore()` default to at least
   * 120,000 (`DEFAULT_INIT_DEADLINE_MS`: a table creation on AWS); `sweepOrphanBlobs` to at least an hour; each takes
   * `{ deadlineMs }` of its own.
   */
  deadlineMs?: number;
  /** Aborts every call of the store in flight and every later one (for shutdown): they fail with `STORE/ABORTED`. */
  signal?: AbortSignal;
  /** Milliseconds since the epoch (default `Date.now`): deadlines, blob-key timestamps and blob ages for the sweeper. */
  clock?: () => number;
  /**
   * Keep an exact change feed (`getLogPage`, `subscribe`; README "Change feed"): `true` (4 shards) or
   * `{ shards }`. Each append then also checks-and-bumps one position counter per log shard it touches, in its own
   * transaction, and its events enter the `log` index. Off by default; fixed at table creation: the table records
   * it, a store configured otherwise is refused at `init` (`STORE/LAYOUT_MISMATCH` or `DRIVER/SCHEMA_MISMATCH`).
   */
  changeFeed?: boolean | ChangeFeedSettings;
  /**
   * The order of `getAllEvents`: `'created'` (default: `created ASC, id ASC`, what the 3.x framework's `replay`
   * expects) or `'log'` (needs `changeFeed`: the V6 line's storage insertion order, each log shard in commit
   * order, shards merged by position; with one shard, the table's commit order).
   */
  replayOrder?: 'created' | 'log';
  /**
   * OpenTelemetry traces and metrics (docs/observability.md). Default: the global providers of `@opentelemetry/api`
   * when that optional peer is installed; `false`: none (the API is not even loaded); or
   * `{ tracerProvider?, meterProvider?, recordIdentifiers? }`.
   */
  telemetry?: false | TelemetryOptions;
  /**
   * Receives warnings (`warn`, as well as `onWarning`) and retries (`info`) and re-bases (`debug`): any object with
   * `debug`, `info`, `warn` and `error` (console, pino, winston). Default: none (warnings as without `onWarning`).
   */
  logger?: Logger;
  /**
   * Compress payload and meta (docs/codecs.md): `false` (default), `true` (brotli level 1 from 1,024 bytes), or
   * `{ algorithm, minBytes, level, maxDecompressedBytes }`. Applied before the size and offload decisions, so a
   * compressed event stays inline where its text would be offloaded. Items record their encoding: changing this on
   * an existing table is safe, every item reads whatever setting wrote it.
   */
  compression?: boolean | CompressionSettings;
  /**
   * Encrypt payload and meta, snapshot states and offloaded blobs with AES-256-GCM under a data key per stream
   * (docs/codecs.md): `{ keys: localKeyProvider(masterKey) | kmsKeyProvider(…) }`. Enables `eraseStream`.
   */
  encryption?: EncryptionSettings;
  /**
   * Applied to every event read, on every read path, after decoding (never on write, never to an erased event):
   * returns the event in its current shape. What it throws makes the event unreadable (`CODEC/UPCAST_FAILED`).
   */
  upcast?: Upcaster;
}

/**
 * Options after validation and defaults (`resolveOptions`): each field without a comment of its own is the option of
 * the same name with its default applied.
 */
export interface ResolvedOptions {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
  readonly tableName: string;
  readonly offloadThresholdBytes: number;
  readonly blobKeyPrefix: string;
  readonly bucketShards: number;
  readonly retry: RetryPolicy;
  readonly maxConflictRetries: number;
  readonly hydrationConcurrency: number;
  readonly headCacheSize: number;
  readonly replayFetchLimit: number | undefined;
  readonly onCapacity: ((operation: OperationType, consumed: ConsumedCapacity) => void) | undefined;
  readonly onWarning: ((warning: StoreWarning) => void) | undefined;
  readonly onUnreadable: ((error: EventStoreAdapterError) => void) | undefined;
  readonly deadlineMs: number;
  readonly signal: AbortSignal | undefined;
  readonly clock: () => number;
  /** The change feed's settings, or undefined when the feed is off. */
  readonly changeFeed: { readonly shards: number } | undefined;
  /** The order of `getAllEvents`. */
  readonly replayOrder: 'created' | 'log';
  /** Whether `retry.maxAttempts` was given explicitly (else it is divided by the backend client's own attempts). */
  readonly retryAttemptsConfigured: boolean;
  /** The `telemetry` option as given (undefined: the global providers, when the API is installed). */
  readonly telemetry: false | TelemetryOptions | undefined;
  /** The `logger` option. */
  readonly logger: Logger | undefined;
  /** The payload pipeline (compression, encryption and its keys). */
  readonly payload: PayloadPipeline;
  /** The `upcast` option. */
  readonly upcast: Upcaster | undefined;
}
