/**
 * The store's lifecycle: `init`'s shared runs (the table, its indexes and the blob container made usable, the layout
 * record checked, the retry policy composed), the readiness every call waits for, the queue of this store's resets
 * (one reset's steps: table-reset.ts) and `close`. The facade (event-store.ts) delegates `init`, `resetStore` and
 * `close` here; every other public method waits on {@link StoreLifecycle.ready} (through compat/store-access.ts).
 */
import { CallBudget, checkCallOptions, isBudgetError, type CallOptions } from './call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { establishLayout, type TableMetadata } from '../layout/table-metadata.js';
import { tableSchema } from '../layout/table-layout.js';
import type { RetryPolicy } from './retry.js';
import { forgetTable, openCall, type StoreState } from './store-context.js';
import type { Subscription } from '../feed/subscription.js';
import { resetTable, type ResetTarget } from './table-reset.js';
import { WarningCodes } from './warnings.js';

/**
 * Least deadline of an explicit `init()` and of `resetStore()` (the store's `deadlineMs` when larger), in ms:
 * they may create a table and wait for it and its indexes to become ACTIVE, which on AWS usually takes 10-60 s.
 * A slower creation goes on at AWS; a later `init` finds the table and waits for it again.
 */
export const DEFAULT_INIT_DEADLINE_MS = 120_000;

/** One run of `init`'s work, shared by every call waiting for it; stopped when all of them have given up. */
interface InitRun {
  readonly done: Promise<void>;
  /** Aborts the run's requests and waits. */
  readonly stop: AbortController;
  /** Calls waiting for the run now. */
  waiters: number;
  /** True once the run succeeded. */
  ready: boolean;
}

/** The lifecycle of one store over its long-lived state: built once by the store's constructor. */
export class StoreLifecycle implements ResetTarget {
  /** The store's long-lived state: the run's requests go through its drivers, a new instance resets its caches. */
  readonly state: StoreState;
  private initialising: InitRun | undefined;
  private current: TableMetadata | undefined;
  /** True when this store's `ensureTable` created the table and no layout record says so yet (its init was cut). */
  private createdUnrecorded = false;
  /** The resets of this store, in order (see `resetStore`). */
  private resets: Promise<void> = Promise.resolve();
  /** Settles when this store's resets in progress have ended (undefined: none): its other calls wait for it. */
  private resetting: Promise<void> | undefined;
  private creatable = true;
  private closed = false;
  /** Running `subscribe` loops: `close()` stops them first. */
  private readonly subscriptions = new Set<Subscription>();

  constructor(state: StoreState) {
    this.state = state;
  }

  /** The layout record the current run of `init` read; undefined before it completed, and after a reset's drop. */
  get layout(): TableMetadata | undefined {
    return this.current;
  }

  /** False when the KV driver is configured not to create tables (`skipDynamoDBTableCreation`): reset then never drops the table. */
  get canCreateTable(): boolean {
    return this.creatable;
  }

  /** The store's `init()` (see `EventStore.init`): the store ready within the call's deadline, at least {@link DEFAULT_INIT_DEADLINE_MS}. */
  async init(options: CallOptions): Promise<void> {
    this.assertOpen();
    checkCallOptions(options, 'init');
    await this.ready(this.controlBudget(options));
  }

  /** The store's `resetStore()` (see `EventStore.resetStore`): queued behind this store's earlier resets, bounded like `init`. */
  async resetStore(options: CallOptions): Promise<void> {
    this.assertOpen();
    checkCallOptions(options, 'resetStore');
    const budget = this.controlBudget(options);
    // One reset of this store at a time: each re-initialises the store, so two at once would discard each other's init.
    const mine = this.resets.then(() => resetTable(this, budget));
    this.resets = mine.catch(() => undefined);
    this.resetting = this.resets;
    try {
      await budget.race(() => mine, 'resetStore');
    } finally {
      if (this.resetting === this.resets) this.resetting = undefined;
    }
  }

  /**
   * The store initialised, within `budget` (the calling method's deadline and signals): joins the current run of
   * `init`'s work or starts one. A call giving up (`STORE/DEADLINE_EXCEEDED`, `STORE/ABORTED`) leaves the run to
   * the others still waiting; when none is left, the run is stopped and the next call starts afresh. `forReset`:
   * the caller is a reset of this store, which does not wait for itself.
   */
  async ready(budget: CallBudget, forReset = false): Promise<void> {
    this.assertOpen();
    // While this store resets the table, its other calls wait for the reset: an init of theirs would re-create the
    // table during the reset's blob clear, and writers could then put blobs again that the clear still deletes.
    if (!forReset && this.resetting !== undefined) await budget.race(() => this.resetting!, 'init');
    if (this.initialising?.ready) return;
    const run = (this.initialising ??= this.startInit());
    run.waiters++;
    try {
      await budget.race(() => run.done, 'init');
    } catch (error) {
      if (isBudgetError(error) && run.waiters === 1 && !run.ready) {
        if (this.initialising === run) this.initialising = undefined;
        run.stop.abort(error);
      }
      throw error;
    } finally {
      run.waiters--;
    }
  }

  /** Forget the run of `init` (with `dropped`, the table was dropped: its layout record too): the next `ready` starts afresh. */
  restartInit(dropped = false): void {
    this.initialising = undefined;
    if (dropped) this.current = undefined;
  }

  /** `STORE/CLOSED` after `close()`. */
  assertOpen(): void {
    if (this.closed) throw new EventStoreAdapterError(ErrorCodes.CLOSED, 'The event store is closed');
  }

  /** Keep a running subscription for `close()` to stop, until it ends (then `untrack`, if given, runs). */
  track(subscription: Subscription, untrack?: () => void): void {
    this.subscriptions.add(subscription);
    void subscription.done
      .catch(() => undefined)
      .finally(() => {
        this.subscriptions.delete(subscription);
        untrack?.();
      });
  }

  /** The store's `close()` (see `EventStore.close`): subscriptions and a pending `init` stopped, then the drivers released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.initialising;
    if (pending && !pending.ready)
      pending.stop.abort(new EventStoreAdapterError(ErrorCodes.CLOSED, 'The event store was closed during init'));
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    const { options, drivers } = this.state;
    const budget = CallBudget.of(options.deadlineMs, [], options.clock);
    await budget.race(() => Promise.all([drivers.kv.close?.(), drivers.blobs?.close?.()]), 'close');
  }

  /** The budget of an explicit `init` or `resetStore`: `options.deadlineMs`, else the store's, at least {@link DEFAULT_INIT_DEADLINE_MS}. */
  private controlBudget(options: CallOptions): CallBudget {
    const { options: store } = this.state;
    const deadlineMs = options.deadlineMs ?? Math.max(store.deadlineMs, DEFAULT_INIT_DEADLINE_MS);
    return CallBudget.of(deadlineMs, [store.signal, options.signal], store.clock);
  }

  /**
   * A new shared run of `init`'s work. Its requests are bound to `stop` (and the store's signal), which fires when
   * the last call waiting for it gives up, or on `close()`; the run's result is kept only while it is the current one.
   */
  private startInit(): InitRun {
    const stop = new AbortController();
    const run: InitRun = { done: Promise.resolve(), stop, waiters: 0, ready: false };
    const budget = new CallBudget(Infinity, [this.state.options.signal, stop.signal], this.state.options.clock);
    (run as { done: Promise<void> }).done = this.prepare(budget).then(
      (layout) => {
        if (this.initialising !== run) return;
        this.current = layout;
        // The instance this process writes into: its blobs are scoped by it, its caches are beliefs about it.
        if (this.state.instance.generation !== layout.generation) forgetTable(this.state, layout.generation);
        run.ready = true;
      },
      (error: unknown) => {
        if (this.initialising === run) this.initialising = undefined;
        throw error;
      },
    );
    run.done.catch(() => undefined); // observed by its waiters; a run nobody waits for any more must not be unhandled
    return run;
  }

  /** `init`'s work under the run's `budget`: returns the table's layout record (created if missing). */
  private async prepare(budget: CallBudget): Promise<TableMetadata> {
    const ctx = openCall(this.state, budget);
    const { options } = this.state;
    const blobs = ctx.blobs;
    // The first driver call: a lazy driver loads here, so it is raced like a request.
    this.state.retry.policy = await budget.race(() => this.composedRetry(), 'init');
    // Remembered as soon as it is known, until a layout record says so: an init cut after the creation (or failing
    // in `ensureContainer` beside it) must not record the table as foreign. A driver predating `created` (returns
    // nothing) is treated as not having created the table: reset then refuses.
    const [table] = await Promise.all([
      ctx.kv.ensureTable(tableSchema(options.tableName, options.changeFeed !== undefined)).then((result) => {
        if (result?.created === true) this.createdUnrecorded = true;
        return result;
      }),
      blobs ? blobs.ensureContainer() : undefined,
    ]);
    // The layout record's requests are bounded like the rest of the run: by the deadlines of the calls waiting for it.
    const layout = await establishLayout(ctx, this.createdUnrecorded);
    this.createdUnrecorded = false;
    this.creatable = table?.canCreate !== false;
    return layout;
  }

  /**
   * The retry policy in force: the backend client retries each request on its own (AWS SDK: DynamoDB 4, S3 3), so
   * unless `retry.maxAttempts` was configured, the adapter's attempts are divided by the client's, keeping the
   * total near the configured budget; a configured value that multiplies past it is kept and warned about.
   */
  private async composedRetry(): Promise<RetryPolicy> {
    const { options } = this.state;
    const configured = options.retry;
    const attempts = Math.max((await options.kv.clientMaxAttempts?.()) ?? 1, (await options.blobs?.clientMaxAttempts?.()) ?? 1);
    if (attempts <= 1) return configured;
    if (!options.retryAttemptsConfigured) return { ...configured, maxAttempts: Math.max(1, Math.ceil(configured.maxAttempts / attempts)) };
    this.state.warn({
      code: WarningCodes.RETRIES_MULTIPLY,
      message: `The backend client makes ${attempts} attempts per request and retry.maxAttempts is ${configured.maxAttempts}: up to ${attempts * configured.maxAttempts} attempts per operation (bounded by deadlineMs ${options.deadlineMs} ms); lower one of them`,
    });
    return configured;
  }
}
