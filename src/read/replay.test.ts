/**
 * replay (getAllEvents' planning) on the in-memory twin, every KV query recorded: which catalog, bucket shards and
 * log shards it queries, in what order and from where (`startFromId`), and how it assembles pages.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import type { CreatedEvent, StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventCursorNotFoundError, EventStoreAdapterError } from '../errors/index.js';
import { EventStore, type EventStoreCoreOptions } from '../event-store.js';
import { logShardOf } from '../layout/codecs/log-counter.js';
import { CATALOG_PK, INDEX_GLOBAL_ORDER, INDEX_LOG, globalSk, logPk, streamPk } from '../layout/table-layout.js';
import { bucketOf, bucketShardPk } from '../layout/time-buckets.js';
import type { KvDriver, QueryRequest } from '../ports/kv-driver.js';
import { forCall, type StoreState } from '../runtime/store-context.js';
import { replay } from './replay.js';
import { compareUtf8 } from './replay-order.js';

/** `kv` recording the request of every query it answers, in the order they reach it. */
function recordingQueries(kv: KvDriver, queries: QueryRequest[]): KvDriver {
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === 'query') queries.push(args[1] as QueryRequest);
        return value.apply(target, args);
      };
    },
  });
}

let next = 0;
const at = (month: number, day: number): Date => new Date(Date.UTC(2024, month, day));
const event = (identifier: string, created: Date, id = `rp-${++next}`): CreatedEvent => ({
  id,
  domain: 'acct',
  type: 'deposited',
  identifier,
  payload: { n: next },
  created,
});

/** A store on the twin with `events` stored one call each, its queries recorded from then on (`queries`). */
async function seeded(events: readonly CreatedEvent[], options: Partial<EventStoreCoreOptions> = {}) {
  const queries: QueryRequest[] = [];
  const blobs = new MemoryBlobDriver();
  const store = new EventStore({ kv: recordingQueries(new MemoryKvDriver(), queries), blobs, ...options }, { sleep: async () => {} });
  await store.init();
  for (const created of events) await store.storeEvents([created]);
  queries.length = 0;
  const state = (store as unknown as { ctx: StoreState }).ctx;
  const run = async (pageSize: number, startFromId?: string): Promise<StoredEvent[][]> => {
    const pages: StoredEvent[][] = [];
    for await (const page of await replay(forCall(state), pageSize, startFromId)) pages.push(page);
    return pages;
  };
  return { store, blobs, queries, run };
}

/** `created ASC, id ASC` with ids by code point: the order getAllEvents promises. */
const createdOrder = (events: readonly CreatedEvent[]): string[] =>
  [...events].sort((left, right) => left.created.getTime() - right.created.getTime() || compareUtf8(left.id, right.id)).map(({ id }) => id);

/** Three months with events (January, March, April: February empty), several pages per shard at a fetch limit of 2. */
function threeMonths(): CreatedEvent[] {
  const events: CreatedEvent[] = [];
  for (let index = 0; index < 10; index++) events.push(event(`jan-${index}`, at(0, 1 + index)));
  // Same instant, ids whose code point order differs from UTF-16 order (U+FF5A vs a surrogate pair).
  for (const id of ['tie-z', 'tie-é', 'tie-ｚ', 'tie-😀']) events.push(event(`mar-${id}`, at(2, 5), id));
  for (let index = 0; index < 6; index++) events.push(event(`apr-${index}`, at(3, 1 + index)));
  return events;
}

const bucketsOf = (events: readonly CreatedEvent[]) =>
  [...new Set(events.map((created) => bucketOf(created.created)))].sort((a, b) => a - b);

describe('replay in created order', () => {
  it('reads the catalog, then every shard of each bucket holding events, in ascending buckets; nothing else', async () => {
    const events = threeMonths();
    const { queries, run } = await seeded(events, { bucketShards: 2, replayFetchLimit: 2 });
    const pages = await run(5);

    expect(pages.flat().map(({ id }) => id)).toEqual(createdOrder(events));
    expect(queries[0]).toMatchObject({ partition: CATALOG_PK, consistent: true, direction: 'asc' });
    expect(queries.filter((query) => query.partition === CATALOG_PK)).toHaveLength(1);

    const buckets = bucketsOf(events);
    const shardQueries = queries.slice(1);
    const expectedPartitions = buckets.flatMap((bucket) => [bucketShardPk(bucket, 0), bucketShardPk(bucket, 1)]);
    // Every shard of every listed bucket, and no partition of the empty month.
    expect(new Set(shardQueries.map((query) => query.partition))).toEqual(new Set(expectedPartitions));
    for (const query of shardQueries) {
      expect(query).toMatchObject({ index: INDEX_GLOBAL_ORDER, direction: 'asc', limit: 2 });
      expect(query.range).toBeUndefined();
    }
    // First requests in bucket order; a bucket's first page after its predecessor's first.
    const firstOf = expectedPartitions.map((partition) => shardQueries.findIndex((query) => query.partition === partition));
    expect(firstOf).toEqual([...firstOf].sort((a, b) => a - b));
    // The next bucket is opened with the current one (overlap), the one after only once the current is drained.
    const [january, march, april] = buckets.map((bucket) => [0, 1].map((shard) => bucketShardPk(bucket, shard)));
    const lastOfJanuary = Math.max(...shardQueries.flatMap((query, index) => (january!.includes(String(query.partition)) ? [index] : [])));
    expect(shardQueries.findIndex((query) => march!.includes(String(query.partition)))).toBeLessThan(lastOfJanuary);
    expect(shardQueries.findIndex((query) => april!.includes(String(query.partition)))).toBeGreaterThan(lastOfJanuary);
  });

  it('resumes right after startFromId: the catalog from its bucket, its bucket after its sort key, earlier buckets never', async () => {
    const events = threeMonths();
    const { queries, run } = await seeded(events, { bucketShards: 2, replayFetchLimit: 2 });
    const order = createdOrder(events);
    const cursor = events.find(({ id }) => id === 'tie-é')!;
    const [january, march, april] = bucketsOf(events);

    const pages = await run(4, cursor.id);

    expect(pages.flat().map(({ id }) => id)).toEqual(order.slice(order.indexOf(cursor.id) + 1));
    const catalog = queries.filter((query) => query.partition === CATALOG_PK);
    expect(catalog).toEqual([expect.objectContaining({ range: { op: 'gte', value: march } })]);
    const partitions = new Set(queries.map((query) => query.partition));
    expect([0, 1].some((shard) => partitions.has(bucketShardPk(january!, shard)))).toBe(false);
    for (const query of queries.filter((query) => String(query.partition).startsWith(`g|${march}|`))) {
      expect(query.range).toEqual({ op: 'gt', value: globalSk(cursor.created.toISOString(), cursor.id) });
    }
    for (const query of queries.filter((query) => String(query.partition).startsWith(`g|${april}|`))) expect(query.range).toBeUndefined();
  });

  it('refuses before returning the iterator: a bad page size (no query made), an unknown startFromId', async () => {
    const { queries, run } = await seeded([event('only', at(0, 1))]);
    for (const pageSize of [0, -1, 1.5, 10_001]) {
      const error = await run(pageSize).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(EventStoreAdapterError);
      expect((error as EventStoreAdapterError).code).toBe(ErrorCodes.INVALID_PAGE_SIZE);
    }
    expect(queries).toEqual([]);
    const unknown = await run(10, 'no-such-event').catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(EventCursorNotFoundError);
    expect((unknown as EventCursorNotFoundError).code).toBe(ErrorCodes.UNKNOWN_CURSOR);
  });

  it('assembles pages of exactly pageSize, the last one shorter, never an empty one', async () => {
    const events = Array.from({ length: 7 }, (_, index) => event(`page-${index}`, at(0, 1 + index)));
    const { run } = await seeded(events, { replayFetchLimit: 3 });
    expect((await run(3)).map((page) => page.length)).toEqual([3, 3, 1]);
    expect((await run(7)).map((page) => page.length)).toEqual([7]);
    expect((await run(100)).map((page) => page.length)).toEqual([7]);
    expect((await run(1)).map((page) => page.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('an empty store yields no page at all', async () => {
    const { queries, run } = await seeded([]);
    expect(await run(10)).toEqual([]);
    expect(queries.map((query) => query.partition)).toEqual([CATALOG_PK]);
  });

  it('an unreadable event fails the replay naming it, or with onUnreadable is reported and left out (its page then not yielded)', async () => {
    const events = [event('a', at(0, 1)), { ...event('b', at(0, 2)), payload: { big: 'x'.repeat(8_000) } }, event('c', at(0, 3))];
    const unreadable: EventStoreAdapterError[] = [];
    const strict = await seeded(events, { offloadThresholdBytes: 4096 });
    await deleteEveryBlob(strict.blobs);
    const failure = await strict.run(1).catch((caught: unknown) => caught);
    expect((failure as EventStoreAdapterError).code).toBe(ErrorCodes.MISSING_BLOB);
    expect((failure as EventStoreAdapterError).details).toMatchObject({ eventId: events[1]!.id });

    const lenient = await seeded(events, { offloadThresholdBytes: 4096, onUnreadable: (error) => void unreadable.push(error) });
    await deleteEveryBlob(lenient.blobs);
    const pages = await lenient.run(1);
    expect(pages.map((page) => page.map(({ id }) => id))).toEqual([[events[0]!.id], [events[2]!.id]]);
    expect(unreadable.map((error) => [error.code, error.details.eventId])).toEqual([[ErrorCodes.MISSING_BLOB, events[1]!.id]]);
  });
});

async function deleteEveryBlob(blobs: MemoryBlobDriver): Promise<void> {
  const { keys } = await blobs.list('');
  expect(keys.length).toBeGreaterThan(0);
  await blobs.delete(keys);
}

describe("replay in log order (replayOrder: 'log')", () => {
  /** Events over several streams, so both log shards get some; committed one by one (positions 1, 2, ... per shard). */
  function acrossShards(): CreatedEvent[] {
    return Array.from({ length: 12 }, (_, index) => event(`stream-${index % 5}`, at(0, 28 - index)));
  }
  const shardOfEvent = (created: CreatedEvent) => logShardOf(streamPk(created.domain, created.identifier), 2);

  /** The log order: positions per shard in commit order, the shards merged by (position, shard). */
  function logOrder(events: readonly CreatedEvent[]): Array<{ id: string; shard: number; position: number }> {
    const counters = [0, 0];
    const placed = events.map((created) => {
      const shard = shardOfEvent(created);
      return { id: created.id, shard, position: ++counters[shard]! };
    });
    return placed.sort((left, right) => left.position - right.position || left.shard - right.shard);
  }

  it('queries the log index of every shard (no catalog), merged by (position, shard), not by created', async () => {
    const events = acrossShards();
    expect(new Set(events.map(shardOfEvent))).toEqual(new Set([0, 1]));
    const { queries, run } = await seeded(events, { changeFeed: { shards: 2 }, replayOrder: 'log', replayFetchLimit: 2 });

    const pages = await run(5);

    expect(pages.flat().map(({ id }) => id)).toEqual(logOrder(events).map(({ id }) => id));
    expect(pages.flat().map(({ id }) => id)).not.toEqual(createdOrder(events));
    expect(queries.some((query) => query.partition === CATALOG_PK)).toBe(false);
    expect(new Set(queries.map((query) => query.partition))).toEqual(new Set([logPk(0), logPk(1)]));
    for (const query of queries) expect(query).toMatchObject({ index: INDEX_LOG, direction: 'asc', limit: 2 });
  });

  it('resumes after startFromId: shards up to its shard after its position, later shards at it', async () => {
    const events = acrossShards();
    const order = logOrder(events);
    const cursor = order.find(({ shard, position }) => shard === 0 && position === 2)!;
    expect(cursor).toBeDefined();
    const { queries, run } = await seeded(events, { changeFeed: { shards: 2 }, replayOrder: 'log' });

    const pages = await run(3, cursor.id);

    expect(pages.flat().map(({ id }) => id)).toEqual(order.slice(order.indexOf(cursor) + 1).map(({ id }) => id));
    const first = (shard: number) => queries.find((query) => query.partition === logPk(shard));
    expect(first(0)?.range).toEqual({ op: 'gt', value: cursor.position });
    expect(first(1)?.range).toEqual({ op: 'gte', value: cursor.position });
  });
});
