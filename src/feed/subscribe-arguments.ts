/**
 * The checks of `subscribe`'s and `resetConsumer`'s arguments (subscription.ts runs the consumer): a consumer name,
 * and `subscribe`'s options with their defaults applied.
 */
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { DEFAULT_LOG_PAGE_SIZE } from './change-feed.js';
import { utf8Length } from '../layout/item-size.js';
import { consumerPk } from '../layout/table-layout.js';
import { fitsPartitionKey, hasLoneSurrogate } from '../layout/keys.js';
import { DYNAMODB_MAX_PARTITION_KEY_BYTES } from '../layout/limits.js';
import { checkPageSize } from '../read/read-arguments.js';
import type { SubscribeOptions } from './subscription.js';

/** Default `pollIntervalMs`: how long a caught-up consumer waits before polling again. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Longest consumer name, in UTF-8 bytes (its key must stay far below DynamoDB's 2,048-byte partition key limit). */
export const MAX_CONSUMER_NAME_BYTES = 1_024;

/** `subscribe`'s settings after validation and defaults. */
export interface SubscribeSettings {
  readonly pageSize: number;
  readonly pollIntervalMs: number;
}

/**
 * Check a consumer name given to `call`: a non-empty string of at most {@link MAX_CONSUMER_NAME_BYTES} UTF-8 bytes,
 * without lone surrogates, whose item key fits DynamoDB's partition key once encoded (`|` and `%` take 3 bytes
 * there, see keys.ts). `INPUT/INVALID_ARGUMENT` naming the field `name` otherwise.
 */
export function checkConsumerName(call: string, name: unknown): asserts name is string {
  const fail = (rule: string) =>
    new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, `${call}: name ${rule}`, { details: { field: 'name', rule } });
  if (typeof name !== 'string' || name.length === 0 || utf8Length(name) > MAX_CONSUMER_NAME_BYTES || hasLoneSurrogate(name)) {
    throw fail(`must be a non-empty string of at most ${MAX_CONSUMER_NAME_BYTES} UTF-8 bytes, without lone surrogates`);
  }
  if (!fitsPartitionKey(consumerPk(name))) {
    throw fail(`must fit DynamoDB's ${DYNAMODB_MAX_PARTITION_KEY_BYTES}-byte partition key once encoded ('|' and '%' count 3 bytes each)`);
  }
}

/**
 * Validate `subscribe` options and apply the defaults: `INPUT/INVALID_PAGE_SIZE` for a bad `pageSize` (as every page
 * size), `INPUT/INVALID_ARGUMENT` naming any other bad field.
 */
export function checkSubscribeOptions(options: SubscribeOptions): SubscribeSettings {
  const fail = (field: string, rule: string) =>
    new EventStoreAdapterError(ErrorCodes.INVALID_ARGUMENT, `subscribe: ${field} ${rule}`, { details: { field } });
  if (typeof options !== 'object' || options === null) throw fail('options', 'must be an object');
  checkConsumerName('subscribe', options.name);
  if (typeof options.handler !== 'function') throw fail('handler', 'must be a function');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw fail('signal', 'must be an AbortSignal');
  const pageSize = options.pageSize ?? DEFAULT_LOG_PAGE_SIZE;
  checkPageSize('subscribe', pageSize);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 0 || pollIntervalMs > 3_600_000)
    throw fail('pollIntervalMs', 'must be a number of ms from 0 to 3,600,000');
  return { pageSize, pollIntervalMs };
}
