/**
 * Fast, untimed set-up for the read workloads on the real servers: writing 20,000 events through transactions
 * takes over a minute on DynamoDB Local, so the events are written through the core into an in-memory twin with
 * the SAME table name and shard count, and every item they produced is copied to the target with batch writes.
 * The target then holds exactly the items the core would have written (the core is driver-agnostic).
 */
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import { EventStoreRepo, type CreatedEvent, type Item, type KvDriver, type WriteRequest } from '../src/index.js';
import { CATALOG_PK, guardPk, streamPk } from '../src/layout/table-layout.js';
import { inParallel } from './harness/timing.js';
import { seed } from './workloads/seeding.js';

/** Batch writes in flight while copying. */
const COPY_CONCURRENCY = 8;
/** Attempts for a batch write's unprocessed items before giving up (DynamoDB Local never throttles, so this is a guard). */
const MAX_COPY_ATTEMPTS = 10;

/** What to copy. */
export interface BulkLoadOptions {
  /**
   * Copy the id guard items (one per event). Only `getEventById`, duplicate-id checks and `startFromId` read them;
   * replaying from the start and stream reads do not, and skipping them halves the load time. Default true.
   */
  readonly idGuards?: boolean;
}

/** Store `batches` in a twin shaped like the target's table, then copy its items into `target` (table `tableName`). */
export async function bulkLoad(
  target: KvDriver,
  tableName: string,
  bucketShards: number,
  batches: readonly CreatedEvent[][],
  options: BulkLoadOptions = {},
): Promise<void> {
  const twin = new MemoryKvDriver();
  const repo = new EventStoreRepo({ kv: twin, blobs: new MemoryBlobDriver(), tableName, bucketShards });
  await seed(repo, batches);
  const items = await readPartitions(twin, tableName, partitionsOf(batches, options.idGuards ?? true));
  await repo.close();
  const groups: WriteRequest[][] = [];
  for (let start = 0; start < items.length; start += target.capabilities.maxBatchWriteItems) {
    groups.push(items.slice(start, start + target.capabilities.maxBatchWriteItems).map((item) => ({ put: item })));
  }
  await inParallel(groups, COPY_CONCURRENCY, async (group) => {
    let pending: readonly WriteRequest[] = group;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_COPY_ATTEMPTS)
        throw new Error(`bulk load: ${pending.length} items still unprocessed after ${MAX_COPY_ATTEMPTS} attempts`);
      pending = (await target.batchWrite(tableName, pending)).unprocessed;
    }
  });
}

/** The table partitions storing `batches` writes: the streams (heads + events), the bucket catalog and optionally the id guards. */
function partitionsOf(batches: readonly CreatedEvent[][], idGuards: boolean): string[] {
  const partitions = new Set<string>([CATALOG_PK]);
  for (const event of batches.flat()) {
    partitions.add(streamPk(event.domain, event.identifier));
    if (idGuards) partitions.add(guardPk(event.id));
  }
  return [...partitions];
}

async function readPartitions(kv: KvDriver, tableName: string, partitions: readonly string[]): Promise<Item[]> {
  const items: Item[] = [];
  for (const partition of partitions) {
    let cursor: string | undefined;
    do {
      const page = await kv.query(tableName, { partition, direction: 'asc', consistent: true, cursor });
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return items;
}
