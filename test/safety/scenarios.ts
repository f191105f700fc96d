/**
 * Production-safety scenarios that run the same way on every backend (the twin, and DynamoDB Local + the S3
 * server): each reproduces one defect of issue #8 and asserts it cannot happen. Numbers (#1, #2...) are the
 * defects' numbers in the issue; the README's "Production safety" section lists them.
 */
import { makeEventStoreCore } from '@schemeless/event-store-core';
import { afterAll, describe, expect, it } from 'vitest';
import { blobScope, instanceScope } from '../../src/blobs/blob-keys.js';
import { decodeMetadata, METADATA_KEY } from '../../src/layout/codecs/metadata.js';
import type { CreatedEvent, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import { tableSchema } from '../../src/layout/table-layout.js';
import { WarningCodes } from '../../src/runtime/warnings.js';
import { caught } from '../helpers/caught.js';
import type { SafetyBackend } from './backends.js';
import {
  BeforeTransactionKvDriver,
  BetweenTransactionsKvDriver,
  CommitThenLoseKvDriver,
  IndexNeverCaughtUpKvDriver,
  putsEvents,
  putsSnapshot,
  RefusingKvDriver,
} from './wrappers.js';

let counter = 0;
/** A fresh event (unique id) of stream acct/<identifier>. */
export function event(identifier: string, overrides: Partial<CreatedEvent> = {}): CreatedEvent {
  counter += 1;
  return {
    id: `ev-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    domain: 'acct',
    type: 'deposited',
    identifier,
    payload: { n: counter },
    created: new Date(Date.UTC(2025, 4, 1, 0, 0, 0, counter % 1000)),
    ...overrides,
  };
}

/** A payload over the scenarios' 4 KB offload threshold. */
export const bigPayload = (tag: string) => ({ tag, blob: tag.repeat(Math.ceil(6000 / tag.length)) });

/** Every event `getAllEvents(pageSize)` replays, in replay order. */
export async function replayAll(store: EventStore, pageSize = 100): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(pageSize)) events.push(...page);
  return events;
}

/** Register the shared scenarios on `backend` (created once for the describe block). */
export function safetyScenarios(makeBackend: () => SafetyBackend): void {
  const backend = makeBackend();
  const stores: EventStore[] = [];
  const open = (table: string, options?: Parameters<SafetyBackend['store']>[1]) => {
    const store = backend.store(table, options);
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await backend.dispose();
  });
  /** The blob scope of `table`'s current instance (its layout record's generation), default prefix. */
  const scopeOf = async (table: string): Promise<string> => {
    const { item } = await backend.kv.get(table, METADATA_KEY, { consistent: true });
    return instanceScope('events/', table, decodeMetadata(table, item!).generation);
  };

  describe(`production safety on ${backend.name}`, () => {
    it("#1 resetStore refuses a table of another layout (the old adapter's, same name) and touches nothing", async () => {
      const table = backend.table('foreign');
      const item = await backend.plantForeignTable(table);
      const store = open(table);
      expect((await caught(store.init())).code).toBe(ErrorCodes.SCHEMA_MISMATCH);
      expect((await caught(store.resetStore())).code).toBe(ErrorCodes.SCHEMA_MISMATCH);
      expect(await backend.readForeign(table, item)).toEqual(item);
    });

    it('#1 resetStore refuses a table created outside the store (infrastructure-managed) and deletes nothing', async () => {
      const table = backend.table('infra');
      await backend.kv.ensureTable(tableSchema(table)); // created by "infrastructure", not by a store
      const store = open(table);
      const stored = event('infra', { payload: bigPayload('i') });
      await store.storeEvents([stored]);
      const error = await caught(store.resetStore());
      expect(error.code).toBe(ErrorCodes.RESET_REFUSED);
      expect(error.details).toMatchObject({ table, reason: 'table-not-created-by-store' });
      expect(await store.getEventById(stored.id)).toMatchObject({ id: stored.id, payload: stored.payload, sequence: 1 });
      expect((await backend.allBlobKeys()).filter((key) => key.startsWith(blobScope('events/', table)))).toHaveLength(1);
    });

    it('#1 resetStore empties a table the store created, and the store works afterwards', async () => {
      const table = backend.table('own');
      const store = open(table);
      const first = event('own', { payload: bigPayload('o') });
      await store.storeEvents([first]);
      await store.resetStore();
      expect(await replayAll(store)).toEqual([]);
      expect(await store.getEventById(first.id)).toBeNull();
      expect((await backend.allBlobKeys()).filter((key) => key.startsWith(blobScope('events/', table)))).toEqual([]);
      const second = event('own');
      await store.storeEvents([second]);
      expect((await replayAll(store)).map((stored) => stored.id)).toEqual([second.id]);
    });

    it('a reset by another instance while this one keeps writing a stream it knows: the month is recorded again, nothing hidden', async () => {
      const table = backend.table('reset-live');
      const writer = open(table);
      await writer.storeEvents([event('live')]);
      await open(table).resetStore();
      const after = event('live');
      await writer.storeEvents([after]); // its cached head is gone: it notices the reset and re-records the month
      expect((await replayAll(open(table))).map((stored) => [stored.id, stored.sequence])).toEqual([[after.id, 1]]);
    });

    it("#2 two stores sharing one bucket: one store's reset deletes only its own blobs", async () => {
      const prod = open(backend.table('prod'));
      const staging = open(backend.table('staging'));
      const prodEvent = event('p', { payload: bigPayload('prod') });
      await prod.storeEvents([prodEvent]);
      await staging.storeEvents([event('s', { payload: bigPayload('staging') })]);
      await prod.saveSnapshot({ domain: 'acct', identifier: 'p', state: bigPayload('prod-state'), sequence: 1, created: new Date() });
      await staging.resetStore();
      const replayed = await replayAll(prod);
      expect(replayed.map((stored) => stored.payload)).toEqual([prodEvent.payload]);
      expect((await prod.getSnapshot('acct', 'p'))?.state).toEqual(bigPayload('prod-state'));
      const keys = await backend.allBlobKeys();
      expect(keys.filter((key) => key.startsWith(blobScope('events/', staging.options.tableName)))).toEqual([]);
      expect(keys.filter((key) => key.startsWith(blobScope('events/', prod.options.tableName)))).toHaveLength(2);
    });

    it('#3 an onCapacity callback that throws never fails the call nor deletes a committed blob', async () => {
      const store = open(backend.table('callback'), {
        onCapacity: () => {
          throw new Error('metrics sink is down');
        },
      });
      const before = backend.warnings.length;
      const big = event('cb', { payload: bigPayload('cb') });
      await expect(store.appendEvents([big])).resolves.toMatchObject([{ id: big.id, sequence: 1 }]);
      expect(await store.getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload });
      const warnings = backend.warnings.slice(before);
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings.every((warning) => warning.code === WarningCodes.CALLBACK_FAILED)).toBe(true);
    });

    it('#4 snapshots of two stores sharing a bucket never overwrite each other', async () => {
      const prod = open(backend.table('snap-prod'));
      const staging = open(backend.table('snap-staging'));
      await prod.saveSnapshot({ domain: 'acct', identifier: 'x', state: bigPayload('prod'), sequence: 3, created: new Date() });
      await staging.saveSnapshot({ domain: 'acct', identifier: 'x', state: bigPayload('staging'), sequence: 9, created: new Date() });
      expect(await prod.getSnapshot('acct', 'x')).toMatchObject({ state: bigPayload('prod'), sequence: 3 });
      expect(await staging.getSnapshot('acct', 'x')).toMatchObject({ state: bigPayload('staging'), sequence: 9 });
    });

    it('#4 concurrent offloaded snapshot saves: the state always belongs to its sequence, the newest wins, replaced blobs are left to the sweeper', async () => {
      const table = backend.table('snap-race');
      const savers = [open(table), open(table), open(table)];
      const order = [4, 9, 1, 7, 3, 8, 2, 6, 5, 10, 2, 9];
      await Promise.all(
        order.map((sequence, index) =>
          savers[index % savers.length]!.saveSnapshot({
            domain: 'acct',
            identifier: 'r',
            state: { ...bigPayload(`s${sequence}`), sequence },
            sequence,
            created: new Date(),
          }),
        ),
      );
      const snapshot = await savers[0]!.getSnapshot<{ sequence: number }>('acct', 'r');
      expect(snapshot?.sequence).toBe(10);
      expect(snapshot?.state.sequence).toBe(10);
      const snapshotBlobs = async () => {
        const scope = `${await scopeOf(table)}s/`;
        return (await backend.allBlobKeys()).filter((key) => key.startsWith(scope));
      };
      // Issue 16: no save deletes a blob (each is uploaded at most once per save); the sweeper leaves only the stored one's.
      const uploaded = await snapshotBlobs();
      expect(uploaded.length).toBeGreaterThanOrEqual(1);
      expect(uploaded.length).toBeLessThanOrEqual(order.length);
      const later = open(table, { clock: () => Date.now() + 2 * 3_600_000 });
      expect((await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).deleted).toHaveLength(uploaded.length - 1);
      const kept = await snapshotBlobs();
      expect(kept).toHaveLength(1);
      expect(await savers[1]!.getSnapshot('acct', 'r')).toMatchObject({ sequence: 10, state: { sequence: 10 } });
      // An older snapshot never replaces a newer one; known older at its first read, it uploads nothing.
      await savers[1]!.saveSnapshot({
        domain: 'acct',
        identifier: 'r',
        state: { ...bigPayload('old'), sequence: 3 },
        sequence: 3,
        created: new Date(),
      });
      expect(await savers[2]!.getSnapshot('acct', 'r')).toMatchObject({ sequence: 10, state: { sequence: 10 } });
      expect(await snapshotBlobs()).toEqual(kept);
    });

    it('issue 16 #1 an offloaded snapshot save whose response is lost, raced at the same sequence by another store: the stored snapshot reads back whole', async () => {
      const table = backend.table('snap-lost');
      const other = open(table);
      const state = (who: string) => ({ ...bigPayload(`lost-${who}`), who });
      // A's put commits; before A hears back, B saves the same sequence (replacing A's item); A's answer is lost.
      const lossy = new CommitThenLoseKvDriver(backend.kv, putsSnapshot, async () => {
        await other.saveSnapshot({ domain: 'acct', identifier: 'lost', state: state('B'), sequence: 5, created: new Date() });
      });
      const writer = open(table, { kv: lossy });
      await writer.saveSnapshot({ domain: 'acct', identifier: 'lost', state: state('A'), sequence: 5, created: new Date() });
      expect(lossy.lost).toBe(1);
      // Either state may be the stored one (equal sequences: the last to commit wins), but it reads back whole.
      const snapshot = await open(table).getSnapshot<{ who: string }>('acct', 'lost');
      expect(snapshot?.sequence).toBe(5);
      expect([state('A'), state('B')]).toContainEqual(snapshot?.state);
      // Neither save deleted a blob: the sweeper (grace period, no referencing item) collects the other one later.
      const scope = `${await scopeOf(table)}s/`;
      expect((await backend.allBlobKeys()).filter((key) => key.startsWith(scope))).toHaveLength(2);
      const later = open(table, { clock: () => Date.now() + 2 * 3_600_000 });
      expect((await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).deleted).toHaveLength(1);
      expect((await open(table).getSnapshot('acct', 'lost'))?.state).toEqual(snapshot?.state);
    });

    it('issue 16: the write path deletes no blob; the sweeper collects every kind of orphan it leaves, and only those', async () => {
      const table = backend.table('orphans');
      const store = open(table);
      const scoped = async () => {
        const scope = await scopeOf(table);
        return (await backend.allBlobKeys()).filter((key) => key.startsWith(scope));
      };
      const kept = event('kept', { payload: bigPayload('kept') });
      await store.storeEvents([kept]); // referenced (1)
      // Orphans of event writes: refused (expectation), refused (same id, other content), an identical retry, a failed write.
      expect((await caught(store.storeEvents([event('kept', { payload: bigPayload('late') })], { expectedSequence: 5 }))).code).toBe(
        ErrorCodes.CONCURRENCY,
      );
      expect((await caught(store.storeEvents([{ ...kept, payload: bigPayload('other') }]))).code).toBe(ErrorCodes.DUPLICATE_EVENT_ID);
      expect(await store.appendEvents([{ ...kept }])).toMatchObject([{ id: kept.id, sequence: 1 }]);
      const throttled = open(table, { kv: new RefusingKvDriver(backend.kv, putsEvents), retry: { maxAttempts: 2 } });
      const failed = event('failed', { payload: bigPayload('failed') });
      expect((await caught(throttled.storeEvents([failed]))).code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
      // Orphans of snapshot saves: a replaced one, a dropped one (a newer save got in first), a failed one.
      const save = (target: EventStore, identifier: string, sequence: number) =>
        target.saveSnapshot({
          domain: 'acct',
          identifier,
          state: { ...bigPayload(`${identifier}${sequence}`), sequence },
          sequence,
          created: new Date(),
        });
      await save(store, 'replaced', 1);
      await save(store, 'replaced', 2); // referenced (2)
      const racing = open(table, { kv: new BeforeTransactionKvDriver(backend.kv, putsSnapshot, () => save(store, 'dropped', 9)) });
      await save(racing, 'dropped', 5); // dropped; the newer one is referenced (3)
      const refusing = open(table, { kv: new RefusingKvDriver(backend.kv, putsSnapshot), retry: { maxAttempts: 2 } });
      expect((await caught(save(refusing, 'failed', 1))).code).toBe(ErrorCodes.RETRIES_EXHAUSTED);
      expect(await scoped()).toHaveLength(3 + 7);
      // Young orphans stay (a write in flight may still commit); an hour later the 7 go and the 3 referenced stay.
      expect((await store.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).deleted).toEqual([]);
      const later = open(table, { clock: () => Date.now() + 2 * 3_600_000 });
      expect(await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).toMatchObject({ kept: 3 });
      expect(await scoped()).toHaveLength(3);
      expect((await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).deleted).toEqual([]);
      expect(await store.getEventById(kept.id)).toMatchObject({ payload: kept.payload, sequence: 1 });
      expect(await store.getEventById(failed.id)).toBeNull();
      expect((await replayAll(store)).map((stored) => stored.id)).toEqual([kept.id]);
      expect((await store.getSnapshot('acct', 'replaced'))?.state).toEqual({ ...bigPayload('replaced2'), sequence: 2 });
      expect((await store.getSnapshot('acct', 'dropped'))?.state).toEqual({ ...bigPayload('dropped9'), sequence: 9 });
      expect(await store.getSnapshot('acct', 'failed')).toBeNull();
    });

    describe('issue 16 #5 bad input in the LAST event of a batch larger than one transaction: the typed error, nothing written', () => {
      /** 60 events of stream acct/<identifier> (two transactions: 49 fit one), the first offloaded, the last spoiled by `last`. */
      const batch = (identifier: string, last: Partial<CreatedEvent>): CreatedEvent[] => [
        event(identifier, { payload: bigPayload('first') }),
        ...Array.from({ length: 58 }, () => event(identifier)),
        event(identifier, last),
      ];
      /** A `correlationId` of 410 KB: no offload can bring its item under DynamoDB's 400 KB. */
      const hugeCorrelation = { correlationId: 'c'.repeat(410 * 1024) };
      /** A 500 KB payload: it needs a blob store. */
      const hugePayload = { payload: { blob: 'p'.repeat(500 * 1024) } };
      const nothingWritten = async (store: EventStore, events: readonly CreatedEvent[]) => {
        const identifier = events[0]!.identifier!;
        expect(await store.getStreamSequence('acct', identifier)).toBe(0);
        expect(await store.getStreamEvents('acct', identifier)).toEqual([]);
        expect(await replayAll(store)).toEqual([]);
        expect(await Promise.all(events.map((entry) => store.getEventById(entry.id)))).toEqual(events.map(() => null));
        const scope = await scopeOf(store.options.tableName);
        expect((await backend.allBlobKeys()).filter((key) => key.startsWith(scope))).toEqual([]);
      };
      const cases: { name: string; last: Partial<CreatedEvent>; code: string; withoutBlobs?: boolean }[] = [
        { name: 'a 410 KB correlationId', last: hugeCorrelation, code: ErrorCodes.ITEM_TOO_LARGE },
        { name: 'a 500 KB payload without a blob store', last: hugePayload, code: ErrorCodes.BLOB_STORE_REQUIRED, withoutBlobs: true },
      ];
      for (const { name, last, code, withoutBlobs } of cases) {
        const storeOf = (label: string) => open(backend.table(label), withoutBlobs ? { blobs: undefined } : {});
        it(`${name}: storeEvents (3.x) and appendEvents`, async () => {
          const store = storeOf('bad-last');
          const events = batch('bad-last', last);
          expect((await caught(store.storeEvents(events))).code).toBe(code);
          expect((await caught(store.appendEvents(events))).code).toBe(code);
          await nothingWritten(store, events);
        });
        it(`${name}: V6 append and core.import`, async () => {
          const store = storeOf('bad-last-v6');
          const events = batch('bad-last-v6', last);
          expect((await caught(store.append(events))).code).toBe(code);
          const exported = events.map((entry) => ({
            ...entry,
            correlationId: entry.correlationId ?? undefined,
            causationId: entry.causationId ?? undefined,
            sequence: 0,
          }));
          expect((await caught(makeEventStoreCore(store).import(exported))).code).toBe(code);
          await nothingWritten(store, events);
        });
        it(`${name}: appendBatch (one transaction, the bad event last)`, async () => {
          const store = storeOf('bad-last-batch');
          const events = batch('bad-last-batch', last).slice(-20);
          expect(
            (await caught(store.appendBatch(events, [{ domain: 'acct', identifier: 'bad-last-batch', expectedVersion: 0 }]))).code,
          ).toBe(code);
          await nothingWritten(store, events);
        });
      }
    });

    it('#6 bucketShards is recorded: reopening the table with another value is a typed error naming the field', async () => {
      const table = backend.table('shards');
      const writer = open(table, { bucketShards: 4 });
      await writer.storeEvents([event('sh'), event('sh2')]);
      const reader = open(table, { bucketShards: 1 });
      const error = await caught(reader.getAllEvents(10));
      expect(error.code).toBe(ErrorCodes.LAYOUT_MISMATCH);
      expect(error.details).toMatchObject({ field: 'bucketShards', stored: 4, configured: 1 });
      expect((await replayAll(open(table, { bucketShards: 4 }))).length).toBe(2);
    });

    it('#10 an identical batch already stored whole succeeds from another store instance and returns the stored events', async () => {
      const table = backend.table('identical');
      const root = event('id-a');
      const batch = [root, event('id-a', { causationId: root.id }), event('id-b', { causationId: root.id, payload: bigPayload('b') })];
      const stored = await open(table).appendEvents(batch);
      const again = await open(table).appendEvents(batch.map((entry) => ({ ...entry })));
      expect(again).toEqual(stored);
      expect(await open(table).getStreamSequence('acct', 'id-a')).toBe(2);
      // Same ids, other content: a duplicate. Part of the batch stored: a duplicate naming the stored ids; nothing else written.
      const changed = await caught(open(table).storeEvents([{ ...batch[0]!, payload: { n: -1 } }, ...batch.slice(1)]));
      expect(changed.code).toBe(ErrorCodes.DUPLICATE_EVENT_ID);
      const fresh = event('id-c');
      const partly = await caught(open(table).storeEvents([batch[0]!, fresh]));
      expect(partly.code).toBe(ErrorCodes.DUPLICATE_EVENT_ID);
      expect(partly.details.eventIds).toEqual([batch[0]!.id]);
      expect(await open(table).getEventById(fresh.id)).toBeNull();
    });

    it('#11 a concurrent writer on a shared stream between the transactions of a large batch is absorbed, not a partial batch', async () => {
      const table = backend.table('partial-soft');
      const other = open(table);
      const racer = event('shared');
      const kv = new BetweenTransactionsKvDriver(backend.kv, 10, async () => {
        await other.storeEvents([racer]);
      });
      const store = open(table, { kv });
      const root = event('root');
      await store.storeEvents([root]);
      // 45 caused events: 3 actions each (event, id guard, causation link) + 1 head: two transactions.
      const batch = Array.from({ length: 45 }, () => event('shared', { causationId: root.id }));
      const stored = await store.appendEvents(batch);
      expect(stored.map((entry) => entry.id)).toEqual(batch.map((entry) => entry.id));
      const stream = await store.getStreamEvents('acct', 'shared');
      expect(stream.map((entry) => entry.sequence)).toEqual(Array.from({ length: 46 }, (_, index) => index + 1));
      expect(stream.filter((entry) => entry.id !== racer.id).map((entry) => entry.id)).toEqual(batch.map((entry) => entry.id));
      expect(stream.map((entry) => entry.id)).toContain(racer.id);
    });

    it('#11 with expectedSequence, a concurrent writer between transactions is a typed STORE/PARTIAL_BATCH listing what was stored', async () => {
      const table = backend.table('partial-exact');
      const other = open(table);
      const kv = new BetweenTransactionsKvDriver(backend.kv, 10, async () => {
        await other.storeEvents([event('exact')]);
      });
      const store = open(table, { kv });
      const root = event('root-x');
      await store.storeEvents([root]);
      const batch = Array.from({ length: 45 }, () => event('exact', { causationId: root.id }));
      const error = await caught(store.storeEvents(batch, { expectedSequence: 0 }));
      expect(error.code).toBe(ErrorCodes.PARTIAL_BATCH);
      const storedIds = error.details.storedEventIds as string[];
      expect(storedIds.length).toBeGreaterThan(0);
      expect(storedIds).toEqual(batch.slice(0, storedIds.length).map((entry) => entry.id));
      expect(error.details).toMatchObject({ failedChunk: 1, chunks: 2 });
      for (const entry of batch.slice(storedIds.length)) expect(await store.getEventById(entry.id)).toBeNull();
      expect(await store.getStreamSequence('acct', 'exact')).toBe(storedIds.length + 1);
    });

    it('#12 findByCausationId is complete right after the write, with an index that has not caught up', async () => {
      const table = backend.table('causation');
      const store = open(table, { kv: new IndexNeverCaughtUpKvDriver(backend.kv) });
      const root = event('c-root');
      const children = [1, 2, 3, 4, 5].map((n) =>
        event(`c-${n % 2}`, {
          causationId: root.id,
          payload: n === 3 ? bigPayload('c3') : { n },
          created: new Date(Date.UTC(2025, 4, 1, 0, 0, 5 - n)),
        }),
      );
      await store.storeEvents([root, ...children]);
      const later = event('c-9', { causationId: root.id, created: new Date(Date.UTC(2025, 4, 1, 0, 0, 9)) });
      await store.storeEvents([later]);
      const found = await store.findByCausationId(root.id);
      const expected = [...children, later].sort((a, b) => a.created.getTime() - b.created.getTime() || (a.id < b.id ? -1 : 1));
      expect(found.map((entry) => entry.id)).toEqual(expected.map((entry) => entry.id));
      expect(found.find((entry) => entry.id === children[2]!.id)?.payload).toEqual(bigPayload('c3'));
      expect(await store.findByCausationId(children[0]!.id)).toEqual([]);
    });

    it('blobs written under the earlier key layout (events/<id>/<write id>) stay readable, and reset and sweep leave them alone', async () => {
      const table = backend.table('legacy-blob');
      const store = open(table);
      const big = event('legacy', { payload: bigPayload('legacy') });
      await store.storeEvents([big]);
      // Rewrite the event as the earlier layout stored it: its blob at `events/<id>/<write id>`, the item naming it.
      const [scoped] = (await backend.allBlobKeys()).filter((key) => key.startsWith(blobScope('events/', table)));
      const legacyKey = `events/${encodeURIComponent(big.id)}/00000000-legacy-write`;
      await backend.blobs.put(legacyKey, (await backend.blobs.get(scoped!))!);
      const { item } = await backend.kv.get(table, { pk: 's|acct|legacy', sk: 1 }, { consistent: true });
      await backend.kv.batchWrite(table, [{ put: { ...item!, bk: legacyKey } }]);
      await backend.blobs.delete([scoped!]);
      const reader = open(table);
      expect(await reader.getEventById(big.id)).toMatchObject({ id: big.id, payload: big.payload });
      expect((await replayAll(reader)).map((stored) => stored.payload)).toEqual([big.payload]);
      const later = open(table, { clock: () => Date.now() + 2 * 3_600_000 });
      expect((await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).deleted).toEqual([]);
      await reader.resetStore();
      expect(await backend.allBlobKeys()).toContain(legacyKey);
    });

    it("sweepOrphanBlobs deletes only this store's unreferenced blobs older than the grace period", async () => {
      const table = backend.table('sweep');
      const neighbour = open(backend.table('sweep-neighbour'));
      const store = open(table);
      await store.storeEvents([event('sw', { payload: bigPayload('kept') })]);
      await store.saveSnapshot({ domain: 'acct', identifier: 'sw', state: bigPayload('snap'), sequence: 1, created: new Date() });
      await neighbour.storeEvents([event('nb', { payload: bigPayload('neighbour') })]);
      const scope = await scopeOf(table);
      const orphanEvent = `${scope}e/never-stored/000000000.write`;
      const orphanSnapshot = `${scope}s/${encodeURIComponent('s|acct|sw')}/0/000000000.write`;
      const legacy = `events/legacy-id/some-write`;
      for (const key of [orphanEvent, orphanSnapshot, legacy]) await backend.blobs.put(key, new Uint8Array([1]));
      // Too young with the real clock: nothing is deleted.
      expect(await store.sweepOrphanBlobs({ olderThanMs: 3_600_000 })).toEqual({ deleted: [], kept: 4 });
      // An hour later (by the store's clock), the two orphans go; referenced, neighbour and legacy blobs stay.
      const later = open(table, { clock: () => Date.now() + 2 * 3_600_000 });
      const result = await later.sweepOrphanBlobs({ olderThanMs: 3_600_000 });
      expect([...result.deleted].sort()).toEqual([orphanEvent, orphanSnapshot].sort());
      expect(result.kept).toBe(2);
      const keys = await backend.allBlobKeys();
      expect(keys).toContain(legacy);
      expect(keys.filter((key) => key.startsWith(blobScope('events/', neighbour.options.tableName)))).toHaveLength(1);
      expect((await store.getSnapshot('acct', 'sw'))?.state).toEqual(bigPayload('snap'));
      expect((await replayAll(store)).map((stored) => stored.payload)).toEqual([bigPayload('kept')]);
      expect((await caught(store.sweepOrphanBlobs({ olderThanMs: -1 }))).code).toBe(ErrorCodes.INVALID_OPTIONS);
    });
  });
}
