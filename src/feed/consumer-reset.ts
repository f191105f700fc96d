/**
 * `resetConsumer`: put a named `subscribe` consumer at a chosen point of the change feed (README "Change feed",
 * "Restarting a consumer"): the log's beginning, its current end, or a cursor `getLogPage` returned. The cursor
 * item is written by compare-and-swap on its version, like a consumer's own cursor writes, so:
 * - a subscription started afterwards (any process) starts at that point;
 * - a running instance of the consumer takes it up at its next cursor write (its compare-and-swap fails on the
 *   bumped version; it re-reads the stored cursor and goes on from there): the page it was handling may be
 *   delivered again (at least once). Stop the running instances first for a clean cut.
 */
import type { ExpectedStreamVersion } from '../compat/contract-types.js';
import { consumerStartCursor, type ConsumerStart } from './change-feed.js';
import { encodeConsumer } from '../layout/codecs/consumer.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import type { Condition } from '../ports/kv-driver.js';
import { backOff } from '../runtime/retry.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import type { StoreContext } from '../runtime/store-context.js';
import { readConsumer } from './subscription.js';
import { A } from '../layout/table-layout.js';

/** Most compare-and-swap rounds lost to running instances before giving up (each round re-reads the version). */
export const MAX_CONSUMER_RESET_ROUNDS = 20;

/**
 * Check `from` of `resetConsumer`: `'start'`, `'end'` or an array (its entries are checked against the log later).
 * `INPUT/INVALID_ARGUMENT` naming `from` otherwise.
 */
export function checkConsumerStart(from: unknown): asserts from is ConsumerStart {
  if (from === 'start' || from === 'end' || Array.isArray(from)) return;
  const got = JSON.stringify(from) ?? String(from);
  throw new EventStoreAdapterError(
    ErrorCodes.INVALID_ARGUMENT,
    `resetConsumer: from must be 'start', 'end' or a cursor getLogPage returned, got ${got}`,
    {
      details: { field: 'from', rule: "'start', 'end' or a cursor" },
    },
  );
}

/**
 * Store `from` as consumer `name`'s cursor (name and `from` checked by the caller) and return the stored cursor.
 * @throws `INPUT/INVALID_CURSOR`, `STORE/STALE_CURSOR` for a given cursor that is not one of this table's current log.
 * @throws `RETRY/EXHAUSTED` when running instances won {@link MAX_CONSUMER_RESET_ROUNDS} rounds in a row.
 */
export async function resetConsumer(ctx: StoreContext, name: string, from: ConsumerStart): Promise<ExpectedStreamVersion[]> {
  const cursor = await consumerStartCursor(ctx, from);
  for (let round = 0; round < MAX_CONSUMER_RESET_ROUNDS; round++) {
    const state = await readConsumer(ctx, name);
    const item = encodeConsumer(name, cursor, state.version + 1, ctx.clock());
    const condition: Condition =
      state.version === 0 ? { kind: 'notExists' } : { kind: 'equals', attribute: A.version, value: state.version };
    const write = () => ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item, condition }]);
    const result = await resendableTransaction(ctx, `resetConsumer(${name})`, write);
    if (result.committed) return cursor;
    // A running instance advanced the version (or the write was cancelled): read it again and write over it.
    await backOff(ctx, round, `resetConsumer(${name})`);
  }
  const message = `resetConsumer(${name}): running instances of the consumer advanced its cursor ${MAX_CONSUMER_RESET_ROUNDS} times in a row`;
  throw new EventStoreAdapterError(ErrorCodes.RETRIES_EXHAUSTED, `${message}; stop them and try again`, {
    details: { name, rounds: MAX_CONSUMER_RESET_ROUNDS },
  });
}
