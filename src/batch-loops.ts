import { ErrorCodes, EventStoreAdapterError } from './errors.js';
import type { Item, ItemKey, KvCapabilities, KvDriver, WriteRequest } from './ports/kv-driver.js';
import { UNBOUNDED, type CallBudget } from './call-budget.js';
import { backoffDelay, realSleep, type RetryPolicy, type Sleep } from './retry.js';

/** Split `values` into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/** What {@link batchGetAll} needs of a driver: its batch-get and its key limit (a `KvDriver` is one; so is the ops tools' raw reader). */
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
  const sleep = options.sleep ?? realSleep;
  const budget = options.budget ?? UNBOUNDED;
  const found: Item[] = [];
  for (const keysChunk of chunk(keys, kv.capabilities.maxBatchGetKeys)) {
    let pending: ItemKey[] = keysChunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= policy.maxAttempts) throw unprocessedLeft('batch-get', pending, policy);
      if (round > 0) await budget.sleep(backoffDelay(policy, round - 1), sleep, 'batch-get');
      const request = pending;
      const result = await kv.batchGet(table, request, { consistent: options.consistent });
      found.push(...result.items);
      pending = result.unprocessedKeys;
    }
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
  const sleep = options.sleep ?? realSleep;
  const budget = options.budget ?? UNBOUNDED;
  for (const requestChunk of chunk(requests, kv.capabilities.maxBatchWriteItems)) {
    let pending: WriteRequest[] = requestChunk;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= policy.maxAttempts) throw unprocessedLeft('batch-write', pending, policy);
      if (round > 0) await budget.sleep(backoffDelay(policy, round - 1), sleep, 'batch-write');
      const request = pending;
      const result = await kv.batchWrite(table, request);
      pending = result.unprocessed;
    }
  }
}

function unprocessedLeft(what: string, unprocessed: readonly unknown[], policy: RetryPolicy): EventStoreAdapterError {
  return new EventStoreAdapterError(
    ErrorCodes.UNPROCESSED_LEFT,
    `${what}: ${unprocessed.length} request(s) still unprocessed after ${policy.maxAttempts} rounds`,
    { details: { unprocessed } },
  );
}
