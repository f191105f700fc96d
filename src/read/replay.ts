import type { StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventCursorNotFoundError, EventStoreAdapterError } from '../errors/index.js';
import type { Item, QueryPage, QueryRequest } from '../ports/kv-driver.js';
import { locateEvent } from './event-lookup.js';
import { hydrate } from './hydrate.js';
import { queryPages } from './stream-reads.js';
import { checkPageSize } from './read-arguments.js';
import { forCall, type StoreContext } from '../runtime/store-context.js';
import { decodeCatalogEntry } from '../layout/codecs/catalog.js';
import { eventKey } from '../layout/codecs/event.js';
import { logShardOf } from '../layout/codecs/log-counter.js';
import { A, CATALOG_PK, INDEX_GLOBAL_ORDER, INDEX_LOG, globalSk, logPk } from '../layout/table-layout.js';
import { bucketOfIso, bucketShardPk } from '../layout/time-buckets.js';
import { compareUtf8 } from './replay-order.js';

/**
 * `getAllEvents`: every event in `created ASC, id ASC` order (ids compared by code point, as DynamoDB compares
 * UTF-8 bytes), in pages of at most `pageSize`, resuming right after `startFromId` when given.
 *
 * Plan: read the bucket catalog (one query), then for each bucket holding events at or after the cursor, query
 * its shards of the global-order index, merging shards by sort key. Each request reads up to the driver's page
 * byte limit (or `replayFetchLimit` items); the next request of a shard starts as soon as a page arrives, and the
 * next bucket's first request starts when the current bucket opens, so fetching overlaps the caller's work.
 * Memory: at most two fetched pages per shard of the current and the next bucket, plus one output page.
 *
 * Validation happens before the iterator is returned: a bad page size throws `INPUT/INVALID_PAGE_SIZE`, an
 * unknown `startFromId` throws `INPUT/UNKNOWN_CURSOR`. Each request (and each page's hydration) has a deadline
 * of its own (`deadlineMs`), so a long replay is never cut off as a whole. An event that cannot be read fails the
 * replay naming it, or with `onUnreadable` is reported and left out.
 */
export async function replay(ctx: StoreContext, pageSize: number, startFromId?: string): Promise<AsyncIterableIterator<StoredEvent[]>> {
  checkPageSize('getAllEvents', pageSize);
  if (ctx.options.replayOrder === 'log') return logReplay(ctx, pageSize, startFromId);
  let after: { bucket: number; sortKey: string } | undefined;
  if (startFromId !== undefined) {
    const location = await locateEvent(ctx, startFromId);
    if (!location) throw new EventCursorNotFoundError(startFromId);
    after = { bucket: bucketOfIso(location.createdIso), sortKey: globalSk(location.createdIso, startFromId) };
  }
  return pages(ctx, pageSize, after);
}

async function* pages(
  ctx: StoreContext,
  pageSize: number,
  after: { bucket: number; sortKey: string } | undefined,
): AsyncGenerator<StoredEvent[]> {
  const buckets = await readCatalog(ctx, after?.bucket);
  const openBucket = (bucket: number) => {
    const range = after && bucket === after.bucket ? ({ op: 'gt', value: after.sortKey } as const) : undefined;
    return Array.from(
      { length: ctx.options.bucketShards },
      (_, shard) => new ShardReader(ctx, INDEX_GLOBAL_ORDER, bucketShardPk(bucket, shard), range),
    );
  };
  async function* items(): AsyncGenerator<Item> {
    let next = buckets.length > 0 ? openBucket(buckets[0]!) : undefined;
    for (let index = 0; index < buckets.length; index++) {
      const current = next!;
      // Open the next bucket now: its first query runs while this one drains (two requests in flight).
      next = index + 1 < buckets.length ? openBucket(buckets[index + 1]!) : undefined;
      yield* mergeShards(current, byGlobalSortKey);
    }
  }
  yield* hydratedPages(ctx, items(), pageSize);
}

/**
 * Items in pages of `pageSize`, hydrated (each page with a deadline of its own). With `onUnreadable` a page may come
 * out shorter; an empty one is never yielded (a consumer stops there).
 */
async function* hydratedPages(ctx: StoreContext, items: AsyncIterable<Item>, pageSize: number): AsyncGenerator<StoredEvent[]> {
  let page: Item[] = [];
  const flush = async () => {
    const events = await hydrate(forCall(ctx), page, ctx.options.onUnreadable);
    page = [];
    return events;
  };
  for await (const item of items) {
    page.push(item);
    if (page.length < pageSize) continue;
    const events = await flush();
    if (events.length > 0) yield events;
  }
  if (page.length === 0) return;
  const events = await flush();
  if (events.length > 0) yield events;
}

/**
 * `replayOrder: 'log'` (with `changeFeed`): every event in log order, the order of the V6 line's "storage
 * insertion order": each log shard in commit order, the shards merged by (position, shard). With one shard that
 * is the table's commit order. `startFromId` resumes right after that event in this order (its position is read
 * from its item: one more consistent read). Like the created order, exact for a quiescent store; consumers that run
 * while writers write use `getLogPage`.
 */
async function logReplay(
  ctx: StoreContext,
  pageSize: number,
  startFromId: string | undefined,
): Promise<AsyncIterableIterator<StoredEvent[]>> {
  const shards = ctx.options.changeFeed!.shards;
  let after: { shard: number; position: number } | undefined;
  if (startFromId !== undefined) {
    const location = await locateEvent(ctx, startFromId);
    if (!location) throw new EventCursorNotFoundError(startFromId);
    const { item } = await ctx.kv.get(ctx.options.tableName, eventKey(location.streamPk, location.sequence), { consistent: true });
    const position = item?.[A.logSk];
    if (typeof position !== 'number') {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_ITEM, `Event ${startFromId} has no log position`, {
        details: { eventId: startFromId, key: eventKey(location.streamPk, location.sequence) },
      });
    }
    after = { shard: logShardOf(location.streamPk, shards), position };
  }
  // (position, shard) > (after.position, after.shard): shards up to the cursor's start after its position, later ones at it.
  const readers = Array.from({ length: shards }, (_, shard) => {
    const range = after === undefined ? undefined : ({ op: shard <= after.shard ? 'gt' : 'gte', value: after.position } as const);
    return new ShardReader(ctx, INDEX_LOG, logPk(shard), range);
  });
  return hydratedPages(ctx, mergeShards(readers, byLogPosition), pageSize);
}

/** Order of the global-order index: its sort key by code point. */
const byGlobalSortKey = (left: Item, right: Item): number => compareUtf8(left[A.globalSk] as string, right[A.globalSk] as string);
/** Order of the log index: position (shards tie by their order in the merge). */
const byLogPosition = (left: Item, right: Item): number => (left[A.logSk] as number) - (right[A.logSk] as number);

/** Buckets that hold events, ascending, from `fromBucket` on. One strongly consistent query of the catalog partition (paged if large). */
async function readCatalog(ctx: StoreContext, fromBucket: number | undefined): Promise<number[]> {
  const buckets: number[] = [];
  const range = fromBucket === undefined ? undefined : ({ op: 'gte', value: fromBucket } as const);
  for await (const items of queryPages(ctx, { partition: CATALOG_PK, range, direction: 'asc', consistent: true })) {
    for (const item of items) buckets.push(decodeCatalogEntry(item));
  }
  return buckets;
}

/** The items of several shards, merged into `compare` order (ties go to the earlier shard). */
async function* mergeShards(shards: readonly ShardReader[], compare: (left: Item, right: Item) => number): AsyncGenerator<Item> {
  if (shards.length === 1) {
    yield* shards[0]!.drain();
    return;
  }
  const heads = await Promise.all(shards.map((shard) => shard.peek()));
  for (;;) {
    let best = -1;
    for (let index = 0; index < shards.length; index++) {
      const head = heads[index];
      if (head && (best < 0 || compare(head, heads[best]!) < 0)) best = index;
    }
    if (best < 0) return;
    yield shards[best]!.take();
    heads[best] = await shards[best]!.peek();
  }
}

/** Reads one shard's partition page by page, prefetching the next page as soon as one arrives. */
class ShardReader {
  private buffer: Item[] = [];
  private position = 0;
  private next: Promise<QueryPage> | undefined;
  private done = false;

  constructor(
    private readonly ctx: StoreContext,
    private readonly index: string,
    private readonly partition: string,
    private readonly range: QueryRequest['range'],
  ) {
    this.next = this.fetch(undefined);
  }

  /** All items, in order. */
  async *drain(): AsyncGenerator<Item> {
    for (let item = await this.peek(); item; item = await this.peek()) yield this.take();
  }

  /** The next item without consuming it; undefined when the shard is exhausted. */
  async peek(): Promise<Item | undefined> {
    while (this.position >= this.buffer.length) {
      if (this.done || !this.next) return undefined;
      const page = await this.next;
      this.buffer = page.items;
      this.position = 0;
      this.next = page.cursor === undefined ? undefined : this.fetch(page.cursor);
      if (page.cursor === undefined) this.done = true;
    }
    return this.buffer[this.position];
  }

  /** Consume the item `peek` returned. */
  take(): Item {
    return this.buffer[this.position++]!;
  }

  private fetch(cursor: string | undefined): Promise<QueryPage> {
    const { ctx } = this;
    const request: QueryRequest = {
      index: this.index,
      partition: this.partition,
      range: this.range,
      direction: 'asc',
      limit: ctx.options.replayFetchLimit,
      cursor,
    };
    const pending = forCall(ctx).kv.query(ctx.options.tableName, request); // each request has a deadline of its own
    pending.catch(() => undefined); // observed later by peek(); avoid an unhandled rejection meanwhile
    return pending;
  }
}
