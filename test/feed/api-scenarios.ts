/**
 * The change feed's API, scenario by scenario, on any backend (the twin in test/feed/change-feed-api.test.ts,
 * DynamoDB Local + S3 in test/feed/change-feed.real.test.ts): the option and its refusals, the cursor's shape and
 * refusals, the reproduction of the `getAllEvents` resume hazard, offloaded events, and `subscribe`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForwardingKvDriver } from '../../contract-tests/faulty/forwarding.js';
import type { CreatedEvent, ExpectedStreamVersion, StoredEvent } from '../../src/compat/contract-types.js';
import type { KvDriver, TransactAction, TransactResult } from '../../src/ports/kv-driver.js';
import { ErrorCodes } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import { caught } from '../helpers/caught.js';
import type { SafetyBackend } from '../safety/backends.js';

let counter = 0;
const event = (identifier: string, created: Date, overrides: Partial<CreatedEvent> = {}): CreatedEvent => ({
  id: `feed-${++counter}`,
  domain: 'orders',
  identifier,
  type: 'placed',
  payload: { n: counter },
  created,
  ...overrides,
});

/** Chain `getLogPage` from `cursor` until an empty page; the events and the last cursor. */
export async function drain(
  store: EventStore,
  cursor?: ExpectedStreamVersion[],
  pageSize = 100,
): Promise<{ events: StoredEvent[]; cursor: ExpectedStreamVersion[] }> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.getLogPage(cursor, pageSize);
    cursor = page.cursor;
    if (page.events.length === 0) return { events, cursor };
    events.push(...page.events);
  }
}

/** Records the versions of every committed write of a consumer's cursor item (pk `consumer|…`). */
class ConsumerWritesKvDriver extends ForwardingKvDriver {
  readonly committedVersions: number[] = [];
  constructor(inner: KvDriver) {
    super(inner);
  }
  override async transactWrite(table: string, actions: readonly TransactAction[], options?: { token?: string }): Promise<TransactResult> {
    const result = await super.transactWrite(table, actions, options);
    if (result.committed) {
      for (const action of actions)
        if (action.type === 'put' && String(action.item.pk).startsWith('consumer|')) this.committedVersions.push(action.item.v as number);
    }
    return result;
  }
}

/** Wait (real time, bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Register the scenarios for the backend `make` opens (once for the describe block). */
export function changeFeedApiScenarios(make: () => SafetyBackend): void {
  let backend: SafetyBackend;
  const stores: EventStore[] = [];
  const open = (table: string, options: Parameters<SafetyBackend['store']>[1] = {}) => {
    const store = backend.store(table, options);
    stores.push(store);
    return store;
  };
  beforeAll(() => {
    backend = make();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await backend.dispose();
  });

  describe('the option', () => {
    it('getLogPage and subscribe on a store without changeFeed: STORE/CHANGE_FEED_DISABLED, nothing read', async () => {
      const store = open(backend.table('feed-off'));
      await store.storeEvents([event('a', new Date())]);
      expect((await caught(store.getLogPage())).code).toBe(ErrorCodes.CHANGE_FEED_DISABLED);
      expect((await caught(store.subscribe({ name: 'x', handler: () => undefined }))).code).toBe(ErrorCodes.CHANGE_FEED_DISABLED);
    });

    it('is fixed at table creation: another shard count is STORE/LAYOUT_MISMATCH (field changeFeed), no feed on a feed table or a feed on a plain one DRIVER/SCHEMA_MISMATCH', async () => {
      const table = backend.table('feed-fixed');
      await open(table, { changeFeed: { shards: 3 } }).init();
      const other = await caught(open(table, { changeFeed: { shards: 4 } }).init());
      expect(other.code).toBe(ErrorCodes.LAYOUT_MISMATCH);
      expect(other.details).toMatchObject({ field: 'changeFeed', stored: 3, configured: 4 });
      expect((await caught(open(table).init())).code).toBe(ErrorCodes.SCHEMA_MISMATCH);
      const plain = backend.table('feed-plain');
      await open(plain).init();
      expect((await caught(open(plain, { changeFeed: true }).init())).code).toBe(ErrorCodes.SCHEMA_MISMATCH);
    });
  });

  describe('getLogPage', () => {
    let store: EventStore;
    let table: string;
    beforeAll(async () => {
      table = backend.table('feed-api');
      store = open(table, { changeFeed: true });
      await store.init();
    });

    it('an empty log: no events, a cursor of shards + 1 entries that survives JSON and is returned unchanged by an empty page', async () => {
      const page = await store.getLogPage();
      expect(page.events).toEqual([]);
      expect(page.cursor).toHaveLength(5);
      const again = await store.getLogPage(JSON.parse(JSON.stringify(page.cursor)) as ExpectedStreamVersion[]);
      expect(again).toEqual({ events: [], cursor: page.cursor });
    });

    it("the issue's reproduction: an event committed later with an earlier created is missed by a getAllEvents resume, delivered by getLogPage", async () => {
      const start = await drain(store);
      const a = event('repro', new Date('2026-06-01T00:00:00.050Z'));
      await store.storeEvents([a]);
      const first = await drain(store, start.cursor);
      expect(first.events.map((e) => e.id)).toEqual([a.id]);
      const b = event('repro-2', new Date('2026-06-01T00:00:00.000Z'));
      await store.storeEvents([b]);
      // getAllEvents resumes after `a` in created order: `b` sorts before it and is never seen.
      const resumed: StoredEvent[] = [];
      for await (const page of await store.getAllEvents(10, a.id)) resumed.push(...page);
      expect(resumed.map((e) => e.id)).not.toContain(b.id);
      const next = await drain(store, first.cursor);
      expect(next.events.map((e) => e.id)).toEqual([b.id]);
    });

    it('any created (1970, 2999), each stream in sequence order, offloaded payloads hydrated, every event once', async () => {
      const start = await drain(store);
      const big = 'x'.repeat(6_000); // over the backend's 4 KB offload threshold
      const batch = [
        event('s1', new Date(0)),
        event('s2', new Date('2999-12-31T23:59:59.999Z')),
        event('s1', new Date('2999-01-01T00:00:00.000Z'), { payload: { big } }),
        event('s3', new Date('1999-01-01T00:00:00.000Z')),
        event('s1', new Date(5)),
      ];
      await store.storeEvents(batch);
      await store.storeEvents([event('s2', new Date(1))]);
      const { events } = await drain(store, start.cursor, 2);
      expect(events.map((e) => e.id).sort()).toEqual([...batch.map((e) => e.id), `feed-${counter}`].sort());
      const s1 = events.filter((e) => e.identifier === 's1');
      expect(s1.map((e) => e.sequence)).toEqual([1, 2, 3]);
      expect(s1[1]!.payload).toEqual({ big });
      const s2 = events.filter((e) => e.identifier === 's2');
      expect(s2.map((e) => e.sequence)).toEqual([1, 2]);
    });

    it('refuses a malformed cursor with INPUT/INVALID_CURSOR and a bad page size with INPUT/INVALID_PAGE_SIZE', async () => {
      const { cursor } = await store.getLogPage();
      const bad: unknown[] = [
        null,
        'cursor',
        [],
        [{ domain: 'orders', identifier: 'x', expectedVersion: 1 }],
        [...cursor.slice(0, 2)],
        cursor.map((entry, index) => (index === 1 ? { ...entry, expectedVersion: -1 } : entry)),
      ];
      for (const value of bad)
        expect((await caught(store.getLogPage(value as ExpectedStreamVersion[]))).code).toBe(ErrorCodes.INVALID_CURSOR);
      expect((await caught(store.getLogPage(undefined, 0))).code).toBe(ErrorCodes.INVALID_PAGE_SIZE);
      expect((await caught(store.getLogPage(undefined, 1.5))).code).toBe(ErrorCodes.INVALID_PAGE_SIZE);
    });

    it('refuses a cursor of another table, one ahead of the log, and one from before resetStore: STORE/STALE_CURSOR with the reason', async () => {
      const otherTable = open(backend.table('feed-other'), { changeFeed: true });
      const foreign = (await otherTable.getLogPage()).cursor;
      const otherTableError = await caught(store.getLogPage(foreign));
      expect(otherTableError.code).toBe(ErrorCodes.STALE_CURSOR);
      expect(otherTableError.details.reason).toBe('other-table');

      const { cursor } = await drain(store);
      const ahead = cursor.map((entry, index) => (index === 1 ? { ...entry, expectedVersion: entry.expectedVersion + 1 } : entry));
      const aheadError = await caught(store.getLogPage(ahead));
      expect(aheadError.code).toBe(ErrorCodes.STALE_CURSOR);
      expect(aheadError.details.reason).toBe('ahead-of-log');

      const resettable = open(backend.table('feed-reset'), { changeFeed: { shards: 2 } });
      await resettable.storeEvents([event('r', new Date())]);
      const before = await drain(resettable);
      expect(before.events).toHaveLength(1);
      await resettable.resetStore();
      await resettable.storeEvents([event('r', new Date())]);
      const resetError = await caught(resettable.getLogPage(before.cursor));
      expect(resetError.code).toBe(ErrorCodes.STALE_CURSOR);
      expect(resetError.details.reason).toBe('table-reset');
      expect((await drain(resettable)).events).toHaveLength(1);
    });

    it('63 shards: a cursor of 64 entries', async () => {
      const wide = open(backend.table('feed-wide'), { changeFeed: { shards: 63 } });
      await wide.storeEvents(Array.from({ length: 20 }, (_, index) => event(`w${index}`, new Date())));
      const { events, cursor } = await drain(wide);
      expect(events).toHaveLength(20);
      expect(cursor).toHaveLength(64);
    });
  });

  describe("getAllEvents with replayOrder: 'log'", () => {
    const replayAll = async (store: EventStore, pageSize: number, startFromId?: string) => {
      const events: StoredEvent[] = [];
      for await (const page of await store.getAllEvents(pageSize, startFromId)) {
        expect(page.length).toBeLessThanOrEqual(pageSize);
        events.push(...page);
      }
      return events;
    };

    it('one shard: the commit order, whatever the created dates; a resume after any event is exact', async () => {
      const store = open(backend.table('feed-order-1'), { changeFeed: { shards: 1 }, replayOrder: 'log' });
      const written = [
        event('o1', new Date('2999-01-01T00:00:00.000Z')),
        event('o2', new Date(0)),
        event('o1', new Date('2020-05-05T00:00:00.000Z')),
      ];
      for (const created of written) await store.storeEvents([created]);
      await store.storeEvents([event('o3', new Date('1999-01-01T00:00:00.000Z')), event('o2', new Date(1))]);
      const all = await replayAll(store, 2);
      const order = [...written.map((e) => e.id), `feed-${counter - 1}`, `feed-${counter}`];
      expect(all.map((e) => e.id)).toEqual(order);
      for (const [position, id] of order.entries())
        expect((await replayAll(store, 3, id)).map((e) => e.id)).toEqual(order.slice(position + 1));
      expect((await caught(store.getAllEvents(10, 'never-stored'))).code).toBe(ErrorCodes.UNKNOWN_CURSOR);
    });

    it('several shards: every event once, each stream in order, and a resume after any event gives exactly the rest', async () => {
      const store = open(backend.table('feed-order-3'), { changeFeed: { shards: 3 }, replayOrder: 'log' });
      for (let round = 0; round < 4; round++)
        await store.storeEvents(
          Array.from({ length: 4 }, (_, index) => event(`m${(index + round) % 5}`, new Date(Date.UTC(2030 - round, 0, 1)))),
        );
      const all = await replayAll(store, 5);
      expect(new Set(all.map((e) => e.id)).size).toBe(16);
      const last = new Map<string, number>();
      for (const stored of all) {
        expect(stored.sequence).toBe((last.get(stored.identifier!) ?? 0) + 1);
        last.set(stored.identifier!, stored.sequence);
      }
      for (const [position, stored] of all.entries())
        expect((await replayAll(store, 4, stored.id)).map((e) => e.id)).toEqual(all.slice(position + 1).map((e) => e.id));
    });

    it("'log' without the change feed is refused by name", () => {
      expect(() => backend.store(backend.table('feed-order-off'), { replayOrder: 'log' })).toThrow(
        expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS, message: expect.stringContaining('replayOrder') }),
      );
    });
  });

  describe('subscribe', () => {
    it('a new name starts at the log beginning; pages reach the handler; stop() ends it and the cursor is stored under the name', async () => {
      const store = open(backend.table('feed-sub'), { changeFeed: { shards: 2 } });
      const written = Array.from({ length: 7 }, (_, index) => event(`u${index % 3}`, new Date()));
      await store.storeEvents(written);
      const seen: string[] = [];
      const subscription = await store.subscribe({
        name: 'projector',
        pageSize: 3,
        pollIntervalMs: 5,
        handler: (events) => void seen.push(...events.map((e) => e.id)),
      });
      await until(() => seen.length >= 7, 'the first 7 events');
      await until(() => subscription.lag().events === 0, 'lag 0');
      expect(subscription.lag()).toEqual({ events: 0, seconds: 0 });
      await subscription.stop();
      await subscription.done;
      expect([...seen].sort()).toEqual(written.map((e) => e.id).sort());
      // A restart of the same name resumes after what it handled; another name starts at the beginning.
      const more = event('u9', new Date());
      await store.storeEvents([more]);
      const resumed: string[] = [];
      const again = await store.subscribe({
        name: 'projector',
        pollIntervalMs: 5,
        handler: (events) => void resumed.push(...events.map((e) => e.id)),
      });
      const fresh: string[] = [];
      const other = await store.subscribe({
        name: 'auditor',
        pollIntervalMs: 5,
        handler: (events) => void fresh.push(...events.map((e) => e.id)),
      });
      await until(() => resumed.length >= 1 && fresh.length >= 8, 'the restarted and the new consumer');
      await Promise.all([again.stop(), other.stop()]);
      expect(resumed).toEqual([more.id]);
      expect(fresh).toHaveLength(8);
    });

    it('a throwing handler is retried with the same page and the cursor does not move; lag counts the page', async () => {
      const store = open(backend.table('feed-fail'), { changeFeed: { shards: 1 }, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
      await store.storeEvents([event('f', new Date()), event('f', new Date())]);
      let calls = 0;
      let healthy = false;
      const pages: string[][] = [];
      const subscription = await store.subscribe({
        name: 'flaky',
        pollIntervalMs: 5,
        handler: (events) => {
          calls++;
          pages.push(events.map((e) => e.id));
          if (!healthy) throw new Error('not yet');
        },
      });
      await until(() => calls >= 3, 'three failed attempts');
      expect(subscription.lag().events).toBe(2);
      expect(new Set(pages.map((page) => page.join()))).toHaveProperty('size', 1);
      healthy = true;
      await until(() => subscription.lag().events === 0, 'recovery');
      await subscription.stop();
      expect(backend.warnings.some((warning) => warning.code === 'WARN/HANDLER_FAILED')).toBe(true);
      // The cursor moved only once the handler succeeded: a restart has nothing left to deliver.
      const after: string[] = [];
      const restarted = await store.subscribe({
        name: 'flaky',
        pollIntervalMs: 5,
        handler: (events) => void after.push(...events.map((e) => e.id)),
      });
      await store.storeEvents([event('f', new Date())]);
      await until(() => after.length >= 1, 'the next event');
      await restarted.stop();
      expect(after).toEqual([`feed-${counter}`]);
    });

    it('two instances of one consumer: never both advance the cursor from one point; together they handle every event', async () => {
      const table = backend.table('feed-pair');
      const recording = new ConsumerWritesKvDriver(backend.kv);
      const one = open(table, { changeFeed: { shards: 2 }, kv: recording });
      const other = open(table, { changeFeed: { shards: 2 }, kv: recording });
      const written = Array.from({ length: 12 }, (_, index) => event(`p${index % 4}`, new Date()));
      await one.storeEvents(written);
      const handled = new Set<string>();
      const slowly = async (events: StoredEvent[]) => {
        await new Promise((resolve) => setTimeout(resolve, 3)); // both instances hold the same page at once
        events.forEach((e) => handled.add(e.id));
      };
      const first = await one.subscribe({ name: 'pair', pageSize: 2, pollIntervalMs: 1, handler: slowly });
      const second = await other.subscribe({ name: 'pair', pageSize: 2, pollIntervalMs: 1, handler: slowly });
      await until(() => handled.size === 12 && first.lag().events === 0 && second.lag().events === 0, 'both caught up');
      await Promise.all([first.stop(), second.stop()]);
      expect([...handled].sort()).toEqual(written.map((e) => e.id).sort());
      // Each committed cursor write took the next version: no two commits advanced from one stored point.
      const versions = recording.committedVersions;
      expect(versions.length).toBeGreaterThan(0);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, index) => index + 1));
      // The stored cursor is complete: a third instance finds nothing to deliver.
      const late: string[] = [];
      const third = await one.subscribe({
        name: 'pair',
        pollIntervalMs: 1,
        handler: (events) => void late.push(...events.map((e) => e.id)),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await third.stop();
      expect(late).toEqual([]);
    });

    it("issue 16 defect 3: a resetStore during a new consumer's first page does not wedge it: it restarts at the new table's beginning, and so does a later subscribe of the name", async () => {
      const table = backend.table('feed-wedge');
      const options = { changeFeed: { shards: 2 }, retry: { baseDelayMs: 1, maxDelayMs: 5 } };
      const consumerStore = open(table, options);
      const resetter = open(table, options);
      await consumerStore.storeEvents([event('w', new Date()), event('w', new Date())]);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered = false;
      const seen: string[] = [];
      const subscription = await consumerStore.subscribe({
        name: 'wedge',
        pollIntervalMs: 5,
        handler: async (events) => {
          if (!entered) {
            entered = true;
            await gate; // the first page is in the handler while another process resets the table
          }
          seen.push(...events.map((e) => e.id));
        },
      });
      let ended: unknown;
      void subscription.done.catch((error: unknown) => (ended = error));
      await until(() => entered, 'the first page in the handler');
      await resetter.resetStore();
      release();
      // The first cursor write lands in the new table with the old table's cursor; the consumer must not wedge on it.
      const after = [event('w2', new Date()), event('w3', new Date())];
      await resetter.storeEvents(after);
      await until(() => ended !== undefined || after.every((e) => seen.includes(e.id)), 'the events stored after the reset');
      expect(ended).toBeUndefined();
      await subscription.stop();
      expect(backend.warnings.some((warning) => warning.code === 'WARN/CONSUMER_RESTARTED')).toBe(true);
      // A later subscribe of the name resumes in the new table: the next event, once.
      const next = event('w4', new Date());
      await resetter.storeEvents([next]);
      const resumed: string[] = [];
      const again = await consumerStore.subscribe({
        name: 'wedge',
        pollIntervalMs: 5,
        handler: (events) => void resumed.push(...events.map((e) => e.id)),
      });
      let againEnded: unknown;
      void again.done.catch((error: unknown) => (againEnded = error));
      await until(() => againEnded !== undefined || resumed.includes(next.id), 'the next event through a new subscribe');
      await again.stop();
      expect(againEnded).toBeUndefined();
      expect(resumed).toEqual([next.id]);
    });

    it('a running consumer outlives the moment a reset elsewhere leaves the table missing: it waits (WARN/FEED_RETRY), then goes on in the new table', async () => {
      const table = backend.table('feed-gone');
      const options = { changeFeed: { shards: 2 }, retry: { baseDelayMs: 1, maxDelayMs: 5 } };
      const consumerStore = open(table, options);
      await consumerStore.storeEvents([event('g', new Date())]);
      const seen: string[] = [];
      const subscription = await consumerStore.subscribe({
        name: 'survivor',
        pollIntervalMs: 2,
        handler: (events) => void seen.push(...events.map((e) => e.id)),
      });
      let ended: unknown;
      void subscription.done.catch((error: unknown) => (ended = error));
      await until(() => seen.length === 1, 'the first event');
      const missing = () =>
        backend.warnings.some(
          (warning) =>
            warning.code === 'WARN/FEED_RETRY' && (warning.cause as { code?: string } | undefined)?.code === ErrorCodes.RESOURCE_NOT_FOUND,
        );
      // The reset's window, held open: the table is gone while the consumer polls.
      await backend.kv.dropTable(table);
      await until(() => ended !== undefined || missing(), 'a poll of the missing table');
      expect(ended).toBeUndefined();
      const recreated = open(table, options);
      const after = event('g2', new Date());
      await recreated.storeEvents([after]);
      await until(() => ended !== undefined || seen.includes(after.id), 'the event stored in the re-created table');
      expect(ended).toBeUndefined();
      await subscription.stop();
    });

    it('resetConsumer: from the start re-delivers everything, from a given cursor what follows it, from the end only new events; a running instance takes it up', async () => {
      const table = backend.table('feed-restart');
      const store = open(table, { changeFeed: { shards: 2 }, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
      const written = Array.from({ length: 5 }, (_, index) => event(`r${index % 2}`, new Date()));
      await store.storeEvents(written.slice(0, 3));
      const middle = (await drain(store)).cursor;
      await store.storeEvents(written.slice(3));
      const run = async (name: string, count: number) => {
        const seen: string[] = [];
        const subscription = await store.subscribe({
          name,
          pollIntervalMs: 5,
          handler: (events) => void seen.push(...events.map((e) => e.id)),
        });
        await until(() => seen.length >= count, `${count} events for ${name}`);
        await until(() => subscription.lag().events === 0, 'caught up');
        await subscription.stop();
        return seen;
      };
      expect((await run('restartable', 5)).sort()).toEqual(written.map((e) => e.id).sort());
      // from the start (the default): everything again
      const started = await store.resetConsumer('restartable');
      expect(started.slice(1).map((entry) => entry.expectedVersion)).toEqual([0, 0]);
      expect((await run('restartable', 5)).sort()).toEqual(written.map((e) => e.id).sort());
      // from a cursor getLogPage returned: what follows it
      await store.resetConsumer('restartable', middle);
      expect((await run('restartable', 2)).sort()).toEqual(
        written
          .slice(3)
          .map((e) => e.id)
          .sort(),
      );
      // from the end, on a name never used: only what is stored afterwards
      await store.resetConsumer('latecomer', 'end');
      const later = event('r9', new Date());
      await store.storeEvents([later]);
      expect(await run('latecomer', 1)).toEqual([later.id]);
      // a running, caught-up instance takes a reset up at its next cursor write: it then delivers from the start again
      const seen: string[] = [];
      const running = await store.subscribe({
        name: 'live',
        pollIntervalMs: 5,
        handler: (events) => void seen.push(...events.map((e) => e.id)),
      });
      await until(() => seen.length >= 6 && running.lag().events === 0, 'the live consumer caught up');
      await store.resetConsumer('live', 'start');
      const last = event('r10', new Date());
      await store.storeEvents([last]);
      await until(() => seen.filter((id) => id === last.id).length >= 2 && running.lag().events === 0, 'the live consumer restarted');
      await running.stop();
      expect(new Set(seen.slice(6))).toEqual(new Set([...written.map((e) => e.id), later.id, last.id]));
      // refusals, nothing stored
      const badName = await caught(store.resetConsumer('|'.repeat(1_000)));
      expect(badName.code).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(badName.details.field).toBe('name');
      const badFrom = await caught(store.resetConsumer('x', 'middle' as never));
      expect(badFrom.code).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(badFrom.details.field).toBe('from');
      expect((await caught(store.resetConsumer('x', [] as never))).code).toBe(ErrorCodes.INVALID_CURSOR);
      const ahead = middle.map((entry, index) => (index === 1 ? { ...entry, expectedVersion: entry.expectedVersion + 100 } : entry));
      expect((await caught(store.resetConsumer('x', ahead))).code).toBe(ErrorCodes.STALE_CURSOR);
      expect((await caught(open(backend.table('feed-restart-off')).resetConsumer('x'))).code).toBe(ErrorCodes.CHANGE_FEED_DISABLED);
    });

    it('issue 16 defect 7: a name whose encoded key passes the partition key (1,000 "|") is INPUT/INVALID_ARGUMENT, never a driver error', async () => {
      const store = open(backend.table('feed-long-name'), { changeFeed: true });
      for (const name of ['|'.repeat(1_000), '%'.repeat(700), '|'.repeat(682)]) {
        const error = await caught(store.subscribe({ name, handler: () => undefined }));
        expect(error.code).toBe(ErrorCodes.INVALID_ARGUMENT);
        expect(error.details.field).toBe('name');
      }
      // The longest name that fits once encoded still works: 'consumer|' (9 bytes) + 679 * 3 = 2,046 bytes.
      const seen: string[] = [];
      const fits = await store.subscribe({
        name: '|'.repeat(679),
        pollIntervalMs: 5,
        handler: (events) => void seen.push(...events.map((e) => e.id)),
      });
      const stored = event('n', new Date());
      await store.storeEvents([stored]);
      await until(() => seen.length > 0 && fits.lag().events === 0, 'the long-named consumer handled the event');
      await fits.stop();
      await fits.done;
      expect(seen).toEqual([stored.id]);
      expect((await store.resetConsumer('|'.repeat(679), 'end')).length).toBe(5);
    });

    it('an aborted signal and close() stop it; options are validated with INPUT/INVALID_ARGUMENT (a page size INVALID_PAGE_SIZE) naming the field', async () => {
      const store = open(backend.table('feed-abort'), { changeFeed: true });
      const controller = new AbortController();
      const subscription = await store.subscribe({
        name: 'stopper',
        signal: controller.signal,
        pollIntervalMs: 5,
        handler: () => undefined,
      });
      controller.abort();
      await subscription.done;
      // close() stops the store's running subscriptions first.
      const closing = open(backend.table('feed-close'), { changeFeed: true });
      const running = await closing.subscribe({ name: 'closer', pollIntervalMs: 5, handler: () => undefined });
      let ended = false;
      void running.done.then(() => (ended = true));
      await closing.close();
      await running.done;
      expect(ended).toBe(true);
      // A page size is refused as every page size is (getAllEvents, getLogPage): INPUT/INVALID_PAGE_SIZE (issue 17).
      const cases: [Record<string, unknown>, string, string][] = [
        [{ name: '', handler: () => undefined }, 'name', ErrorCodes.INVALID_ARGUMENT],
        [{ name: 'x'.repeat(1025), handler: () => undefined }, 'name', ErrorCodes.INVALID_ARGUMENT],
        [{ name: 'ok' }, 'handler', ErrorCodes.INVALID_ARGUMENT],
        [{ name: 'ok', handler: () => undefined, pageSize: 0 }, 'pageSize', ErrorCodes.INVALID_PAGE_SIZE],
        [{ name: 'ok', handler: () => undefined, pageSize: 10_001 }, 'pageSize', ErrorCodes.INVALID_PAGE_SIZE],
        [{ name: 'ok', handler: () => undefined, pollIntervalMs: -1 }, 'pollIntervalMs', ErrorCodes.INVALID_ARGUMENT],
        [{ name: 'ok', handler: () => undefined, signal: 'no' }, 'signal', ErrorCodes.INVALID_ARGUMENT],
      ];
      for (const [options, field, code] of cases) {
        const error = await caught(store.subscribe(options as never));
        expect(error.code).toBe(code);
        expect(error.details.field).toBe(field);
      }
      // One rule, one error: the same bad page size gives the same code and details from all three.
      const replay = await caught(store.getAllEvents(0));
      const page = await caught(store.getLogPage(undefined, 0));
      const subscribe = await caught(store.subscribe({ name: 'ok', handler: () => undefined, pageSize: 0 }));
      for (const error of [replay, page, subscribe]) {
        expect(error.code).toBe(ErrorCodes.INVALID_PAGE_SIZE);
        expect(error.details).toEqual({ field: 'pageSize', pageSize: 0, max: 10_000 });
      }
    });
  });
}
