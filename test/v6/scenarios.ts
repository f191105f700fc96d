/**
 * The V6 scenarios, run the same way on the in-memory twin (test/v6/runtime.test.ts) and on DynamoDB Local + the S3
 * server (test/v6/runtime.real.test.ts):
 * - `v6RuntimeScenarios`: the ledger app of app.ts on the REAL V6 runtime (`makeEventStoreCore`,
 *   `makeAggregateRuntime`, `makeEventStoreRevert`, 6.0.0-rc.5) over one store; the steps share it and run in order.
 * - `batchScenarios`: rc.6's `appendBatch` / `getStreamVersions` and 3.x `storeEvents({ expectedSequences })`:
 *   atomicity, read dependencies, conflicts, duplicates, the one-transaction limit, bad input.
 */
import { createHash } from 'node:crypto';
import { makeAggregateRuntime } from '@schemeless/event-store-aggregate';
import { makeEventStoreCore } from '@schemeless/event-store-core';
import { makeEventStoreRevert } from '@schemeless/event-store-revert';
import {
  EventStoreError,
  InvalidIdentifierError as V6InvalidIdentifierError,
  InvalidStreamBatchError as V6InvalidStreamBatchError,
  StreamConcurrencyError as V6StreamConcurrencyError,
  type PersistedEvent,
} from '@schemeless/event-store-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppendableEvent, ExpectedStreamVersion, StoredEvent, StreamAppendableEvent } from '../../src/compat/contract-types.js';
import {
  ConcurrencyError,
  DuplicateEventError,
  ErrorCodes,
  EventStoreAdapterError,
  TransactionScopeError,
} from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import { caught, rejection } from '../helpers/caught.js';
import type { SafetyBackend } from '../safety/backends.js';
import { ACCOUNT, BalanceView, accountAggregate, compensations, type AccountCommand, type AccountState } from './app.js';

/** rc.6's capability detection, copied from its published `supportsAppendBatch` (method presence). */
const supportsAppendBatch = (adapter: object): boolean =>
  typeof (adapter as { appendBatch?: unknown }).appendBatch === 'function' &&
  typeof (adapter as { getStreamVersions?: unknown }).getStreamVersions === 'function';

/** Every stored event in global order, through the store's replay. */
async function everything(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const page of await store.getAllEvents(100)) events.push(...page);
  return events;
}

/** A barrier for `count` parties: each `arrive()` resolves once all have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === count) release();
    return all;
  };
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Register the V6 runtime scenarios on `makeBackend()` (one store for the block). */
export function v6RuntimeScenarios(makeBackend: () => SafetyBackend): void {
  const backend = makeBackend();
  let store: EventStore;
  afterAll(async () => {
    await store?.close();
    await backend.dispose();
  });

  describe(`V6 runtime (core, aggregate, revert 6.0.0-rc.5) on ${backend.name}`, () => {
    beforeAll(async () => {
      store = backend.store(backend.table('v6-runtime'));
      await store.init();
    });

    it('aggregate: every handle appends at the hydrated version and saves a snapshot at the new version', async () => {
      const runtime = makeAggregateRuntime(store);
      const aggregate = accountAggregate();
      const appendSpy = vi.spyOn(store, 'appendToStream');
      const opened = await runtime.handle(aggregate, { kind: 'open', id: 'a1', owner: 'ada' });
      expect(opened).toMatchObject({ identifier: 'a1', sequence: 1, state: { opened: true, owner: 'ada', balance: 0 } });
      expect(await store.getSnapshot('account', 'a1')).toMatchObject({
        domain: ACCOUNT,
        identifier: 'a1',
        sequence: 1,
        state: { opened: true, balance: 0 },
      });
      for (const [index, amount] of [10, 20, 30].entries()) {
        const result = await runtime.handle(aggregate, { kind: 'deposit', id: 'a1', amount });
        expect(result.sequence).toBe(index + 2);
        expect(appendSpy.mock.calls.at(-1)![1]).toBe(index + 1); // appended at the version it hydrated
        expect((await store.getSnapshot<AccountState>('account', 'a1'))?.sequence).toBe(index + 2);
      }
      appendSpy.mockRestore();
      const stream = await store.getStreamEvents('account', 'a1');
      expect(stream.map((event) => [event.type, event.sequence])).toEqual([
        ['Opened', 1],
        ['Deposited', 2],
        ['Deposited', 3],
        ['Deposited', 4],
      ]);
      // A deposit was decided without `created`: the store stamped it.
      expect(stream[1]!.created).toBeInstanceOf(Date);
      expect(Number.isNaN(stream[1]!.created.getTime())).toBe(false);
    });

    it('aggregate: hydration starts from the snapshot and reads only the events after it', async () => {
      // An event appended outside the runtime: the snapshot (at 4) does not include it.
      await store.appendToStream(
        [{ domain: ACCOUNT, identifier: 'a1', type: 'Withdrawn', payload: { amount: 5 }, created: new Date() }],
        4,
      );
      const streamSpy = vi.spyOn(store, 'getStreamEvents');
      const hydrated = await makeAggregateRuntime(store).hydrate(accountAggregate(), 'a1');
      expect(streamSpy.mock.calls).toEqual([['account', 'a1', 4]]);
      streamSpy.mockRestore();
      // The snapshot's state (applied list of 4 events) plus exactly the one event after it.
      expect(hydrated).toEqual({
        identifier: 'a1',
        sequence: 5,
        state: { opened: true, owner: 'ada', balance: 55, applied: ['Opened', 'Deposited', 'Deposited', 'Deposited', 'Withdrawn'] },
      });
      const next = await makeAggregateRuntime(store).handle(accountAggregate(), { kind: 'deposit', id: 'a1', amount: 1 });
      expect(next).toMatchObject({ sequence: 6, state: { balance: 56 } });
    });

    it('aggregate: contended handles of one stream: exactly one winner per round, every loser a StreamConcurrencyError of the types package with the right versions', async () => {
      const runtime = makeAggregateRuntime(store);
      await runtime.handle(accountAggregate(), { kind: 'open', id: 'hot', owner: 'bo' });
      const contenders = 4;
      let version = 1;
      for (let round = 0; round < 3; round += 1) {
        const aggregate = accountAggregate(barrier(contenders)); // every contender has hydrated before any decides
        const results = await Promise.allSettled(
          Array.from({ length: contenders }, (_, i) =>
            runtime.handle(aggregate, { kind: 'deposit', id: 'hot', amount: 100 + i } as AccountCommand),
          ),
        );
        const winners = results.filter((result) => result.status === 'fulfilled');
        const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(contenders - 1);
        for (const loser of losers) {
          expect(loser).toBeInstanceOf(V6StreamConcurrencyError);
          expect(loser).toBeInstanceOf(EventStoreError);
          expect(loser).toMatchObject({
            name: 'StreamConcurrencyError',
            code: ErrorCodes.CONCURRENCY,
            domain: ACCOUNT,
            identifier: 'hot',
            expectedVersion: version,
            actualVersion: version + 1,
          });
        }
        version += 1;
        expect((winners[0] as PromiseFulfilledResult<{ sequence: number }>).value.sequence).toBe(version);
        expect((await store.getSnapshot('account', 'hot'))?.sequence).toBe(version);
      }
      expect((await store.getStreamEvents('account', 'hot')).map((event) => event.sequence)).toEqual([1, 2, 3, 4]);
    });

    it('core: stream, and append of V6 events without ids', async () => {
      const core = makeEventStoreCore(store);
      expect((await core.stream('account', 'a1')).map((event) => event.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await core.stream('account', 'a1', { fromSequence: 4 })).map((event) => event.type)).toEqual(['Withdrawn', 'Deposited']);
      await core.append([
        { domain: 'notice', identifier: 'n1', type: 'Drafted', payload: { text: 'hi' }, created: new Date() },
        { domain: 'notice', identifier: 'n1', type: 'Drafted', payload: { text: 'again' }, created: new Date() },
      ]);
      const notices = await core.stream('notice', 'n1');
      expect(notices.map((event) => [event.sequence, (event.payload as { text: string }).text])).toEqual([
        [1, 'hi'],
        [2, 'again'],
      ]);
      expect(new Set(notices.map((event) => event.id)).size).toBe(2);
    });

    it('core: a 500 KB event is offloaded to the blob store and read back whole by stream and scan', async () => {
      const core = makeEventStoreCore(store);
      const content = 'Kontoauszug ✓ — ünïcödé\n'.repeat(Math.ceil(500_000 / 28));
      expect(Buffer.byteLength(content)).toBeGreaterThanOrEqual(500_000);
      const before = (await backend.allBlobKeys()).length;
      await core.append([{ domain: 'statement', identifier: 's1', type: 'Issued', payload: { content }, created: new Date() }]);
      expect((await backend.allBlobKeys()).length).toBe(before + 1);
      const [read] = await core.stream('statement', 's1');
      expect(sha((read!.payload as { content: string }).content)).toBe(sha(content));
      let scanned: PersistedEvent | undefined;
      for await (const page of core.scan({ pageSize: 50 })) scanned ??= page.find((event) => event.domain === 'statement');
      expect(sha((scanned!.payload as { content: string }).content)).toBe(sha(content));
    });

    it('core: scan pages at most pageSize, in the store order, and resumes after startFromId', async () => {
      const core = makeEventStoreCore(store);
      const all = await everything(store);
      const pages: PersistedEvent[][] = [];
      for await (const page of core.scan({ pageSize: 3 })) pages.push(page);
      expect(pages.every((page) => page.length > 0 && page.length <= 3)).toBe(true);
      expect(pages.flat().map((event) => event.id)).toEqual(all.map((event) => event.id));
      const resumed: PersistedEvent[] = [];
      for await (const page of core.scan({ pageSize: 4, startFromId: all[5]!.id })) resumed.push(...page);
      expect(resumed.map((event) => event.id)).toEqual(all.slice(6).map((event) => event.id));
    });

    it('core: rebuildReadModels feeds the observers every event once, in order, with priorities; and from startFromId', async () => {
      const core = makeEventStoreCore(store);
      const view = new BalanceView();
      const reset = vi.fn(async () => {
        view.balances.clear();
        view.seen.length = 0;
      });
      await core.rebuildReadModels({ observers: view.observers(), reset });
      expect(reset).toHaveBeenCalledTimes(1);
      const runtime = makeAggregateRuntime(store);
      for (const id of ['a1', 'hot']) expect(view.balances.get(id)).toBe((await runtime.hydrate(accountAggregate(), id)).state.balance);
      const accountIds = (await everything(store)).filter((event) => event.domain === ACCOUNT).map((event) => event.id);
      expect(view.seen).toEqual(accountIds);
      const tail = new BalanceView();
      await core.rebuildReadModels({ observers: tail.observers(), startFromId: accountIds.at(-2)! });
      expect(tail.seen).toEqual(accountIds.slice(-1));
    });

    describe('revert', () => {
      let root: StoredEvent;
      beforeAll(async () => {
        // A transfer: the root, two account events caused by it, and a notice caused by the credit.
        const core = makeEventStoreCore(store);
        const at = new Date();
        const ids = { root: 'tr-1', debit: 'tr-1-debit', credit: 'tr-1-credit', notice: 'tr-1-notice' };
        await core.append([
          { id: ids.root, domain: 'transfer', identifier: 't1', type: 'Requested', payload: { amount: 7 }, created: at },
          {
            id: ids.debit,
            domain: ACCOUNT,
            identifier: 'a1',
            type: 'Withdrawn',
            payload: { amount: 7 },
            causationId: ids.root,
            correlationId: ids.root,
            created: at,
          },
          {
            id: ids.credit,
            domain: ACCOUNT,
            identifier: 'hot',
            type: 'Deposited',
            payload: { amount: 7 },
            causationId: ids.root,
            correlationId: ids.root,
            created: at,
          },
          {
            id: ids.notice,
            domain: 'notice',
            identifier: 'n2',
            type: 'Sent',
            payload: {},
            causationId: ids.credit,
            correlationId: ids.root,
            created: at,
          },
        ]);
        root = (await store.getEventById(ids.root))!;
      });

      it('canRevert names the event without a compensation; previewRevert lists the tree leaves first', async () => {
        const blocked = await makeEventStoreRevert(store, compensations(false)).canRevert(root.id);
        expect(blocked).toEqual({
          canRevert: false,
          blockedBy: [{ eventId: 'tr-1-notice', domain: 'notice', type: 'Sent', reason: 'No compensation registered for notice::Sent' }],
        });
        const revert = makeEventStoreRevert(store, compensations(true));
        expect(await revert.canRevert(root.id)).toEqual({ canRevert: true });
        const preview = await revert.previewRevert(root.id);
        expect(preview.rootEvent).toMatchObject({ id: 'tr-1', domain: 'transfer', sequence: 1 });
        // Post-order: each child after its own descendants.
        expect(preview.descendantEvents.map((event) => event.id).sort()).toEqual(['tr-1-credit', 'tr-1-debit', 'tr-1-notice']);
        expect(preview.descendantEvents.findIndex((event) => event.id === 'tr-1-notice')).toBeLessThan(
          preview.descendantEvents.findIndex((event) => event.id === 'tr-1-credit'),
        );
      });

      it('revert appends the compensations (sent with sequence: undefined) in one append; they join the causal tree', async () => {
        const appendSpy = vi.spyOn(store, 'append');
        const { compensatingEvents } = await makeEventStoreRevert(store, compensations(true)).revert(root.id);
        expect(appendSpy).toHaveBeenCalledTimes(1);
        appendSpy.mockRestore();
        expect(compensatingEvents).toHaveLength(4);
        expect(compensatingEvents.every((event) => 'sequence' in event && event.sequence === undefined)).toBe(true);
        const debitBack = (await store.findByCausationId('tr-1-debit'))[0]!;
        expect(debitBack).toMatchObject({
          domain: ACCOUNT,
          identifier: 'a1',
          type: 'WithdrawalReverted',
          payload: { amount: 7 },
          correlationId: 'tr-1',
          meta: { isCompensating: true, compensatesEventId: 'tr-1-debit' },
        });
        expect(debitBack.sequence).toBe(await store.getStreamSequence('account', 'a1'));
        expect((await store.findByCausationId('tr-1')).map((event) => event.type).sort()).toEqual(['Cancelled', 'Deposited', 'Withdrawn']);
        expect((await store.getStreamEvents('transfer', 't1')).map((event) => [event.type, event.sequence])).toEqual([
          ['Requested', 1],
          ['Cancelled', 2],
        ]);
        const runtime = makeAggregateRuntime(store);
        const view = new BalanceView();
        await makeEventStoreCore(store).rebuildReadModels({ observers: view.observers() });
        for (const id of ['a1', 'hot']) expect(view.balances.get(id)).toBe((await runtime.hydrate(accountAggregate(), id)).state.balance);
      });
    });

    it('core: export then import({ replace: true }) restores every event (the 500 KB one included); a re-export is identical', async () => {
      const core = makeEventStoreCore(store);
      const exported: PersistedEvent[] = [];
      for await (const page of core.export({ pageSize: 7 })) exported.push(...page);
      expect(exported.length).toBeGreaterThan(20);
      const snapshotBefore = await store.getSnapshot('account', 'a1');
      expect(snapshotBefore).not.toBeNull();
      // As an application would ship it: through JSON (created becomes a string; import turns it back into a Date).
      const shipped = JSON.parse(JSON.stringify(exported)) as PersistedEvent[];
      await core.import(shipped, { replace: true });
      const again: PersistedEvent[] = [];
      for await (const page of core.export({ pageSize: 7 })) again.push(...page);
      const digest = (event: PersistedEvent) => ({
        ...event,
        created: event.created.toISOString(),
        payload: sha(JSON.stringify(event.payload)),
      });
      expect(again.map(digest)).toEqual(exported.map(digest));
      // reset() dropped the snapshots with the table; the aggregate hydrates from the stream alone.
      expect(await store.getSnapshot('account', 'a1')).toBeNull();
      const hydrated = await makeAggregateRuntime(store).hydrate(accountAggregate(), 'a1');
      expect(hydrated.sequence).toBe(await store.getStreamSequence('account', 'a1'));
    });
  });
}

/** A V6 event of stream (domain, identifier). */
const v6 = (domain: string, identifier: string | undefined, type: string, payload: unknown, id?: string): AppendableEvent => ({
  ...(id === undefined ? {} : { id }),
  domain,
  ...(identifier === undefined ? {} : { identifier }),
  type,
  payload,
  created: new Date(),
});

/** Register the appendBatch / getStreamVersions / expectedSequences scenarios on `makeBackend()`. */
export function batchScenarios(makeBackend: () => SafetyBackend): void {
  const backend = makeBackend();
  let store: EventStore;
  afterAll(async () => {
    await store?.close();
    await backend.dispose();
  });

  /** Versions of (domain, identifier) pairs. */
  const versions = async (...streams: Array<[string, string?]>) =>
    (
      await store.getStreamVersions(streams.map(([domain, identifier]) => (identifier === undefined ? { domain } : { domain, identifier })))
    ).map((entry) => entry.expectedVersion);

  describe(`appendBatch / getStreamVersions (rc.6) on ${backend.name}`, () => {
    beforeAll(async () => {
      store = backend.store(backend.table('v6-batch'));
      await store.init();
    });

    it('is detected as rc.6 detects it (method presence)', () => {
      expect(supportsAppendBatch(store)).toBe(true);
    });

    it('getStreamVersions: input order, 0 for unknown streams, duplicates reported at each position, identifier echoed only when given', async () => {
      await store.appendToStream([v6('cash', 'c1', 'Credited', 1), v6('cash', 'c1', 'Credited', 2)] as StreamAppendableEvent[], 0);
      await store.append([v6('ledger', undefined, 'Posted', 1)]);
      const result = await store.getStreamVersions([
        { domain: 'nobody', identifier: 'x' },
        { domain: 'cash', identifier: 'c1' },
        { domain: 'ledger' },
        { domain: 'cash', identifier: 'c1' },
      ]);
      expect(result).toEqual([
        { domain: 'nobody', identifier: 'x', expectedVersion: 0 },
        { domain: 'cash', identifier: 'c1', expectedVersion: 2 },
        { domain: 'ledger', expectedVersion: 1 },
        { domain: 'cash', identifier: 'c1', expectedVersion: 2 },
      ]);
      expect(await store.getStreamVersions([])).toEqual([]);
      // More streams than one batch read takes (100 keys): chunked, still in input order.
      const many = Array.from({ length: 150 }, (_, i) => ({ domain: 'many', identifier: `m${i}` }));
      await store.append([v6('many', 'm149', 'X', 1), v6('many', 'm7', 'X', 1), v6('many', 'm7', 'X', 2)]);
      const read = await store.getStreamVersions(many);
      expect(read.map((entry) => entry.identifier)).toEqual(many.map((entry) => entry.identifier));
      expect(read.filter((entry) => entry.expectedVersion > 0)).toEqual([
        { domain: 'many', identifier: 'm7', expectedVersion: 2 },
        { domain: 'many', identifier: 'm149', expectedVersion: 1 },
      ]);
    });

    it('writes several streams in ONE transaction, events in input order, each stream consecutive; the read vector feeds it directly', async () => {
      const expected: ExpectedStreamVersion[] = await store.getStreamVersions([
        { domain: 'cash', identifier: 'c1' },
        { domain: 'asset', identifier: 'h1' },
        { domain: 'ledger' },
      ]);
      const transactions = vi.spyOn(backend.kv, 'transactWrite');
      await store.appendBatch(
        [
          v6('cash', 'c1', 'Debited', 5, 'b1-1'),
          v6('asset', 'h1', 'Bought', 5, 'b1-2'),
          v6('cash', 'c1', 'Fee', 1, 'b1-3'),
          v6('ledger', undefined, 'Posted', 2, 'b1-4'),
        ],
        expected,
      );
      expect(transactions).toHaveBeenCalledTimes(1);
      transactions.mockRestore();
      expect((await store.getStreamEvents('cash', 'c1')).map((event) => [event.id, event.sequence]).slice(2)).toEqual([
        ['b1-1', 3],
        ['b1-3', 4],
      ]);
      expect((await store.getStreamEvents('asset', 'h1')).map((event) => [event.id, event.sequence])).toEqual([['b1-2', 1]]);
      const ledger = await store.getStreamEvents('ledger', '');
      expect(ledger.at(-1)).toMatchObject({ id: 'b1-4', sequence: 2 });
      expect(ledger.at(-1)!.identifier).toBeUndefined();
      expect(await versions(['cash', 'c1'], ['asset', 'h1'], ['ledger'])).toEqual([4, 1, 2]);
    });

    it('read dependencies: a listed stream that is not written is checked (0 = empty); a conflict on it names it and writes nothing', async () => {
      await store.appendBatch(
        [v6('cash', 'c2', 'Credited', 1, 'rd-1')],
        [
          { domain: 'cash', identifier: 'c2', expectedVersion: 0 },
          { domain: 'policy', identifier: 'p1', expectedVersion: 0 },
        ],
      );
      await store.appendToStream([v6('policy', 'p1', 'Changed', { limit: 10 })] as StreamAppendableEvent[], 0);
      const error = await rejection(
        store.appendBatch(
          [v6('cash', 'c2', 'Credited', 2, 'rd-2')],
          [
            { domain: 'cash', identifier: 'c2', expectedVersion: 1 },
            { domain: 'policy', identifier: 'p1', expectedVersion: 0 },
          ],
        ),
      );
      expect(error).toBeInstanceOf(V6StreamConcurrencyError);
      expect(error).toMatchObject({
        code: ErrorCodes.CONCURRENCY,
        domain: 'policy',
        identifier: 'p1',
        expectedVersion: 0,
        actualVersion: 1,
      });
      expect(await store.getEventById('rd-2')).toBeNull();
      expect(await versions(['cash', 'c2'], ['policy', 'p1'])).toEqual([1, 1]);
      // At the right version the dependency passes.
      await store.appendBatch(
        [v6('cash', 'c2', 'Credited', 2, 'rd-3')],
        [
          { domain: 'cash', identifier: 'c2', expectedVersion: 1 },
          { domain: 'policy', identifier: 'p1', expectedVersion: 1 },
        ],
      );
      expect(await versions(['cash', 'c2'])).toEqual([2]);
    });

    it("read dependencies stop write skew: two batches each reading the other's stream at 0 and writing its own: exactly one commits", async () => {
      for (let round = 0; round < 3; round += 1) {
        const [x, y] = [`x${round}`, `y${round}`];
        const results = await Promise.allSettled([
          store.appendBatch(
            [v6('skew', x, 'Took', 1)],
            [
              { domain: 'skew', identifier: x, expectedVersion: 0 },
              { domain: 'skew', identifier: y, expectedVersion: 0 },
            ],
          ),
          store.appendBatch(
            [v6('skew', y, 'Took', 1)],
            [
              { domain: 'skew', identifier: y, expectedVersion: 0 },
              { domain: 'skew', identifier: x, expectedVersion: 0 },
            ],
          ),
        ]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const loser = (results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason as V6StreamConcurrencyError;
        expect(loser).toBeInstanceOf(V6StreamConcurrencyError);
        expect(loser).toMatchObject({ code: ErrorCodes.CONCURRENCY, expectedVersion: 0, actualVersion: 1 });
        expect((await versions(['skew', x], ['skew', y])).sort()).toEqual([0, 1]);
      }
    });

    it('a stale version of a written stream: StreamConcurrencyError naming it with both versions, and no stream of the batch written', async () => {
      const before = await versions(['cash', 'c1'], ['asset', 'h1']);
      const error = await rejection(
        store.appendBatch(
          [v6('asset', 'h1', 'Bought', 1, 'st-1'), v6('cash', 'c1', 'Debited', 1, 'st-2')],
          [
            { domain: 'asset', identifier: 'h1', expectedVersion: before[1]! },
            { domain: 'cash', identifier: 'c1', expectedVersion: before[0]! - 1 },
          ],
        ),
      );
      expect(error).toBeInstanceOf(V6StreamConcurrencyError);
      expect(error).toMatchObject({
        code: ErrorCodes.CONCURRENCY,
        domain: 'cash',
        identifier: 'c1',
        expectedVersion: before[0]! - 1,
        actualVersion: before[0],
      });
      expect(await versions(['cash', 'c1'], ['asset', 'h1'])).toEqual(before);
      expect(await store.getEventById('st-1')).toBeNull();
    });

    it('duplicate ids (in the batch, or already stored): DuplicateEventError, STORE/DUPLICATE_EVENT_ID, nothing written', async () => {
      const before = await versions(['cash', 'c1'], ['asset', 'h1']);
      const expected = [
        { domain: 'cash', identifier: 'c1', expectedVersion: before[0]! },
        { domain: 'asset', identifier: 'h1', expectedVersion: before[1]! },
      ];
      const inBatch = await caught(
        store.appendBatch([v6('cash', 'c1', 'Debited', 1, 'dup-a'), v6('asset', 'h1', 'Bought', 1, 'dup-a')], expected),
      );
      expect(inBatch).toBeInstanceOf(DuplicateEventError);
      expect(inBatch).toMatchObject({ name: 'DuplicateEventError', code: ErrorCodes.DUPLICATE_EVENT_ID, eventIds: ['dup-a'] });
      const stored = await caught(
        store.appendBatch([v6('asset', 'h1', 'Bought', 1, 'dup-b'), v6('cash', 'c1', 'Debited', 1, 'b1-1')], expected),
      );
      expect(stored).toMatchObject({ name: 'DuplicateEventError', code: ErrorCodes.DUPLICATE_EVENT_ID, eventIds: ['b1-1'] });
      expect(await versions(['cash', 'c1'], ['asset', 'h1'])).toEqual(before);
      expect(await store.getEventById('dup-b')).toBeNull();
      // The same through the rc.5 methods.
      expect(await caught(store.append([v6('cash', 'c9', 'Debited', 1, 'b1-1')]))).toMatchObject({
        name: 'DuplicateEventError',
        code: ErrorCodes.DUPLICATE_EVENT_ID,
      });
    });

    it('a batch that cannot fit ONE transaction is refused (TransactionScopeError, STORE/BATCH_TOO_LARGE), not chunked, nothing written', async () => {
      const limit = backend.kv.capabilities.maxTransactionActions;
      // Each event with a cause needs 3 actions (item, id guard, causation link); plus one head and the instance
      // marker check a transaction of new streams carries.
      const count = Math.ceil(limit / 3) + 1;
      const events = Array.from({ length: count }, (_, i) => ({ ...v6('bulk', 'b1', 'Row', i, `bulk-${i}`), causationId: 'bulk-cause' }));
      const transactions = vi.spyOn(backend.kv, 'transactWrite');
      const error = await caught(store.appendBatch(events, [{ domain: 'bulk', identifier: 'b1', expectedVersion: 0 }]));
      expect(transactions).not.toHaveBeenCalled();
      transactions.mockRestore();
      expect(error).toBeInstanceOf(TransactionScopeError);
      expect(error).toMatchObject({
        name: 'TransactionScopeError',
        code: ErrorCodes.BATCH_TOO_LARGE,
        details: { events: count, actions: count * 3 + 2, maxTransactionActions: limit },
      });
      expect(await versions(['bulk', 'b1'])).toEqual([0]);
      expect(await store.getEventById('bulk-0')).toBeNull();
      // Read dependencies count too: one event and enough listed streams to pass the limit.
      const deps = Array.from({ length: limit }, (_, i) => ({ domain: 'dep', identifier: `d${i}`, expectedVersion: 0 }));
      expect(
        (await caught(store.appendBatch([v6('bulk', 'b2', 'Row', 1)], [{ domain: 'bulk', identifier: 'b2', expectedVersion: 0 }, ...deps])))
          .code,
      ).toBe(ErrorCodes.BATCH_TOO_LARGE);
      // The same events as one storeEvents call are chunked (several transactions) and stored.
      await store.storeEvents(events.map((event) => ({ ...event, id: event.id! })));
      expect(await versions(['bulk', 'b1'])).toEqual([count]);
    });

    it('bad input: a typed error naming what is wrong, nothing written', async () => {
      const before = await versions(['cash', 'c1']);
      const at = { domain: 'cash', identifier: 'c1', expectedVersion: before[0]! };
      const cases: Array<[string, () => Promise<unknown>, string, Record<string, unknown>, (new (...args: never[]) => Error)?]> = [
        ['empty batch', () => store.appendBatch([], [at]), ErrorCodes.INVALID_EVENT, { field: 'events' }, V6InvalidStreamBatchError],
        [
          'written stream not listed',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1), v6('cash', 'c3', 'X', 1)], [at]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions', stream: 'cash::c3', index: 1 },
          V6InvalidStreamBatchError,
        ],
        [
          'stream listed twice',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], [at, at]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions[1]', rule: 'each stream at most once' },
          V6InvalidStreamBatchError,
        ],
        [
          'negative version',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], [{ ...at, expectedVersion: -1 }]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions[0].expectedVersion' },
          V6InvalidStreamBatchError,
        ],
        [
          'fractional version',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], [{ ...at, expectedVersion: 1.5 }]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions[0].expectedVersion' },
          V6InvalidStreamBatchError,
        ],
        [
          'expectedVersions not an array',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], null as never),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions' },
          V6InvalidStreamBatchError,
        ],
        [
          'empty domain in a version',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], [at, { domain: '', expectedVersion: 0 }]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions[1].domain' },
          V6InvalidStreamBatchError,
        ],
        [
          "identifier '' in a version",
          () => store.appendBatch([v6('cash', 'c1', 'X', 1)], [at, { domain: 'cash', identifier: '', expectedVersion: 0 }]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'expectedVersions[1].identifier' },
          V6InvalidIdentifierError,
        ],
        [
          'whitespace identifier on an event',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1), v6('cash', '  ', 'X', 1)], [at]),
          ErrorCodes.INVALID_EVENT,
          { field: 'identifier', index: 1 },
          V6InvalidIdentifierError,
        ],
        [
          'an invalid event',
          () => store.appendBatch([v6('cash', 'c1', 'X', 1), { ...v6('cash', 'c1', 'X', 1), type: '' }], [at]),
          ErrorCodes.INVALID_EVENT,
          { field: 'type', index: 1 },
        ],
        [
          'getStreamVersions: not an array',
          () => store.getStreamVersions('cash' as never),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'streams' },
        ],
        [
          'getStreamVersions: no domain',
          () => store.getStreamVersions([{ domain: 'cash' }, {} as never]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'streams[1].domain' },
        ],
        [
          'getStreamVersions: whitespace identifier',
          () => store.getStreamVersions([{ domain: 'cash', identifier: ' ' }]),
          ErrorCodes.INVALID_ARGUMENT,
          { field: 'streams[0].identifier' },
          V6InvalidIdentifierError,
        ],
      ];
      for (const [label, provoke, code, details, v6Class] of cases) {
        const error = await caught(provoke());
        expect(error.code, label).toBe(code);
        expect(error.details, label).toMatchObject(details);
        if (v6Class) expect(error, label).toBeInstanceOf(v6Class);
      }
      expect(await versions(['cash', 'c1'], ['cash', 'c3'])).toEqual([before[0], 0]);
    });
  });

  describe(`storeEvents({ expectedSequences }) on ${backend.name}`, () => {
    it("checks several streams, read dependencies included, in the write's transaction; a mismatch is a ConcurrencyError naming the stream, nothing written", async () => {
      const event = (identifier: string, id: string) => ({
        id,
        domain: 'order',
        identifier,
        type: 'Placed',
        payload: { id },
        created: new Date(),
      });
      await store.storeEvents([event('o1', 'es-1'), event('o2', 'es-2')], {
        expectedSequence: 0,
        expectedSequences: [
          { domain: 'order', identifier: 'o2', expectedSequence: 0 },
          { domain: 'stock', identifier: 's1', expectedSequence: 0 },
        ],
      });
      expect(await versions(['order', 'o1'], ['order', 'o2'])).toEqual([1, 1]);
      await store.storeEvents([{ id: 'es-stock', domain: 'stock', identifier: 's1', type: 'Counted', payload: 3, created: new Date() }]);
      const stale = await caught(
        store.storeEvents([event('o1', 'es-3'), event('o2', 'es-4')], {
          expectedSequences: [
            { domain: 'order', identifier: 'o1', expectedSequence: 1 },
            { domain: 'stock', identifier: 's1', expectedSequence: 0 },
          ],
        }),
      );
      expect(stale).toBeInstanceOf(ConcurrencyError);
      expect(stale).toMatchObject({
        name: 'ConcurrencyError',
        code: ErrorCodes.CONCURRENCY,
        streamKey: 'stock::s1',
        expectedSequence: 0,
        actualSequence: 1,
      });
      const written = await caught(
        store.storeEvents([event('o1', 'es-3'), event('o2', 'es-4')], {
          expectedSequences: [{ domain: 'order', identifier: 'o2', expectedSequence: 0 }],
        }),
      );
      expect(written).toMatchObject({ name: 'ConcurrencyError', streamKey: 'order::o2', expectedSequence: 0, actualSequence: 1 });
      expect(await versions(['order', 'o1'], ['order', 'o2'])).toEqual([1, 1]);
      expect(await store.getEventById('es-3')).toBeNull();
      await store.storeEvents([event('o1', 'es-3'), event('o2', 'es-4')], {
        expectedSequences: [
          { domain: 'order', identifier: 'o1', expectedSequence: 1 },
          { domain: 'order', identifier: 'o2', expectedSequence: 1 },
          { domain: 'stock', identifier: 's1', expectedSequence: 1 },
        ],
      });
      expect(await versions(['order', 'o1'], ['order', 'o2'])).toEqual([2, 2]);
    });

    it('bad expectedSequences: INPUT/INVALID_ARGUMENT naming the field, nothing written', async () => {
      const event = { id: 'es-bad', domain: 'order', identifier: 'o1', type: 'Placed', payload: 1, created: new Date() };
      const cases: Array<[unknown, number | undefined, string]> = [
        ['nope', undefined, 'expectedSequences'],
        [[{ domain: 'order', identifier: 'o1', expectedSequence: -1 }], undefined, 'expectedSequences[0].expectedSequence'],
        [[{ identifier: 'o1', expectedSequence: 1 }], undefined, 'expectedSequences[0].domain'],
        [[{ domain: 'order', identifier: 7, expectedSequence: 1 }], undefined, 'expectedSequences[0].identifier'],
        [
          [
            { domain: 'order', identifier: 'o1', expectedSequence: 2 },
            { domain: 'order', identifier: 'o1', expectedSequence: 2 },
          ],
          undefined,
          'expectedSequences[1]',
        ],
        [[{ domain: 'order', identifier: 'o1', expectedSequence: 1 }], 2, 'expectedSequences[0].expectedSequence'],
      ];
      for (const [expectedSequences, expectedSequence, field] of cases) {
        const error = await caught(
          store.storeEvents([event], {
            expectedSequences: expectedSequences as never,
            ...(expectedSequence === undefined ? {} : { expectedSequence }),
          }),
        );
        expect(error.code, field).toBe(ErrorCodes.INVALID_ARGUMENT);
        expect(error.details.field, field).toBe(field);
        expect(error, field).toBeInstanceOf(EventStoreAdapterError);
      }
      expect(await store.getEventById('es-bad')).toBeNull();
    });
  });
}
