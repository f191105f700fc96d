import { CallBudget, type CallOptions } from './call-budget.js';
import type { BoundedCache } from './concurrency.js';
import type { Meter } from './metering.js';
import type { ResolvedOptions } from './options.js';
import type { BlobDriver } from './ports/blob-driver.js';
import { batchGetAll } from './batch-loops.js';
import { instanceScope } from './blob-keys.js';
import type { Item, ItemKey, KvDriver } from './ports/kv-driver.js';
import type { RetryPolicy, Sleep } from './retry.js';
import { retryingBlobs, retryingKv } from './retrying-drivers.js';
import type { Warn } from './warnings.js';

/** The store's drivers as composed once at construction: the user's drivers behind the meter. */
export interface MeteredDrivers {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
}

/**
 * What the write and read paths share. `kv` and `blobs` are the drivers of ONE call: metered, and retried with the
 * store's policy under the call's budget (see retrying-drivers.ts; `transactWrite` is not retried there).
 */
export interface StoreContext {
  readonly kv: KvDriver;
  readonly blobs: BlobDriver | undefined;
  /** The metered drivers the per-call ones are composed from. */
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
  /** This call's deadline and abort signals. */
  readonly budget: CallBudget;
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
 * `base` under `budget`: the same store, its drivers retried with the store's policy under that budget, and their
 * requests bound to it (drivers with `withSignal` abandon a request in flight once the call has given up).
 */
export function withBudget(base: StoreContext, budget: CallBudget): StoreContext {
  const env = { retry: base.retry, sleep: base.sleep, budget };
  const { kv, blobs } = base.drivers;
  const signal = budget.requestSignal;
  return {
    ...base,
    budget,
    kv: retryingKv(kv.withSignal?.(signal) ?? kv, env),
    blobs: blobs ? retryingBlobs(blobs.withSignal?.(signal) ?? blobs, env) : undefined,
  };
}

/** The context of one call: `base` with a fresh budget of the call's (or the store's) deadline and signals. */
export function forCall(base: StoreContext, options: CallOptions = {}): StoreContext {
  return withBudget(base, CallBudget.of(options.deadlineMs ?? base.options.deadlineMs, [base.options.signal, options.signal], base.clock));
}

/**
 * The retry module's `retried`, under the name snapshots.ts and table-metadata.ts import it by: a single-action
 * transaction sent with the store's retry policy and the call's budget. (They import `retried` from retry.ts once
 * the safety work on them has landed; then this re-export goes.)
 */
export { retried as retryingTransaction } from './retry.js';

/** The batch-loop options of this context (policy comes separately): its sleep and budget. */
export function loopOptions(ctx: WriteContext): { sleep: Sleep; budget: CallBudget } {
  return { sleep: ctx.sleep, budget: ctx.budget };
}

/** The items at `keys` in this store's table, strongly consistent, any number of keys (see `batchGetAll`); missing ones are absent. */
export function readItems(ctx: WriteContext, keys: readonly ItemKey[]): Promise<Item[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return batchGetAll(ctx.kv, ctx.options.tableName, keys, ctx.retry.policy, { consistent: true, ...loopOptions(ctx) });
}
