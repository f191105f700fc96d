/**
 * `subscribe`: a named consumer of the change feed. It polls `getLogPage`, hands each page to `handler`, and keeps
 * its cursor in the table under its name (codecs/consumer.ts), advanced by compare-and-swap after the handler
 * succeeded. Guarantees (README "Change feed"):
 * - at least once: the cursor moves only after the handler resolved for the page; a throwing handler is retried
 *   with backoff (the same page, `WARN/HANDLER_FAILED`), never skipped; a crash re-delivers the last page;
 * - two instances of one consumer never both advance the cursor from the same point: the loser re-reads it and
 *   goes on from there (each may have delivered the page: at least once);
 * - a new name starts at the log's beginning; `resetConsumer` (consumer-reset.ts) moves a name to the beginning, the
 *   end or a given cursor;
 * - a table reset never wedges it: a stored cursor of an earlier generation of the table (its item went with the
 *   old table, or a cursor write landed after the reset) restarts the consumer at the beginning of the current log
 *   (`WARN/CONSUMER_RESTARTED`). Across a reset the consumer may have handled events that are gone with the old
 *   table, and it sees every event of the new one (a re-import included) from its beginning: at least once;
 * - it stops on `stop()` or `signal`: a page whose handler is running finishes (and is recorded), nothing new starts.
 */
import type { ExpectedStreamVersion, StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError, hasCode } from '../errors/index.js';
import { consumerKey, decodeConsumer, encodeConsumer, type ConsumerState } from '../layout/codecs/consumer.js';
import { readLogPage } from './change-feed.js';
import { isRetryable, persistentDelay } from '../runtime/retry.js';
import { resendableTransaction } from '../runtime/retrying-drivers.js';
import { forCall, type StoreContext, type StoreState } from '../runtime/store-context.js';
import { A } from '../layout/table-layout.js';
import type { SubscribeSettings } from './subscribe-arguments.js';
import { outsideCalls } from '../telemetry/call-scope.js';
import { WarningCodes } from '../runtime/warnings.js';

/** Options of `subscribe`. */
export interface SubscribeOptions<Payload = unknown> {
  /** The consumer's name (1..1,024 UTF-8 bytes): its cursor is stored under it; instances sharing a name share the cursor. */
  readonly name: string;
  /** Receives each page (1..pageSize stored events, each stream in sequence order). Throwing or rejecting retries the page. */
  readonly handler: (events: StoredEvent<Payload>[]) => unknown;
  /** Stops the subscription, like `stop()`. */
  readonly signal?: AbortSignal;
  /** Events per page (1..10,000, default 100). */
  readonly pageSize?: number;
  /** Wait between polls once caught up (or while the next position is still on its way to the index), in ms (default 1,000). */
  readonly pollIntervalMs?: number;
}

/** How far a consumer is behind, as of its last poll. */
export interface SubscriptionLag {
  /** Events committed and not yet handled (the page in the handler included). */
  readonly events: number;
  /** Seconds since the consumer was last caught up (0 when it is), by the store's clock. */
  readonly seconds: number;
}

/** A running subscription. */
export interface Subscription {
  /** Stop polling; resolves once the loop has ended (a running handler finishes first, and its page is recorded). Idempotent. */
  stop(): Promise<void>;
  /** How far behind the consumer is, as of its last poll (0 and 0 before the first one). */
  lag(): SubscriptionLag;
  /**
   * Settles when the loop ends: resolves on `stop()` / `signal`, rejects with the error that ended it (a cursor of
   * another table, a closed store).
   */
  readonly done: Promise<void>;
}

/**
 * Runs one poll of the loop (read a page, hand it to the handler, record the cursor) and resolves to what it
 * resolves to; `events`: how many events the page delivered. The store's telemetry makes each a span.
 */
export type PollRunner = <T extends { events: number }>(poll: () => Promise<T>) => Promise<T>;

/**
 * Failures a subscription waits out (backoff, then again): transient driver errors, exhausted retries, a deadline,
 * and a missing table (a `resetStore` elsewhere drops the table and re-creates it: the consumer goes on once it is
 * back, at the new log's beginning; `stop()` ends the wait).
 */
function retryableFailure(error: unknown): boolean {
  return (
    isRetryable(error) ||
    hasCode(error, ErrorCodes.RETRIES_EXHAUSTED) ||
    hasCode(error, ErrorCodes.UNPROCESSED_LEFT) ||
    hasCode(error, ErrorCodes.DEADLINE_EXCEEDED) ||
    hasCode(error, ErrorCodes.RESOURCE_NOT_FOUND)
  );
}

/** Total of a cursor's shard positions (0 for none). */
function delivered(cursor: readonly ExpectedStreamVersion[] | undefined): number {
  return (cursor ?? []).slice(1).reduce((sum, entry) => sum + entry.expectedVersion, 0);
}

/** Read the consumer's stored state (strongly consistent). */
export async function readConsumer(ctx: StoreContext, name: string): Promise<ConsumerState> {
  const { item } = await ctx.kv.get(ctx.options.tableName, consumerKey(name), { consistent: true });
  return decodeConsumer(name, item);
}

/**
 * Start the loop of a subscription with validated `settings` (subscribe-arguments.ts `checkSubscribeOptions`) whose stored state is
 * `initial` (read by the caller, so a bad start throws there).
 */
export function startSubscription(
  base: StoreState,
  options: SubscribeOptions,
  settings: SubscribeSettings,
  initial: ConsumerState,
  runPoll: PollRunner = (poll) => poll(),
): Subscription {
  const { pageSize, pollIntervalMs } = settings;
  const stopper = new AbortController();
  const onAbort = () => stopper.abort(options.signal?.reason);
  if (options.signal?.aborted) stopper.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const stopped = () => stopper.signal.aborted;
  let state = initial;
  let lag: SubscriptionLag = { events: 0, seconds: 0 };
  let behindSince: number | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped()) return resolve();
      // Even a zero wait yields a macrotask turn: a caught-up consumer must never spin the event loop.
      const timer = ms <= 0 ? setImmediate(done) : setTimeout(done, ms);
      function done() {
        if (ms <= 0) clearImmediate(timer as NodeJS.Immediate);
        else clearTimeout(timer as NodeJS.Timeout);
        stopper.signal.removeEventListener('abort', done);
        resolve();
      }
      stopper.signal.addEventListener('abort', done, { once: true });
    });

  const observe = (behind: number, inFlight: number) => {
    const events = behind + inFlight;
    const now = base.clock();
    if (events === 0) behindSince = undefined;
    else behindSince ??= now;
    lag = { events, seconds: behindSince === undefined ? 0 : Math.max(0, (now - behindSince) / 1000) };
  };

  /** Hand the page to the handler until it succeeds; false when stopped first. */
  const deliver = async (events: StoredEvent[]): Promise<boolean> => {
    for (let failures = 0; ; failures++) {
      try {
        // The handler's own store calls are calls of their own, not part of this poll's figures.
        await outsideCalls(() => options.handler(events));
        return true;
      } catch (error) {
        base.warn({
          code: WarningCodes.HANDLER_FAILED,
          message: `subscribe(${options.name}): the handler threw on a page of ${events.length} events (attempt ${failures + 1}); retrying it, the cursor stays`,
          cause: error,
        });
        await pause(persistentDelay(base, failures));
        if (stopped()) return false;
      }
    }
  };

  /** Record `cursor` by compare-and-swap on the stored version; on a lost race, go on from what the winner stored. */
  const advanceOnce = async (cursor: ExpectedStreamVersion[]): Promise<void> => {
    const ctx = forCall(base);
    const item = encodeConsumer(options.name, cursor, state.version + 1, base.clock());
    const condition =
      state.version === 0 ? ({ kind: 'notExists' } as const) : ({ kind: 'equals', attribute: A.version, value: state.version } as const);
    const result = await resendableTransaction(ctx, `subscribe(${options.name}) cursor`, () =>
      ctx.kv.transactWrite(ctx.options.tableName, [{ type: 'put', item, condition }]),
    );
    if (result.committed) {
      state = { cursor, version: state.version + 1 };
      return;
    }
    if (!result.reasons.some((reason) => reason.kind === 'conditionFailed')) {
      // Cancelled by a conflicting transaction or throttled: nothing was decided, write it again.
      throw new EventStoreAdapterError(ErrorCodes.TRANSACTION_CONFLICT, `subscribe(${options.name}): the cursor write was cancelled`, {
        details: { reasons: result.reasons },
      });
    }
    // The version moved: another instance advanced it, or our own earlier attempt did (a lost response). The stored state is the truth.
    state = await readConsumer(ctx, options.name);
  };

  /**
   * Record `cursor`, retrying transient failures with backoff (the handled page is not re-delivered because a
   * write failed for a moment). Stopped before it could: the page is delivered again on the next start.
   */
  const advance = async (cursor: ExpectedStreamVersion[]): Promise<void> => {
    for (let failures = 0; ; failures++) {
      try {
        return await advanceOnce(cursor);
      } catch (error) {
        if (!retryableFailure(error)) throw error;
        base.warn({
          code: WarningCodes.FEED_RETRY,
          message: `subscribe(${options.name}): recording the cursor failed (attempt ${failures + 1}); retrying with backoff`,
          cause: error,
        });
        await pause(Math.max(pollIntervalMs, persistentDelay(base, failures)));
        if (stopped()) return;
      }
    }
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopped()) {
      try {
        const polled = await runPoll(async () => {
          const read = await readLogPage(forCall(base, { signal: stopper.signal }), state.cursor, pageSize);
          observe(read.behind, read.events.length);
          // Positions only grow: the cursor moved when their sum did (unreadable events reported to `onUnreadable` move it too).
          const moved = delivered(read.cursor) > delivered(state.cursor);
          if (read.events.length > 0 && !(await deliver(read.events))) return { events: read.events.length, stopped: true, read };
          if (moved) await advance(read.cursor);
          return { events: read.events.length, stopped: false, read };
        });
        if (polled.stopped) return;
        const { read } = polled;
        observe(read.behind, 0);
        failures = 0;
        if (read.behind === 0 || read.events.length === 0) await pause(pollIntervalMs);
      } catch (error) {
        if (stopped() && hasCode(error, ErrorCodes.ABORTED)) return;
        if (hasCode(error, ErrorCodes.STALE_CURSOR) && error.details.reason === 'table-reset') {
          // The table was reset (elsewhere): its consumer items went with it. Go on from what is stored now.
          const reread = await readConsumer(forCall(base), options.name);
          if (JSON.stringify(reread.cursor) !== JSON.stringify(state.cursor)) {
            state = reread;
            continue;
          }
          // The stored cursor itself is of the old table: a cursor write that landed after the reset (one read before
          // it). No event of the new log was delivered under it, so its beginning is the right place to restart. The
          // stored version is kept: the next cursor write replaces the stale cursor by compare-and-swap.
          base.warn({
            code: WarningCodes.CONSUMER_RESTARTED,
            message:
              `subscribe(${options.name}): the stored cursor is from before table ${base.options.tableName} was reset; ` +
              'restarting at the beginning of its current log',
            cause: error,
          });
          state = { cursor: undefined, version: reread.version };
          continue;
        }
        if (!retryableFailure(error)) throw error;
        base.warn({
          code: WarningCodes.FEED_RETRY,
          message: `subscribe(${options.name}): a poll failed (attempt ${failures + 1}); retrying with backoff`,
          cause: error,
        });
        await pause(Math.max(pollIntervalMs, persistentDelay(base, failures++)));
      }
    }
  };

  const done = loop().finally(() => options.signal?.removeEventListener('abort', onAbort));
  done.catch(() => undefined); // observed through `done`; never an unhandled rejection
  return {
    async stop() {
      stopper.abort(new EventStoreAdapterError(ErrorCodes.ABORTED, `subscribe(${options.name}) stopped`));
      await done.catch(() => undefined);
    },
    lag: () => lag,
    done,
  };
}
