import { z } from 'zod';
import { DEFAULT_DEADLINE_MS, MAX_DEADLINE_MS } from './call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from './errors.js';
import { DEFAULT_OFFLOAD_THRESHOLD_BYTES } from './limits.js';
import type { BlobDriver } from './ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from './ports/kv-driver.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { DEFAULT_TABLE_BASE_NAME } from './table-layout.js';
import type { StoreWarning } from './warnings.js';

export { DEFAULT_TABLE_BASE_NAME };

/** Most write shards per time bucket: each shard costs one query per bucket on replay. */
export const MAX_BUCKET_SHARDS = 64;

/**
 * Most change-feed shards. A log cursor holds one entry per shard plus one naming the table's generation, and
 * the contract bounds a cursor at 64 entries.
 */
export const MAX_CHANGE_FEED_SHARDS = 63;
/**
 * Change-feed shards of `changeFeed: true`. Each shard's position counter is one item that every append to its
 * streams checks-and-bumps, so a shard sustains about as many appends per second as one item's serialised
 * transactions (on the order of 100/s on AWS); more shards, more parallel writers, a longer cursor and an idle
 * poll of one more read unit.
 */
export const DEFAULT_CHANGE_FEED_SHARDS = 4;

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
}

/** Options after validation and defaults. */
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
}

const isKvDriver = (value: unknown): value is KvDriver =>
  typeof value === 'object' && value !== null && 'capabilities' in value && typeof (value as KvDriver).transactWrite === 'function';
const isBlobDriver = (value: unknown): value is BlobDriver =>
  typeof value === 'object' && value !== null && 'capabilities' in value && typeof (value as BlobDriver).put === 'function';

const positiveInt = z.number().int().positive();

const optionsSchema = z
  .object({
    kv: z.custom<KvDriver>(isKvDriver, 'must be a KvDriver (capabilities + transactWrite…)'),
    blobs: z.custom<BlobDriver>(isBlobDriver, 'must be a BlobDriver (capabilities + put…)').optional(),
    tableNamePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]*$/, 'only A-Z a-z 0-9 _ . - are allowed')
      .optional(),
    tableName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, '3 to 255 characters of A-Z a-z 0-9 _ . -')
      .optional(),
    offloadThresholdBytes: positiveInt.min(1024, 'must be at least 1024 bytes').optional(),
    blobKeyPrefix: z.string().max(200, 'at most 200 characters (S3 keys are at most 1,024 bytes)').optional(),
    bucketShards: positiveInt.max(MAX_BUCKET_SHARDS).optional(),
    retry: z
      .object({
        maxAttempts: positiveInt.max(100).optional(),
        baseDelayMs: z.number().nonnegative().optional(),
        maxDelayMs: z.number().nonnegative().optional(),
      })
      .strict()
      .optional(),
    maxConflictRetries: z.number().int().nonnegative().max(10_000).optional(),
    hydrationConcurrency: positiveInt.max(1_000).optional(),
    headCacheSize: z.number().int().nonnegative().optional(),
    replayFetchLimit: positiveInt.optional(),
    onCapacity: z
      .custom<(operation: OperationType, consumed: ConsumedCapacity) => void>((v) => typeof v === 'function', 'must be a function')
      .optional(),
    onWarning: z.custom<(warning: StoreWarning) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    onUnreadable: z.custom<(error: EventStoreAdapterError) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    deadlineMs: positiveInt.max(MAX_DEADLINE_MS).optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
    clock: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
    replayOrder: z.enum(['created', 'log']).optional(),
    changeFeed: z.union([z.boolean(), z.object({ shards: positiveInt.max(MAX_CHANGE_FEED_SHARDS).optional() }).strict()]).optional(),
  })
  .strict();

/**
 * Validate options and apply defaults. Throws `INPUT/INVALID_OPTIONS` naming every offending field and rule in
 * the message and in `details.issues` (`{ path, message }[]`).
 */
export function resolveOptions(input: EventStoreOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) throw invalidOptions(parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  const options = parsed.data;
  const kv = options.kv;
  const maxItemBytes = kv.capabilities.maxItemBytes;
  const offloadThresholdBytes = options.offloadThresholdBytes ?? Math.min(DEFAULT_OFFLOAD_THRESHOLD_BYTES, maxItemBytes);
  if (offloadThresholdBytes > maxItemBytes) {
    throw invalidOptions([
      { path: 'offloadThresholdBytes', message: `must not exceed the driver's max item size (${maxItemBytes} bytes)` },
    ]);
  }
  const tableName = options.tableName ?? `${options.tableNamePrefix ?? ''}${DEFAULT_TABLE_BASE_NAME}`;
  if (tableName.length > 255) throw invalidOptions([{ path: 'tableNamePrefix', message: 'the table name would exceed 255 characters' }]);
  if (options.replayOrder === 'log' && resolveChangeFeed(options.changeFeed) === undefined) {
    throw invalidOptions([{ path: 'replayOrder', message: "'log' needs the change feed (changeFeed: true)" }]);
  }
  const retry = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
  if (retry.maxDelayMs < retry.baseDelayMs) throw invalidOptions([{ path: 'retry.maxDelayMs', message: 'must be >= retry.baseDelayMs' }]);
  return {
    kv,
    blobs: options.blobs,
    tableName,
    offloadThresholdBytes,
    blobKeyPrefix: options.blobKeyPrefix ?? 'events/',
    bucketShards: options.bucketShards ?? 1,
    retry,
    maxConflictRetries: options.maxConflictRetries ?? 100,
    hydrationConcurrency: options.hydrationConcurrency ?? 16,
    headCacheSize: options.headCacheSize ?? 10_000,
    replayFetchLimit: options.replayFetchLimit,
    onCapacity: options.onCapacity,
    onWarning: options.onWarning,
    onUnreadable: options.onUnreadable,
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    signal: options.signal,
    clock: options.clock ?? Date.now,
    changeFeed: resolveChangeFeed(options.changeFeed),
    replayOrder: options.replayOrder ?? 'created',
    retryAttemptsConfigured: options.retry?.maxAttempts !== undefined,
  };
}

function resolveChangeFeed(setting: boolean | ChangeFeedSettings | undefined): { shards: number } | undefined {
  if (setting === undefined || setting === false) return undefined;
  return { shards: setting === true ? DEFAULT_CHANGE_FEED_SHARDS : (setting.shards ?? DEFAULT_CHANGE_FEED_SHARDS) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function invalidOptions(issues: { path: string; message: string }[]): EventStoreAdapterError {
  const summary = issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ');
  return new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Invalid options: ${summary}`, { details: { issues } });
}
