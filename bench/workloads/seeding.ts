/** Untimed set-up shared by the read workloads: a timeline of small events written in batches. */
import type { CreatedEvent, EventStoreRepo } from '../../src/index.js';
import { EventFactory, spreadDates, streamName } from '../events.js';
import { inParallel } from '../harness/timing.js';

/** Events per seeding transaction: 2 actions per event + head + catalog stay within DynamoDB's 100 actions. */
export const SEED_BATCH_SIZE = 40;
/** Seeding transactions in flight (set-up only: just faster on the real servers). */
const SEED_CONCURRENCY = 4;

/**
 * `count` small events spread evenly over `months` months from 2024-01, in creation order, cut into batches of
 * {@link SEED_BATCH_SIZE}; batch `b` goes to stream `b % streams`.
 */
export function timelineBatches(count: number, months: number, streams: number, tag: string): CreatedEvent[][] {
  const factory = new EventFactory(tag);
  const dates = spreadDates(count, months);
  const batches: CreatedEvent[][] = [];
  for (let start = 0; start < count; start += SEED_BATCH_SIZE) {
    const stream = streamName(batches.length % streams);
    batches.push(dates.slice(start, start + SEED_BATCH_SIZE).map((created) => factory.next({ stream, created })));
  }
  return batches;
}

/** Store `batches` (one `storeEvents` call each), a few in flight. */
export async function seed(repo: EventStoreRepo, batches: readonly CreatedEvent[][]): Promise<void> {
  await inParallel(batches, SEED_CONCURRENCY, async (batch) => {
    await repo.storeEvents(batch);
  });
}
