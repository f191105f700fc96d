/**
 * Batch reads and writes of any size: split into the driver's batch limits, each batch's unprocessed keys or
 * requests re-sent by the retry module's one round loop ({@link untilProcessed}).
 */
import type { CallBudget } from './call-budget.js';
import type { Item, ItemKey, KvCapabilities, KvDriver, WriteRequest } from '../ports/kv-driver.js';
import { untilProcessed, type RetryPolicy, type Sleep } from './retry.js';

/** Split `values` into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/** What {@link batchGetAll} needs of a driver: its batch-get and its key limit (a `KvDriver` is one). */
export interface BatchReader {
  readonly capabilities: Pick<KvCapabilities, 'maxBatchGetKeys'>;
  batchGet(
    table: string,
    keys: readonly ItemKey[],
    options?: { readonly consistent?: boolean },
  ): Promise<{ readonly items: Item[]; readonly unprocessedKeys: ItemKey[] }>;
}

/**
 * Read every key, in chunks of the driver's `maxBatchGetKeys`, re-requesting unprocessed keys with backoff until
 * none are left or `policy.maxAttempts` rounds have run. Whole-request failures are the driver's to retry (the
 * core passes its retrying decorator, see retrying-drivers.ts).
 * Returns the items found (missing keys are absent). Keys still unprocessed at the cap throw
 * `RETRY/UNPROCESSED_LEFT` with `details.unprocessed`: never dropped.
 */
export async function batchGetAll(
  kv: BatchReader,
  table: string,
  keys: readonly ItemKey[],
  policy: RetryPolicy,
  options: { consistent?: boolean; sleep?: Sleep; budget?: CallBudget } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (const keysChunk of chunk(keys, kv.capabilities.maxBatchGetKeys)) {
    await untilProcessed(policy, options, 'batch-get', keysChunk, async (pending) => {
      const result = await kv.batchGet(table, pending, { consistent: options.consistent });
      found.push(...result.items);
      return result.unprocessedKeys;
    });
  }
  return found;
}

/**
 * Apply every request, in chunks of the driver's `maxBatchWriteItems`, re-sending unprocessed requests with
 * backoff until none are left or `policy.maxAttempts` rounds have run; what is left throws `RETRY/UNPROCESSED_LEFT`.
 */
export async function batchWriteAll(
  kv: KvDriver,
  table: string,
  requests: readonly WriteRequest[],
  policy: RetryPolicy,
  options: { sleep?: Sleep; budget?: CallBudget } = {},
): Promise<void> {
  for (const requestChunk of chunk(requests, kv.capabilities.maxBatchWriteItems)) {
    await untilProcessed(
      policy,
      options,
      'batch-write',
      requestChunk,
      async (pending) => (await kv.batchWrite(table, pending)).unprocessed,
    );
  }
}
