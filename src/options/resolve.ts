/** The options' resolution: validate them (validate.ts), then apply the defaults. */
import { DEFAULT_OFFLOAD_THRESHOLD_BYTES } from '../layout/limits.js';
import { resolvePipeline } from '../payload/settings.js';
import type { KvDriver } from '../ports/kv-driver.js';
import { DEFAULT_DEADLINE_MS } from '../runtime/call-budget.js';
import { resolveChangeFeed, resolveRetry, resolveTableName } from './defaults.js';
import type { EventStoreOptions, ResolvedOptions } from './types.js';
import { invalidOptions, optionIssues } from './validate.js';

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
  const tableName = resolveTableName(options);
  const retry = resolveRetry(options.retry);
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
