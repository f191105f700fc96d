/**
 * The options' limits and defaults, and the resolution of the options whose default depends on others (the table
 * name, the retry policy, the change feed): validation (validate.ts) and resolution (resolve.ts) share them.
 */
import { DEFAULT_TABLE_BASE_NAME } from '../layout/table-layout.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../runtime/retry.js';
import type { ChangeFeedSettings } from './types.js';

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

/** The table name the options give: `tableName`, else `tableNamePrefix` + `schemeless-event-store`. */
export function resolveTableName(options: { tableName?: string; tableNamePrefix?: string }): string {
  return options.tableName ?? `${options.tableNamePrefix ?? ''}${DEFAULT_TABLE_BASE_NAME}`;
}

/** The retry policy: the given fields over {@link DEFAULT_RETRY_POLICY} (a field given as `undefined` keeps its default). */
export function resolveRetry(retry: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...stripUndefined(retry ?? {}) };
}

/** The change feed's settings, or undefined when the feed is off (`changeFeed` absent or `false`). */
export function resolveChangeFeed(setting: boolean | ChangeFeedSettings | undefined): { shards: number } | undefined {
  if (setting === undefined || setting === false) return undefined;
  return { shards: setting === true ? DEFAULT_CHANGE_FEED_SHARDS : (setting.shards ?? DEFAULT_CHANGE_FEED_SHARDS) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
