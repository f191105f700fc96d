import { CallBudget } from './call-budget.js';
import type { BoundedCache } from './concurrency.js';
import type { Meter } from './metering.js';
import type { ResolvedOptions } from './options.js';
import type { BlobDriver } from './ports/blob-driver.js';
import type { KvDriver } from './ports/kv-driver.js';
import { withRetry, type RetryPolicy, type Sleep } from './retry.js';
import type { Warn } from './warnings.js';

/** What the write and read paths share: metered drivers, resolved options, the process-local caches, and the call's budget. */
export interface StoreContext {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
  readonly options: ResolvedOptions;
  readonly meter: Meter;
  readonly sleep: Sleep;
  /** Milliseconds since the epoch: deadlines, blob-key timestamps and blob ages. */
  readonly clock: () => number;
  /** Reports warnings; never throws. */
  readonly warn: Warn;
  /** The retry policy in force: the configured one, divided by the backend client's own attempts at `init`. */
  readonly retry: { policy: RetryPolicy };
  /** This call's deadline and abort signals. */
  readonly budget: CallBudget;
  /** Last known head version per stream pk: lets an append cost one request in the steady state. */
  readonly heads: BoundedCache<string, number>;
  /** Time buckets this process knows are in the catalog (recorded before the first transaction writing there). */
  readonly knownBuckets: Set<number>;
}

/** Per-call limits a caller may pass. */
export interface CallOptions {
  /** This call's deadline, in ms from now (default: the store's `deadlineMs`). */
  readonly deadlineMs?: number;
  /** Aborts this call (the store's own `signal` applies too). */
  readonly signal?: AbortSignal;
}

/** The context of one call: `base` with a fresh budget of the call's (or the store's) deadline and signals. */
export function forCall(base: StoreContext, options: CallOptions = {}): StoreContext {
  const budget = CallBudget.of(options.deadlineMs ?? base.options.deadlineMs, [base.options.signal, options.signal], base.clock);
  return { ...base, budget };
}

/** `operation` with the context's retry policy, sleep and budget (see `withRetry`). */
export function retrying<T>(ctx: StoreContext, what: string, operation: () => Promise<T>): Promise<T> {
  return withRetry(ctx.retry.policy, operation, ctx.sleep, what, ctx.budget);
}

/** The batch-loop options of this context (policy comes separately): its sleep and budget. */
export function loopOptions(ctx: StoreContext): { sleep: Sleep; budget: CallBudget } {
  return { sleep: ctx.sleep, budget: ctx.budget };
}
