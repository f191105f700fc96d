/**
 * The options' validation: each option's own rule (a zod schema), unknown names with a suggestion, and the rules
 * between options. Every problem is reported at once, as `INPUT/INVALID_OPTIONS` ({@link invalidOptions}).
 */
import { z } from 'zod';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { payloadOptionSchemas } from '../payload/settings.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import type { ConsumedCapacity, KvDriver } from '../ports/kv-driver.js';
import { MAX_DEADLINE_MS } from '../runtime/call-budget.js';
import type { StoreWarning } from '../runtime/warnings.js';
import { isLogger, type Logger, type TelemetryOptions } from '../telemetry/options.js';
import {
  DEFAULT_CHANGE_FEED_SHARDS,
  MAX_BUCKET_SHARDS,
  MAX_CHANGE_FEED_SHARDS,
  resolveChangeFeed,
  resolveRetry,
  resolveTableName,
} from './defaults.js';
import { awsServiceOf, describeValue, valueAt, withReceived } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import type { EventStoreOptions, OperationType } from './types.js';

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
  const tableName = resolveTableName(options);
  if (tableName.length > 255) issues.push({ path: 'tableNamePrefix', message: 'the table name would exceed 255 characters' });
  if (options.replayOrder === 'log' && resolveChangeFeed(options.changeFeed) === undefined)
    issues.push({ path: 'replayOrder', message: "'log' needs the change feed (changeFeed: true)" });
  const retry = resolveRetry(options.retry);
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

/** `INPUT/INVALID_OPTIONS` listing `issues` (each as `path: message`) in its message and in `details.issues`. */
export function invalidOptions(issues: readonly OptionIssue[]): EventStoreAdapterError {
  const summary = issues.map((issue) => `${issue.path || '(options)'}: ${issue.message}`).join('; ');
  return new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Invalid options: ${summary}`, { details: { issues } });
}
