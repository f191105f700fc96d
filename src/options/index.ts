import { z } from 'zod';
import { DEFAULT_DEADLINE_MS, MAX_DEADLINE_MS } from '../runtime/call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { DEFAULT_OFFLOAD_THRESHOLD_BYTES } from '../layout/limits.js';
import { didYouMean } from './did-you-mean.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from '../ports/kv-driver.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../runtime/retry.js';
import { DEFAULT_TABLE_BASE_NAME } from '../layout/table-layout.js';
import { isLogger, type Logger, type TelemetryOptions } from '../telemetry/options.js';
import type { StoreWarning } from '../runtime/warnings.js';
import type { CompressionSettings } from '../payload/compression.js';
import type { PayloadPipeline } from '../payload/pipeline.js';
import { payloadOptionSchemas, resolvePipeline, type EncryptionSettings } from '../payload/settings.js';
import type { Upcaster } from '../payload/upcast.js';

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
  /** The `telemetry` option as given (undefined: the global providers, when the API is installed). */
  readonly telemetry: false | TelemetryOptions | undefined;
  /** The `logger` option. */
  readonly logger: Logger | undefined;
  /** The payload pipeline (compression, encryption and its keys). */
  readonly payload: PayloadPipeline;
  /** The `upcast` option. */
  readonly upcast: Upcaster | undefined;
}

const isKvDriver = (value: unknown): value is KvDriver =>
  typeof value === 'object' && value !== null && 'capabilities' in value && typeof (value as KvDriver).transactWrite === 'function';
const isBlobDriver = (value: unknown): value is BlobDriver =>
  typeof value === 'object' && value !== null && 'capabilities' in value && typeof (value as BlobDriver).put === 'function';

const positiveInt = z.number().int().positive();
const hasMethod = (name: string) => (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';

const optionsSchema = z.object({
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
  // Checked by `changeFeedIssue`, whose message says what is expected (a union's own is "Invalid input").
  changeFeed: z.unknown().optional(),
  telemetry: z
    .union([
      z.literal(false),
      z
        .object({
          tracerProvider: z.custom<TelemetryOptions['tracerProvider']>(hasMethod('getTracer'), 'must be a TracerProvider').optional(),
          meterProvider: z.custom<TelemetryOptions['meterProvider']>(hasMethod('getMeter'), 'must be a MeterProvider').optional(),
          recordIdentifiers: z.boolean().optional(),
        })
        .strict(),
    ])
    .optional(),
  logger: z.custom<Logger>(isLogger, 'must have debug, info, warn and error methods').optional(),
  ...payloadOptionSchemas,
});

/** The options `EventStoreOptions` accepts, for unknown-key checks and their suggestions. */
export const CORE_OPTION_NAMES: readonly string[] = Object.keys(optionsSchema.shape);
const RETRY_OPTION_NAMES = ['maxAttempts', 'baseDelayMs', 'maxDelayMs'] as const;

/** One problem with the options: the option's path (`retry.maxDelayMs`, `''` for the options as a whole) and what is wrong. */
export interface OptionIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Every problem of `input` as core options, all at once (an empty list: valid): each option's own rule (with the
 * value received), unknown options named with the closest known name (`tableNmae: unknown option (did you mean
 * tableName?)`, suggestions also drawn from `alsoKnown`: the drop-in form's own names), and the rules between
 * options (the offload threshold under the driver's item limit, `replayOrder: 'log'` with the change feed, the
 * retry delays, the table name's length).
 */
export function optionIssues(input: unknown, alsoKnown: readonly string[] = []): OptionIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path: '', message: `must be an options object, got ${describeValue(input)}` }];
  }
  const record = input as Record<string, unknown>;
  const issues: OptionIssue[] = [];
  for (const key of Object.keys(record)) {
    if (!CORE_OPTION_NAMES.includes(key) && record[key] !== undefined)
      issues.push({ path: key, message: `unknown option${didYouMean(key, [...CORE_OPTION_NAMES, ...alsoKnown])}` });
  }
  const parsed = optionsSchema.safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      const value = valueAt(record, issue.path);
      // An AWS client where a driver goes: say where clients go instead.
      const client = (path === 'kv' || path === 'blobs') && awsServiceOf(value) !== undefined;
      const hint = client ? ': AWS clients are passed as new EventStoreRepo(dynamodbClient, s3Client, options)' : '';
      issues.push({ path, message: `${withReceived(issue.message, value)}${hint}` });
    }
  }
  const retry = record.retry;
  if (typeof retry === 'object' && retry !== null) {
    for (const key of Object.keys(retry)) {
      if (!(RETRY_OPTION_NAMES as readonly string[]).includes(key))
        issues.push({ path: `retry.${key}`, message: `unknown option${didYouMean(key, RETRY_OPTION_NAMES)}` });
    }
  }
  const feed = changeFeedIssue(record.changeFeed);
  if (feed) issues.push(feed);
  if (!parsed.success || feed) return issues;
  return [...issues, ...crossFieldIssues(parsed.data as EventStoreOptions & { kv: KvDriver })];
}

/** The rules between options (each option valid on its own). */
function crossFieldIssues(options: EventStoreOptions & { kv: KvDriver }): OptionIssue[] {
  const issues: OptionIssue[] = [];
  const maxItemBytes = options.kv.capabilities.maxItemBytes;
  if (options.offloadThresholdBytes !== undefined && options.offloadThresholdBytes > maxItemBytes)
    issues.push({
      path: 'offloadThresholdBytes',
      message: `must not exceed the driver's max item size (${maxItemBytes} bytes), got ${options.offloadThresholdBytes}`,
    });
  const tableName = options.tableName ?? `${options.tableNamePrefix ?? ''}${DEFAULT_TABLE_BASE_NAME}`;
  if (tableName.length > 255) issues.push({ path: 'tableNamePrefix', message: 'the table name would exceed 255 characters' });
  if (options.replayOrder === 'log' && resolveChangeFeed(options.changeFeed) === undefined)
    issues.push({ path: 'replayOrder', message: "'log' needs the change feed (changeFeed: true)" });
  const retry = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
  if (retry.maxDelayMs < retry.baseDelayMs) issues.push({ path: 'retry.maxDelayMs', message: 'must be >= retry.baseDelayMs' });
  return issues;
}

/** What is wrong with a `changeFeed` value, if anything: it must be a boolean or `{ shards?: 1..63 }`. */
function changeFeedIssue(value: unknown): OptionIssue | undefined {
  const expected = `expected true, false or { shards: 1..${MAX_CHANGE_FEED_SHARDS} } (true: ${DEFAULT_CHANGE_FEED_SHARDS} shards)`;
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return {
      path: 'changeFeed',
      message: `${expected}, got ${value}${Number.isInteger(value) ? ` (for ${value} shards: { shards: ${value} })` : ''}`,
    };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { path: 'changeFeed', message: `${expected}, got ${describeValue(value)}` };
  const unknown = Object.keys(value).filter((key) => key !== 'shards');
  if (unknown.length > 0)
    return { path: `changeFeed.${unknown[0]}`, message: `unknown option${didYouMean(unknown[0]!, ['shards'])}; ${expected}` };
  const shards = (value as { shards?: unknown }).shards;
  if (shards !== undefined && !(Number.isInteger(shards) && (shards as number) >= 1 && (shards as number) <= MAX_CHANGE_FEED_SHARDS))
    return { path: 'changeFeed.shards', message: `must be an integer from 1 to ${MAX_CHANGE_FEED_SHARDS}, got ${describeValue(shards)}` };
  return undefined;
}

/**
 * Validate options and apply defaults. Throws `INPUT/INVALID_OPTIONS` naming every problem at once (see
 * {@link optionIssues}) in the message and in `details.issues` (`{ path, message }[]`).
 */
export function resolveOptions(input: EventStoreOptions): ResolvedOptions {
  const issues = optionIssues(input);
  if (issues.length > 0) throw invalidOptions(issues);
  const options = input as EventStoreOptions & { kv: KvDriver };
  const kv = options.kv;
  const maxItemBytes = kv.capabilities.maxItemBytes;
  const offloadThresholdBytes = options.offloadThresholdBytes ?? Math.min(DEFAULT_OFFLOAD_THRESHOLD_BYTES, maxItemBytes);
  const tableName = options.tableName ?? `${options.tableNamePrefix ?? ''}${DEFAULT_TABLE_BASE_NAME}`;
  const retry = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options.retry ?? {}) };
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
    telemetry: options.telemetry,
    logger: options.logger,
    payload: resolvePipeline(options.compression, options.encryption),
    upcast: options.upcast,
  };
}

/** The value at `path` in `record` (for messages). */
function valueAt(record: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = record;
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** A rule's message with the value received, unless the message says it already. */
function withReceived(message: string, value: unknown): string {
  return /received|got /i.test(message) ? message : `${message}, got ${describeValue(value)}`;
}

/**
 * A short description of a value for messages: numbers and short strings as they are, an AWS SDK client by its
 * service (`a DynamoDB client`), others by kind.
 */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  const service = awsServiceOf(value);
  if (service !== undefined) return `${/^([AEIOU]|S3)/.test(service) ? 'an' : 'a'} ${service} client`;
  return 'an object';
}

/** The AWS service of an AWS SDK v3 client (`DynamoDB`, `S3`, …: its `config.serviceId`), or undefined for anything else. */
export function awsServiceOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { send?: unknown }).send !== 'function') return undefined;
  const serviceId = (value as { config?: { serviceId?: unknown } }).config?.serviceId;
  return typeof serviceId === 'string' ? serviceId : 'AWS SDK';
}

function resolveChangeFeed(setting: boolean | ChangeFeedSettings | undefined): { shards: number } | undefined {
  if (setting === undefined || setting === false) return undefined;
  return { shards: setting === true ? DEFAULT_CHANGE_FEED_SHARDS : (setting.shards ?? DEFAULT_CHANGE_FEED_SHARDS) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `INPUT/INVALID_OPTIONS` listing `issues` (each as `path: message`) in its message and in `details.issues`. */
export function invalidOptions(issues: readonly OptionIssue[]): EventStoreAdapterError {
  const summary = issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ');
  return new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Invalid options: ${summary}`, { details: { issues } });
}
