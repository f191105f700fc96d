/**
 * What the method shapes (the 3.x and V6 methods, the change feed's: compat/*) need of the store, and nothing else:
 * each public method checks its arguments, opens a call, waits for the store to be ready, and runs one use-case
 * function of the core. The store's lifecycle (init, reset, close) is its own (runtime/lifecycle.ts).
 */
import type { CallBudget, CallOptions } from '../runtime/call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { monotonicIds } from '../write/ids.js';
import type { ResolvedOptions } from '../options/types.js';
import type { StoreLifecycle } from '../runtime/lifecycle.js';
import { forCall, type StoreContext, type StoreState } from '../runtime/store-context.js';
import type { PollRunner, Subscription } from '../feed/subscription.js';
import type { StoreInstrumentation } from '../telemetry/instrument.js';

/** The store as the method shapes see it. */
export interface StoreAccess {
  /** The validated options in force. */
  readonly options: ResolvedOptions;
  /** The store's long-lived state (a subscription runs over it). */
  readonly state: StoreState;
  /** `STORE/CLOSED` after `close()`. */
  assertOpen(): void;
  /** A new call's context: its budget of `call`'s deadline and signal (else the store's), the store's drivers under it. */
  call(call?: CallOptions): StoreContext;
  /** The store initialised within `budget` (joins or starts `init`'s run; waits for a reset of this store first). */
  ready(budget: CallBudget): Promise<void>;
  /** `STORE/CHANGE_FEED_DISABLED` naming `call` unless the store has a change feed. */
  requireChangeFeed(call: string): void;
  /** A new id for a V6 event without one: increasing, so events of one millisecond replay in insertion order (ids.ts). */
  nextId(): string;
  /** Spans of the named consumer's polls (telemetry/instrument.ts), or undefined when telemetry is off. */
  pollSpans(name: string): PollRunner | undefined;
  /** A running subscription, for `close()` to stop (and for telemetry's consumer gauges while it runs). */
  track(subscription: Subscription, name: string): void;
}

/**
 * The access of the store of `state` and `lifecycle` (built once by its constructor); `telemetry` returns the store's
 * instrumentation (undefined when there is nothing to report to), read at each use: it is made after this access.
 */
export function storeAccess(state: StoreState, lifecycle: StoreLifecycle, telemetry: () => StoreInstrumentation | undefined): StoreAccess {
  const { options } = state;
  return {
    options,
    state,
    assertOpen: () => lifecycle.assertOpen(),
    call: (call) => forCall(state, call),
    ready: (budget) => lifecycle.ready(budget),
    requireChangeFeed: (call) => {
      if (options.changeFeed) return;
      throw new EventStoreAdapterError(
        ErrorCodes.CHANGE_FEED_DISABLED,
        `${call}: this store has no change feed; create the table with the option changeFeed: true (it is fixed at table creation)`,
        { details: { table: options.tableName } },
      );
    },
    // Increasing, so events of one millisecond replay in insertion order (ids.ts).
    nextId: monotonicIds(options.clock),
    pollSpans: (name) => {
      const instrumentation = telemetry();
      return instrumentation && (<T extends { events: number }>(body: () => Promise<T>) => instrumentation.poll(name, body));
    },
    track: (subscription, name) => lifecycle.track(subscription, telemetry()?.trackConsumer(name, subscription)),
  };
}

/** A call of the store (see {@link StoreAccess.call}) once the store is ready within its budget. */
export async function openCall(access: StoreAccess, call?: CallOptions): Promise<StoreContext> {
  const ctx = access.call(call);
  await access.ready(ctx.budget);
  return ctx;
}

/** `options`' per-call part (`deadlineMs`, `signal`), without absent members. */
export function callOptionsOf(options: CallOptions): CallOptions {
  return {
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
