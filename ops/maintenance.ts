/** Table creation and orphan sweeping, through the store itself. */
import { EventStoreRepo, type SweepResult } from '../src/index.js';
import { describeTable, type TableDescriptionReport } from './describe.js';
import { withOpenStore, type StoreTarget } from './store.js';

/** Options of {@link createStoreTable}: the store, and how its table is created. */
export interface CreateTableOptions extends StoreTarget {
  /** Provisioned capacity (read, write) for the table and its index; default on-demand. */
  readonly capacity?: { readonly read: number; readonly write: number };
  /** Enable DynamoDB Streams. */
  readonly streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

/**
 * Create the store's table (and bucket, when given) as `init` does, wait until ACTIVE, and describe it. Idempotent.
 * Bounded by `deadlineMs` when given (else `init`'s default), `STORE/DEADLINE_EXCEEDED` past it.
 */
export async function createStoreTable(options: CreateTableOptions): Promise<TableDescriptionReport> {
  const s3 = options.s3Client && options.bucket ? options.s3Client : undefined;
  const store = new EventStoreRepo(options.dynamodbClient, s3, {
    tableName: options.tableName,
    ...(s3 ? { s3BucketName: options.bucket!, s3KeyPrefix: options.s3KeyPrefix ?? 'events/' } : {}),
    ...(options.capacity
      ? { eventStoreTableReadCapacityUnits: options.capacity.read, eventStoreTableWriteCapacityUnits: options.capacity.write }
      : {}),
    ...(options.streamViewType ? { streamViewType: options.streamViewType } : {}),
    ...(options.changeFeed ? { changeFeed: options.changeFeed } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
    onWarning: () => undefined,
  });
  try {
    await store.init(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {});
  } finally {
    await store.close();
  }
  return describeTable(options);
}

/**
 * Delete the store's blobs that no item references and that are older than `olderThanMs` (the store's sweeper);
 * with `dryRun`, list them in `wouldDelete` and delete nothing. A missing bucket is `DRIVER/RESOURCE_NOT_FOUND`.
 */
export async function sweepOrphans(
  options: StoreTarget & { readonly olderThanMs: number; readonly dryRun?: boolean },
): Promise<SweepResult> {
  return withOpenStore(options, {}, (store) =>
    store.sweepOrphanBlobs({ olderThanMs: options.olderThanMs, ...(options.dryRun ? { dryRun: true } : {}) }),
  );
}
