/**
 * What each operation costs, in requests and in capacity units by AWS's published rules (the twin's meter):
 * counts that do not depend on the machine, asserted so a regression in the write path's price cannot land
 * unnoticed. The README's design section explains each figure (event 2 WCU + id guard 2 + stream head 2 in the
 * transaction, + 1 for the global-order index entry; a causation link +2; catalog entries 1 per month per process).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../../drivers/memory/index.js';
import type { CreatedEvent } from '../../src/compat/contract-types.js';
import { EventStore } from '../../src/event-store.js';
import type { StoreStats } from '../../src/runtime/metering.js';

const noSleep = async (): Promise<void> => undefined;
let counter = 0;
const event = (identifier: string, overrides: Partial<CreatedEvent> = {}): CreatedEvent => ({
  id: `cost-${++counter}`,
  domain: 'acct',
  type: 'deposited',
  identifier,
  payload: { amount: counter },
  created: new Date(Date.UTC(2025, 4, 1, 0, 0, 0, counter % 1000)),
  ...overrides,
});

/** Requests and units of everything done by `body`, after the store was initialised and the month recorded. */
async function cost(
  store: EventStore,
  body: () => Promise<unknown>,
): Promise<{ requests: number; read: number; write: number; stats: StoreStats }> {
  store.resetStats();
  await body();
  const stats = store.stats();
  const all = Object.values(stats);
  return {
    requests: all.reduce((sum, entry) => sum + entry.requests, 0),
    read: all.reduce((sum, entry) => sum + entry.readUnits, 0),
    write: all.reduce((sum, entry) => sum + entry.writeUnits, 0),
    stats,
  };
}

describe('write costs (AWS rules, the twin meter)', () => {
  let kv: MemoryKvDriver;
  let store: EventStore;
  beforeEach(async () => {
    kv = new MemoryKvDriver();
    store = new EventStore({ kv, blobs: new MemoryBlobDriver() }, { sleep: noSleep });
    await store.storeEvents([event('warm-up')]); // init + the month's catalog entry
  });

  it('a single-event append without expectedSequence: ONE request, 7 WCU (event 2, guard 2, head 2, index 1); a new stream adds an instance marker check (2 WCU)', async () => {
    // A new stream's head is absent: nothing else in the transaction names the table instance, so it checks an
    // instance marker and needs no read after the commit (issue 16 #6). A known head carries the generation.
    expect(await cost(store, () => store.storeEvents([event('a')]))).toMatchObject({ requests: 1, read: 0, write: 9 });
    expect(await cost(store, () => store.storeEvents([event('a')]))).toMatchObject({ requests: 1, read: 0, write: 7 });
  });

  it('with expectedSequence: ONE request, 7 WCU (the head check is the head write)', async () => {
    await store.storeEvents([event('b')]);
    expect(await cost(store, () => store.storeEvents([event('b')], { expectedSequence: 1 }))).toMatchObject({
      requests: 1,
      read: 0,
      write: 7,
    });
    expect(await cost(store, () => store.storeEvents([event('new')], { expectedSequence: 0 }))).toMatchObject({
      requests: 1,
      read: 0,
      write: 9,
    });
  });

  it('a caused event adds its causation link: 9 WCU', async () => {
    await store.storeEvents([event('c')]);
    expect(await cost(store, () => store.storeEvents([event('c', { causationId: 'root-1' })]))).toMatchObject({
      requests: 1,
      read: 0,
      write: 9,
    });
  });

  it('a batch of 20 on one stream: ONE request, 102 WCU (5.1 per event: 5 each, the head once)', async () => {
    await store.storeEvents([event('d')]);
    const batch = Array.from({ length: 20 }, () => event('d'));
    expect(await cost(store, () => store.storeEvents(batch))).toMatchObject({ requests: 1, read: 0, write: 102 });
  });

  it('a conflict (another instance moved the head) costs exactly one more request and no read', async () => {
    await store.storeEvents([event('e')]);
    await new EventStore({ kv }, { sleep: noSleep }).storeEvents([event('e')]); // this store's cached head is now stale
    const conflicted = await cost(store, () => store.storeEvents([event('e')]));
    expect(conflicted.requests).toBe(2);
    expect(conflicted.stats.transactWrite.requests).toBe(2);
    expect(conflicted.read).toBe(0);
    expect(await store.getStreamSequence('acct', 'e')).toBe(3);
  });

  it("a process's first write of a month adds one plain write of the month's catalog entry (1 WCU), once", async () => {
    const june = (identifier: string) => event(identifier, { created: new Date(Date.UTC(2025, 5, 3)) });
    await store.storeEvents([event('f')]);
    const first = await cost(store, () => store.storeEvents([june('f')]));
    expect(first.stats.batchWrite).toEqual({ requests: 1, readUnits: 0, writeUnits: 1 });
    expect(first).toMatchObject({ requests: 2, read: 0, write: 8 });
    expect(await cost(store, () => store.storeEvents([june('f')]))).toMatchObject({ requests: 1, write: 7 });
  });

  it('a snapshot save: one consistent read and one transaction of the put and an instance marker check (1 RCU + 4 WCU)', async () => {
    expect(
      await cost(store, () => store.saveSnapshot({ domain: 'acct', identifier: 'g', state: { n: 1 }, sequence: 1, created: new Date() })),
    ).toMatchObject({ requests: 2, read: 1, write: 4 });
  });

  it('findByCausationId: one consistent query of the links and one batch-get per 100 events', async () => {
    const root = event('h');
    await store.storeEvents([root, event('h1', { causationId: root.id }), event('h2', { causationId: root.id })]);
    const lookup = await cost(store, () => store.findByCausationId(root.id));
    expect(lookup.stats.query.requests).toBe(1);
    expect(lookup.stats.batchGet.requests).toBe(1);
    expect(lookup.requests).toBe(2);
  });
});

describe('change-feed costs (AWS rules, the twin meter)', () => {
  let kv: MemoryKvDriver;
  let store: EventStore;
  beforeEach(async () => {
    kv = new MemoryKvDriver();
    store = new EventStore({ kv, blobs: new MemoryBlobDriver(), changeFeed: { shards: 4 } }, { sleep: noSleep });
    await store.storeEvents([event('warm-up')]); // init, the month's catalog entry, and this process learns its shard's counter
  });

  it('a single-event append: still ONE request, 10 WCU (+2 the shard counter in the transaction, +1 the log index entry)', async () => {
    await store.storeEvents([event('a')]); // learns the counter of a's shard (a fresh process re-bases once per shard)
    expect(await cost(store, () => store.storeEvents([event('a')]))).toMatchObject({ requests: 1, read: 0, write: 10 });
  });

  it('a batch of 20 on one stream: ONE request, 124 WCU (+2 counter once, +1 log index entry per event)', async () => {
    await store.storeEvents([event('d')]);
    const batch = Array.from({ length: 20 }, () => event('d'));
    expect(await cost(store, () => store.storeEvents(batch))).toMatchObject({ requests: 1, read: 0, write: 124 });
  });

  it("a process's first append to a shard re-bases once on the counter (one more request, no read)", async () => {
    const other = new EventStore({ kv, changeFeed: { shards: 4 } }, { sleep: noSleep });
    await other.storeEvents([event('warm-up')]); // moves warm-up's shard counter behind this store's back
    const rebased = await cost(store, () => store.storeEvents([event('warm-up')]));
    expect(rebased.stats.transactWrite.requests).toBe(2);
    expect(rebased.read).toBe(0);
  });

  it('an idle poll: ONE strongly consistent batch-get of the layout record and the 4 counters (5 RCU), no query', async () => {
    const { cursor } = await store.getLogPage();
    const idle = await cost(store, () => store.getLogPage(cursor));
    expect(idle).toMatchObject({ requests: 1, read: 5, write: 0 });
    expect(idle.stats.batchGet.requests).toBe(1);
  });

  it('a poll with new events in one shard: the batch-get and ONE index query', async () => {
    const { cursor } = await store.getLogPage();
    await store.storeEvents([event('q'), event('q')]);
    const poll = await cost(store, () => store.getLogPage(cursor));
    expect(poll.stats.batchGet.requests).toBe(1);
    expect(poll.stats.query.requests).toBe(1);
    expect(poll.requests).toBe(2);
  });
});
