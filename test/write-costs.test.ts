/**
 * What each operation costs, in requests and in capacity units by AWS's published rules (the twin's meter):
 * counts that do not depend on the machine, asserted so a regression in the write path's price cannot land
 * unnoticed. The README's design section explains each figure (event 2 WCU + id guard 2 + stream head 2 in the
 * transaction, + 1 for the global-order index entry; a causation link +2; catalog entries 1 per month per process).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver } from '../drivers/memory/index.js';
import type { CreatedEvent } from '../src/contract-types.js';
import { EventStore } from '../src/event-store.js';
import type { StoreStats } from '../src/metering.js';

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
async function cost(store: EventStore, body: () => Promise<unknown>): Promise<{ requests: number; read: number; write: number; stats: StoreStats }> {
  store.resetStats();
  await body();
  const stats = store.stats();
  const all = Object.values(stats);
  return { requests: all.reduce((sum, entry) => sum + entry.requests, 0), read: all.reduce((sum, entry) => sum + entry.readUnits, 0), write: all.reduce((sum, entry) => sum + entry.writeUnits, 0), stats };
}

describe('write costs (AWS rules, the twin meter)', () => {
  let kv: MemoryKvDriver;
  let store: EventStore;
  beforeEach(async () => {
    kv = new MemoryKvDriver();
    store = new EventStore({ kv, blobs: new MemoryBlobDriver() }, { sleep: noSleep });
    await store.storeEvents([event('warm-up')]); // init + the month's catalog entry
  });

  it('a single-event append without expectedSequence: ONE request, 7 WCU (event 2, guard 2, head 2, index 1)', async () => {
    expect(await cost(store, () => store.storeEvents([event('a')]))).toMatchObject({ requests: 1, read: 0, write: 7 });
    expect(await cost(store, () => store.storeEvents([event('a')]))).toMatchObject({ requests: 1, write: 7 });
  });

  it('with expectedSequence: ONE request, 7 WCU (the head check is the head write)', async () => {
    await store.storeEvents([event('b')]);
    expect(await cost(store, () => store.storeEvents([event('b')], { expectedSequence: 1 }))).toMatchObject({ requests: 1, read: 0, write: 7 });
    expect(await cost(store, () => store.storeEvents([event('new')], { expectedSequence: 0 }))).toMatchObject({ requests: 1, write: 7 });
  });

  it('a caused event adds its causation link: 9 WCU', async () => {
    expect(await cost(store, () => store.storeEvents([event('c', { causationId: 'root-1' })]))).toMatchObject({ requests: 1, write: 9 });
  });

  it('a batch of 20 on one stream: ONE request, 102 WCU (5.1 per event: 5 each, the head once)', async () => {
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

  it('a process\'s first write of a month adds one plain write of the month\'s catalog entry (1 WCU), once', async () => {
    const june = (identifier: string) => event(identifier, { created: new Date(Date.UTC(2025, 5, 3)) });
    const first = await cost(store, () => store.storeEvents([june('f')]));
    expect(first.stats.batchWrite).toEqual({ requests: 1, readUnits: 0, writeUnits: 1 });
    expect(first).toMatchObject({ requests: 2, write: 8 });
    expect(await cost(store, () => store.storeEvents([june('f')]))).toMatchObject({ requests: 1, write: 7 });
  });

  it('a snapshot save: one consistent read and one single-action transaction (1 RCU + 2 WCU)', async () => {
    expect(await cost(store, () => store.saveSnapshot({ domain: 'acct', identifier: 'g', state: { n: 1 }, sequence: 1, created: new Date() }))).toMatchObject({ requests: 2, read: 1, write: 2 });
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
