/**
 * One `resetStore` (its contract: `EventStore.resetStore`): re-initialise to read the table's layout record as it is
 * now, refuse a table the store may not drop (nothing touched), else drop the table, clear the dropped instance's
 * blobs and re-create an empty, working store. The queue of a store's resets is its lifecycle's (lifecycle.ts).
 */
import { clearInstanceBlobs } from '../blobs/instance-blobs.js';
import type { CallBudget } from './call-budget.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { readMetadata, type TableMetadata } from '../layout/table-metadata.js';
import { backOff } from './retry.js';
import { forgetTable, openCall, type StoreState } from './store-context.js';

/**
 * A reset that finds the record saying "not created by a store" re-reads it this many times, with the retry policy's
 * backoff, before refusing: the table's creator may be claiming it (see `resetStore`).
 */
const RESET_CLAIM_ROUNDS = 5;

/** What a reset needs of the store's lifecycle (lifecycle.ts `StoreLifecycle`). */
export interface ResetTarget {
  /** The store's long-lived state: its drivers, options, retry policy and caches. */
  readonly state: StoreState;
  /** The layout record the current run of `init` read (undefined before it completed). */
  readonly layout: TableMetadata | undefined;
  /** False when the KV driver may not create tables: the store could not re-create a dropped one. */
  readonly canCreateTable: boolean;
  /** The store initialised within `budget`; `forReset`: without waiting for this store's resets (the caller is one). */
  ready(budget: CallBudget, forReset: true): Promise<void>;
  /** Forget the run of `init` (with `dropped`, its layout record too): the next `ready` starts afresh. */
  restartInit(dropped?: boolean): void;
}

/** One `resetStore` of `store`, after the previous one of this store ended; `budget` is its call's. */
export async function resetTable(store: ResetTarget, budget: CallBudget): Promise<void> {
  const { state } = store;
  const { tableName } = state.options;
  budget.check('resetStore'); // a reset whose caller gave up while it queued does not run
  await store.ready(budget, true);
  // Decide on the table as it is now, not as it was at init: infrastructure may have re-created it since.
  store.restartInit();
  await store.ready(budget, true);
  let layout = store.layout;
  if (layout === undefined)
    throw new EventStoreAdapterError(ErrorCodes.BACKEND, `resetStore: table ${tableName}: init ended without a layout record`, {
      details: { table: tableName },
    });
  // This init may have raced the table's creator (another store's reset or first init): a store that finds the
  // table without a record writes it as not created by a store, and the creator claims it right after. Before
  // refusing, give such a claim a few short waits (costs only on a refusal).
  for (let round = 0; !layout.createdByStore && round < RESET_CLAIM_ROUNDS; round++) {
    await backOff({ retry: state.retry, sleep: state.sleep, budget }, round, 'resetStore');
    layout = (await readMetadata(openCall(state, budget))) ?? layout;
  }
  const refuse = (reason: string, why: string) =>
    new EventStoreAdapterError(ErrorCodes.RESET_REFUSED, `resetStore refused: table ${tableName} ${why}. Nothing was deleted.`, {
      details: { table: tableName, reason },
    });
  if (!layout.createdByStore) {
    throw refuse(
      'table-not-created-by-store',
      'was not created by an event store (it is managed elsewhere, e.g. by infrastructure code); delete and re-create it there',
    );
  }
  if (!store.canCreateTable) {
    throw refuse(
      'table-creation-skipped',
      'could not be re-created by this store (its driver may not create tables: skipDynamoDBTableCreation); reset it from a store that may create it, or delete and re-create it with its infrastructure',
    );
  }
  const ctx = openCall(state, budget);
  store.restartInit(true);
  await ctx.kv.dropTable(tableName);
  // Caches forgotten; the old generation kept until the new init: a concurrent write plans under it, then notices.
  forgetTable(state, layout.generation);
  // Blobs are cleared after the drop (so no reader of the old table meets an item whose blob is gone) and before
  // this store's new record exists: a writer that sees the new generation puts its blobs again after this clear
  // (append.ts, instance-blobs.ts). Remaining race: another process re-creating the table during the clear.
  await clearInstanceBlobs(ctx, layout.generation);
  // A call of this store that ran `init` during the drop found the old table: start a fresh run, so the table is
  // re-created (an acknowledged reset always leaves a working table).
  store.restartInit();
  await store.ready(budget, true);
}
