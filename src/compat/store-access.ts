/**
 * What the method shapes (the 3.x and V6 methods, the change feed's: compat/*) need of the store, and nothing else:
 * each public method checks its arguments, opens a call, waits for the store to be ready, and runs one use-case
 * function of the core. The store's lifecycle (init, reset, close) stays the store's own (event-store.ts).
 */
import type { CallBudget, CallOptions } from '../runtime/call-budget.js';
import type { ResolvedOptions } from '../options/index.js';
import type { StoreContext, StoreState } from '../runtime/store-context.js';
import type { PollRunner, Subscription } from '../feed/subscription.js';

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
