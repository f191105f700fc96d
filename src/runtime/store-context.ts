import { CallBudget, type CallOptions } from './call-budget.js';
import { BoundedCache } from './concurrency.js';
import { Meter, meteredBlobs, meteredKv } from './metering.js';
import type { ResolvedOptions } from '../options/types.js';
import type { BlobDriver } from '../ports/blob-driver.js';
import { batchGetAll } from './batch-loops.js';
import { instanceScope } from '../blobs/blob-keys.js';
import type { Item, ItemKey, KvDriver } from '../ports/kv-driver.js';
import type { RetryPolicy, Sleep } from './retry.js';
import { retryingBlobs, retryingKv } from './retrying-drivers.js';
import { makeWarn, type Warn } from './warnings.js';

/** The store's drivers as composed once at construction: the user's drivers behind the meter. */
export interface MeteredDrivers {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
}

/**
 * The long-lived state of one store, built once by its constructor and shared by every call: the drivers (metered),
 * the options, the meter, the retry policy in force, and the beliefs about the table (caches and instance).
 */
export interface StoreState {
  /** The metered drivers every call's drivers are composed from. */
  readonly drivers: MeteredDrivers;
  readonly options: ResolvedOptions;
  readonly meter: Meter;
  readonly sleep: Sleep;
  /** Milliseconds since the epoch: deadlines, blob-key timestamps and blob ages. */
  readonly clock: () => number;
  /** Reports warnings; never throws. */
  readonly warn: Warn;
  /** The retry policy in force: the configured one, divided by the backend client's own attempts at `init`. */
  readonly retry: { policy: RetryPolicy };
  /** Last known head version per stream pk: lets an append cost one request in the steady state. */
  readonly heads: BoundedCache<string, number>;
  /** Time buckets this process knows are in the catalog (recorded before the first transaction writing there). */
  readonly knownBuckets: Set<number>;
  /** Change feed: last known position per log shard (the counter an append checks; a stale one costs one re-base). */
  readonly logPositions: Map<number, number>;
  /** The table instance this process writes into (see {@link TableInstance}); shared by every call's context. */
  readonly instance: TableInstance;
}

/**
 * The state of a new store (see {@link StoreState}): the user's drivers behind one meter (its warnings to
 * `onWarning` and the logger), empty caches, no verified instance yet.
 */
export function storeState(options: ResolvedOptions, sleep: Sleep): StoreState {
  const warn = makeWarn(options.onWarning, options.logger);
  const meter = new Meter(options.onCapacity, warn);
  const drivers = { kv: meteredKv(options.kv, meter), blobs: options.blobs ? meteredBlobs(options.blobs, meter) : undefined };
  return {
    drivers,
    options,
    meter,
    sleep,
    clock: options.clock,
    warn,
    retry: { policy: options.retry },
    heads: new BoundedCache(options.headCacheSize),
    knownBuckets: new Set(),
    logPositions: new Map(),
    instance: { generation: '' },
  };
}

/**
 * Forget what this process believes about the table (heads, recorded months, log positions), and with `generation`
 * adopt that table instance: the one cache reset, for a table reset or re-created elsewhere.
 */
export function forgetTable(state: Pick<StoreState, 'heads' | 'knownBuckets' | 'logPositions' | 'instance'>, generation?: string): void {
  state.heads.clear();
  state.knownBuckets.clear();
  state.logPositions.clear();
  if (generation !== undefined) state.instance.generation = generation;
}

/** What one call adds to the store's state: its budget, and the store's drivers retried and bound under it. */
export interface CallScope {
  /** This call's deadline and abort signals: the one budget of the call. */
  readonly budget: CallBudget;
  /**
   * The drivers of this call: metered, retried with the store's policy under the call's budget (retrying-drivers.ts;
   * `transactWrite` is not retried there), their requests bound to the budget's signal.
   */
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
}

/** The context of one call, what the write and read paths are given: the store's state and the call's scope. */
export interface StoreContext extends StoreState, CallScope {}

/**
 * The table instance a store last verified: its layout record's `generation` ('' before `init`). Set by `init`,
 * replaced when a write finds the table reset elsewhere. Blob keys are scoped by it (blob-keys.ts `instanceScope`),
 * and the caches above (`heads`, `knownBuckets`, `logPositions`) are beliefs about this instance only.
 */
export interface TableInstance {
  generation: string;
  /** For a call's own view ({@link callInstance}): the store's, which adopting a newer generation updates too. */
  readonly parent?: TableInstance;
}

/**
 * A write's own view of the store's instance: the generation it plans its blob keys and conditions under, fixed for
 * the call (a concurrent `init` or reset in this process moves the store's, not this one), so a change since is
 * always noticed by comparing against it.
 */
export function callInstance(instance: TableInstance): TableInstance {
  return { generation: instance.generation, parent: instance };
}

/** Adopt `generation` (read from the layout record) in `instance`, and in the store's when it still holds `from`. */
export function adoptGeneration(instance: TableInstance, generation: string, from: string): void {
  instance.generation = generation;
  if (instance.parent !== undefined && instance.parent.generation === from) instance.parent.generation = generation;
}

/**
 * Adopt table instance `generation` (read from the layout record: the table was reset elsewhere): forget this store's
 * beliefs about the old instance (heads, recorded months, log positions), then move the call's view, and the store's
 * when it still holds the old generation.
 */
export function adoptInstance(ctx: Pick<StoreContext, 'heads' | 'knownBuckets' | 'logPositions' | 'instance'>, generation: string): void {
  forgetTable(ctx);
  adoptGeneration(ctx.instance, generation, ctx.instance.generation);
}

/** This store's blob scope: `<blobKeyPrefix><tableName>/<generation>/` of the instance it last verified. */
export function ownBlobScope(ctx: Pick<StoreContext, 'options' | 'instance'>): string {
  return instanceScope(ctx.options.blobKeyPrefix, ctx.options.tableName, ctx.instance.generation);
}

/** The blob operations of the write path: everything but `delete` (blobs are immutable; only the sweeper and reset delete). */
export type BlobWriter = Omit<BlobDriver, 'delete' | 'close'>;

/**
 * What the write path (append.ts, write-blobs.ts, snapshots.ts) is given: a {@link StoreContext} without the power
 * to delete a blob. Its blob driver has no `delete` and the composed drivers are out of reach, so a write, a
 * snapshot save or a retry cannot delete a blob by mistake: an orphan it leaves is the sweeper's. Any
 * `StoreContext` is one (a narrowing); {@link forWrite} also drops `delete` at run time.
 */
export interface WriteContext extends Omit<StoreContext, 'blobs' | 'drivers'> {
  readonly blobs: BlobWriter | undefined;
}

/** `ctx` as a {@link WriteContext}: the same drivers, budget and caches, its blob driver without `delete`. */
export function forWrite(ctx: WriteContext): WriteContext {
  const { blobs, ...rest } = ctx;
  const { drivers: _drivers, ...kept } = rest as typeof rest & { drivers?: unknown };
  return { ...kept, blobs: blobs && withoutDelete(blobs) };
}

function withoutDelete(blobs: BlobWriter): BlobWriter {
  return {
    capabilities: blobs.capabilities,
    ensureContainer: () => blobs.ensureContainer(),
    put: (key, body, options) => blobs.put(key, body, options),
    get: (key) => blobs.get(key),
    list: (prefix, options) => blobs.list(prefix, options),
  };
}

/**
 * Open a call of the store under `budget`: its context has the store's state, that budget, and the store's drivers
 * retried with the store's policy under it, their requests bound to it (drivers with `withSignal` abandon a request
 * in flight once the call has given up). Given a call's context, opens a new call of the same store (its scope
 * replaced: a replay page, a subscription's poll).
 */
export function openCall(state: StoreState, budget: CallBudget): StoreContext {
  const env = { retry: state.retry, sleep: state.sleep, budget };
  const { kv, blobs } = state.drivers;
  const signal = budget.requestSignal;
  return {
    ...state,
    budget,
    kv: retryingKv(kv.withSignal?.(signal) ?? kv, env),
    blobs: blobs ? retryingBlobs(blobs.withSignal?.(signal) ?? blobs, env) : undefined,
  };
}

/** A call of the store with a fresh budget of the call's (or the store's) deadline and signals (see {@link openCall}). */
export function forCall(state: StoreState, options: CallOptions = {}): StoreContext {
  return openCall(
    state,
    CallBudget.of(options.deadlineMs ?? state.options.deadlineMs, [state.options.signal, options.signal], state.clock),
  );
}

/** The batch-loop options of this context (policy comes separately): its sleep and budget. */
export function loopOptions(ctx: WriteContext): { sleep: Sleep; budget: CallBudget } {
  return { sleep: ctx.sleep, budget: ctx.budget };
}

/** The items at `keys` in this store's table, strongly consistent, any number of keys (see `batchGetAll`); missing ones are absent. */
export function readItems(ctx: WriteContext, keys: readonly ItemKey[]): Promise<Item[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return batchGetAll(ctx.kv, ctx.options.tableName, keys, ctx.retry.policy, { consistent: true, ...loopOptions(ctx) });
}
