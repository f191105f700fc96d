/**
 * The change feed's reader (readLogPage, consumerStartCursor) on the in-memory twin, behind a thin KV wrapper that
 * records the reader's requests and can hold back log-index items (an index item still on its way): cursor
 * handling, per-shard gapless delivery, page size bounds, and the error codes of cursors that are not this log's.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import type { CreatedEvent, ExpectedStreamVersion, StoredEvent } from '../compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../errors/index.js';
import { EventStore } from '../event-store.js';
import { logShardOf } from '../layout/codecs/log-counter.js';
import { A, INDEX_LOG, logPk, streamPk } from '../layout/table-layout.js';
import type { Item, KvDriver, QueryPage, QueryRequest } from '../ports/kv-driver.js';
import { forCall, type StoreState } from '../runtime/store-context.js';
import { consumerStartCursor, readLogPage } from './change-feed.js';

const SHARDS = 2;

/** What the wrapper saw and what it holds back. */
interface Wire {
  /** Every KV call, by operation name, in order. */
  readonly calls: string[];
  /** Every log-index query's request. */
  readonly logQueries: QueryRequest[];
  /** `shard:position` of log-index items the index does not show yet. */
  readonly held: Set<string>;
}

/** `kv` with its calls recorded and the `held` log-index items left out of query pages. */
function wired(kv: KvDriver, wire: Wire): KvDriver {
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        wire.calls.push(String(property));
        const request = args[1] as QueryRequest;
        if (property !== 'query' || request.index !== INDEX_LOG) return value.apply(target, args);
        wire.logQueries.push(request);
        const page = (await value.apply(target, args)) as QueryPage;
        const shard = String(request.partition).split('|').at(-1);
        return { ...page, items: page.items.filter((item: Item) => !wire.held.has(`${shard}:${item[A.logSk]}`)) };
      };
    },
  });
}

let next = 0;
const event = (identifier: string): CreatedEvent => ({
  id: `cf-${++next}`,
  domain: 'acct',
  type: 'deposited',
  identifier,
  payload: { n: next },
  created: new Date(Date.UTC(2024, 0, 1) - next * 60_000), // created runs backwards: the feed must not care
});
const shardOf = (identifier: string) => logShardOf(streamPk('acct', identifier), SHARDS);

/** Stream names, two on each log shard. */
function streamsOnBothShards(): string[] {
  const byShard: string[][] = [[], []];
  for (let index = 0; byShard.some((names) => names.length < 2); index++) {
    const name = `stream-${index}`;
    const names = byShard[shardOf(name)]!;
    if (names.length < 2) names.push(name);
  }
  return byShard.flat();
}

/** A store with the change feed on `SHARDS` shards, `perStream` events in each of four streams (one call each). */
async function seeded(perStream: number, tableName = 'feed-reader') {
  const wire: Wire = { calls: [], logQueries: [], held: new Set() };
  const kv = new MemoryKvDriver();
  const store = new EventStore(
    { kv: wired(kv, wire), blobs: new MemoryBlobDriver(), tableName, changeFeed: { shards: SHARDS } },
    { sleep: async () => {} },
  );
  await store.init();
  const streams = streamsOnBothShards();
  const events: CreatedEvent[] = [];
  for (let round = 0; round < perStream; round++) {
    for (const stream of streams) {
      const created = event(stream);
      events.push(created);
      await store.storeEvents([created]);
    }
  }
  /** Each shard's events in commit order: its positions 1, 2, ... */
  const logs = [0, 1].map((shard) => events.filter((created) => shardOf(created.identifier!) === shard).map(({ id }) => id));
  const state = (store as unknown as { ctx: StoreState }).ctx;
  const read = (cursor: readonly ExpectedStreamVersion[] | undefined, pageSize: number) => {
    wire.calls.length = 0;
    wire.logQueries.length = 0;
    return readLogPage(forCall(state), cursor, pageSize);
  };
  return { store, kv, state, wire, events, logs, read };
}

/** The code and `details.reason` of what `call` rejected with. */
async function refusal(call: Promise<unknown>): Promise<[string, unknown]> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EventStoreAdapterError);
  return [(error as EventStoreAdapterError).code, (error as EventStoreAdapterError).details.reason];
}

const ids = (events: readonly StoredEvent[]) => events.map(({ id }) => id);
const positionsOf = (cursor: readonly ExpectedStreamVersion[]) => cursor.slice(1).map((entry) => entry.expectedVersion);

describe('change feed reader: cursors', () => {
  it('chained cursors (through JSON) deliver every event once, each stream in order; an idle poll reads counters only', async () => {
    const { events, logs, read, state, wire } = await seeded(4);
    const delivered: StoredEvent[] = [];
    let cursor: ExpectedStreamVersion[] | undefined;
    for (let calls = 0; calls < 20; calls++) {
      const page = await read(cursor, 3);
      expect(page.events.length).toBeLessThanOrEqual(3);
      delivered.push(...page.events);
      cursor = JSON.parse(JSON.stringify(page.cursor)) as ExpectedStreamVersion[];
      if (page.events.length === 0) break;
    }
    expect(ids(delivered).sort()).toEqual(events.map(({ id }) => id).sort());
    for (const stream of new Set(events.map((created) => created.identifier))) {
      expect(delivered.filter((stored) => stored.identifier === stream).map((stored) => stored.sequence)).toEqual([1, 2, 3, 4]);
    }
    // The cursor: the table and its generation, then each shard's last delivered position.
    expect(cursor).toEqual([
      { domain: '$table', identifier: `feed-reader/${state.instance.generation}`, expectedVersion: SHARDS },
      { domain: '$log', identifier: '0', expectedVersion: logs[0]!.length },
      { domain: '$log', identifier: '1', expectedVersion: logs[1]!.length },
    ]);
    const idle = await read(cursor, 3);
    expect(idle).toEqual({ events: [], cursor, behind: 0 });
    expect(wire.calls).toEqual(['batchGet']);
  });

  it('no cursor is the log’s beginning; consumerStartCursor gives start (zeros), end (the counters) and checks a given one', async () => {
    const { logs, read, state } = await seeded(2);
    const first = await read(undefined, 1);
    expect(first.events).toHaveLength(1);
    expect([logs[0]![0], logs[1]![0]]).toContain(first.events[0]!.id);
    expect(positionsOf(await consumerStartCursor(forCall(state), 'start'))).toEqual([0, 0]);
    const end = await consumerStartCursor(forCall(state), 'end');
    expect(positionsOf(end)).toEqual([logs[0]!.length, logs[1]!.length]);
    expect(await read(end, 10)).toMatchObject({ events: [], behind: 0 });
    expect(await consumerStartCursor(forCall(state), first.cursor)).toEqual(first.cursor);
  });
});

describe('change feed reader: per-shard gapless delivery', () => {
  it('stops a shard at the first position its index does not show yet, delivers the other shard, then resumes exactly there', async () => {
    const { logs, read, wire } = await seeded(3);
    wire.held.add('0:2'); // shard 0's second event: committed, its index item not there yet
    const first = await read(undefined, 100);
    expect(ids(first.events).filter((id) => logs[0]!.includes(id))).toEqual([logs[0]![0]]);
    expect(ids(first.events).filter((id) => logs[1]!.includes(id))).toEqual(logs[1]);
    expect(positionsOf(first.cursor)).toEqual([1, logs[1]!.length]);
    expect(first.behind).toBe(logs[0]!.length - 1);

    const waiting = await read(first.cursor, 100);
    expect(waiting.events).toEqual([]);
    expect(waiting.cursor).toEqual(first.cursor);
    expect(wire.logQueries.map((query) => [query.partition, query.range])).toEqual([[logPk(0), { op: 'gt', value: 1 }]]);

    wire.held.clear();
    const caughtUp = await read(waiting.cursor, 100);
    expect(ids(caughtUp.events)).toEqual(logs[0]!.slice(1));
    expect(positionsOf(caughtUp.cursor)).toEqual([logs[0]!.length, logs[1]!.length]);
    expect(caughtUp.behind).toBe(0);
  });
});

describe('change feed reader: page size', () => {
  it('refuses a page size outside 1..10,000 or not an integer before any KV call', async () => {
    const { read, wire } = await seeded(1);
    for (const pageSize of [0, -3, 2.5, 10_001, Number.NaN]) {
      expect(await refusal(read(undefined, pageSize))).toEqual([ErrorCodes.INVALID_PAGE_SIZE, undefined]);
      expect(wire.calls).toEqual([]);
    }
    expect((await read(undefined, 10_000)).events).toHaveLength(4);
  });

  it('shares the page between the shards with new events (limits sum to the page size) and starves none at size 1', async () => {
    const { logs, read, wire } = await seeded(5);
    const shared = await read(undefined, 5);
    // Equal parts, the remainder to the shards from a rotating start (the positions' sum, 0 here): 3 and 2.
    expect(wire.logQueries.map((query) => [query.partition, query.limit]).sort()).toEqual([
      [logPk(0), 3],
      [logPk(1), 2],
    ]);
    expect(ids(shared.events)).toEqual([...logs[0]!.slice(0, 3), ...logs[1]!.slice(0, 2)]);

    const served: number[] = [];
    let cursor: ExpectedStreamVersion[] | undefined;
    for (let call = 0; call < 4; call++) {
      const page = await read(cursor, 1);
      expect(page.events).toHaveLength(1);
      expect(wire.logQueries).toHaveLength(1); // a shard whose share is 0 is not queried
      served.push(logs[0]!.includes(page.events[0]!.id) ? 0 : 1);
      cursor = page.cursor;
    }
    expect(served).toEqual([0, 1, 0, 1]);
  });

  it('queries only the shards with positions past the cursor, giving them the whole page', async () => {
    const { store, logs, read, state, wire } = await seeded(1);
    const end = await consumerStartCursor(forCall(state), 'end');
    const stream = streamsOnBothShards()[0]!; // a stream of shard 0
    const later = [event(stream), event(stream)];
    for (const created of later) await store.storeEvents([created]);
    const page = await read(end, 5);
    expect(wire.logQueries.map((query) => [query.partition, query.limit])).toEqual([[logPk(0), 5]]);
    expect(ids(page.events)).toEqual(later.map(({ id }) => id));
    expect(positionsOf(page.cursor)).toEqual([logs[0]!.length + 2, logs[1]!.length]);
  });
});

describe('change feed reader: cursors that are not this log’s', () => {
  it('INPUT/INVALID_CURSOR for what this store never makes, naming the reason', async () => {
    const { read, state } = await seeded(1);
    const good = await consumerStartCursor(forCall(state), 'start');
    const malformed: Array<[unknown, string]> = [
      [{}, 'not-an-array'],
      [null, 'not-an-array'],
      [[], 'length'],
      [[good[0]], 'length'],
      [[good[0], { ...good[1]!, expectedVersion: -1 }, good[2]], 'entry'],
      [[good[0], good[2], good[1]], 'entry'], // shard entries out of order
      [[{ ...good[0]!, domain: '$log' }, good[1], good[2]], 'entry'],
      [[{ ...good[0]!, identifier: 'feed-reader' }, good[1], good[2]], 'entry'],
      [[...good, { domain: '$log', identifier: '2', expectedVersion: 0 }], 'length'],
    ];
    for (const [cursor, reason] of malformed) {
      expect(await refusal(read(cursor as ExpectedStreamVersion[], 10)), JSON.stringify(cursor)).toEqual([
        ErrorCodes.INVALID_CURSOR,
        reason,
      ]);
    }
  });

  it('STORE/STALE_CURSOR for another table’s cursor, one from before a reset, and one ahead of the log', async () => {
    const { store, logs, read, state } = await seeded(1);
    const good = await consumerStartCursor(forCall(state), 'start');
    const otherTable = [{ ...good[0]!, identifier: `feed-other/${state.instance.generation}` }, good[1]!, good[2]!];
    expect(await refusal(read(otherTable, 10))).toEqual([ErrorCodes.STALE_CURSOR, 'other-table']);
    const otherShardCount = [
      { ...good[0]!, expectedVersion: 3 },
      good[1]!,
      good[2]!,
      { domain: '$log', identifier: '2', expectedVersion: 0 },
    ];
    expect(await refusal(read(otherShardCount, 10))).toEqual([ErrorCodes.STALE_CURSOR, 'other-table']);
    const ahead = [good[0]!, { ...good[1]!, expectedVersion: logs[0]!.length + 1 }, good[2]!];
    expect(await refusal(read(ahead, 10))).toEqual([ErrorCodes.STALE_CURSOR, 'ahead-of-log']);
    expect(await refusal(consumerStartCursor(forCall(state), ahead))).toEqual([ErrorCodes.STALE_CURSOR, 'ahead-of-log']);

    await store.resetStore();
    expect(await refusal(read(good, 10))).toEqual([ErrorCodes.STALE_CURSOR, 'table-reset']);
    expect(await read(undefined, 10)).toMatchObject({ events: [], behind: 0 });
  });
});
