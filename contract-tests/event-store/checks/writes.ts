/** Writes: atomic batches across streams, expected sequences, duplicate ids, concurrent writers, big batches. */
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { ensure, ensureRejectsWithCode } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import { replayAll, withFixture, withStore, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2025, 0, 1));
const event = (domain: string, identifier: string, extra: Partial<CreatedEvent> = {}): CreatedEvent => ({
  id: freshId(),
  domain,
  type: 'happened',
  identifier,
  payload: { n: 1 },
  created: at,
  ...extra,
});

/** A batch across streams is atomic; a failed expectation or a duplicate writes nothing anywhere. */
export const atomicBatchCheck: EventStoreCheck = {
  name: 'a batch across streams is all-or-nothing; expectedSequence (0 included) is enforced',
  group: 'writes',
  run: (factory) =>
    withStore(factory, async (store) => {
      await store.storeEvents([event('order', 'o1'), event('stock', 's1'), event('order', 'o1')], { expectedSequence: 0 });
      ensure((await store.getStreamSequence('order', 'o1')) === 2, 'order stream at 2');
      ensure((await store.getStreamSequence('stock', 's1')) === 1, 'stock stream at 1');
      let caught: { name?: string; actualSequence?: number; expectedSequence?: number; streamKey?: string } | undefined;
      try {
        await store.storeEvents([event('order', 'o1'), event('stock', 's1')], { expectedSequence: 1 });
      } catch (error) {
        caught = error as typeof caught;
      }
      ensure(
        caught?.name === 'ConcurrencyError' &&
          caught.actualSequence === 2 &&
          caught.expectedSequence === 1 &&
          caught.streamKey === 'order::o1',
        () => `expected ConcurrencyError(order::o1, 1, 2), got ${JSON.stringify(caught)}`,
      );
      ensure((await store.getStreamSequence('stock', 's1')) === 1, 'nothing written to the other stream');
      await ensureRejectsWithCode(
        () => store.storeEvents([event('new', 'n1')], { expectedSequence: 3 }),
        'STORE/CONCURRENCY',
        'expecting 3 of a new stream',
      );
      ensure((await store.getStreamSequence('new', 'n1')) === 0, 'nothing written to the new stream');
      const [stored] = await store.getStreamEvents('order', 'o1');
      const duplicateBatch = [event('stock', 's1'), event('other', 'x', { id: stored!.id })];
      await ensureRejectsWithCode(() => store.storeEvents(duplicateBatch), 'STORE/DUPLICATE_EVENT_ID', 'stored duplicate id');
      const sameIdTwice = event('a', 'b');
      await ensureRejectsWithCode(
        () => store.storeEvents([sameIdTwice, { ...sameIdTwice, identifier: 'c' }]),
        'STORE/DUPLICATE_EVENT_ID',
        'duplicate id in one batch',
      );
      ensure(
        (await store.getStreamSequence('stock', 's1')) === 1 && (await store.getStreamSequence('other', 'x')) === 0,
        'a duplicate id writes nothing',
      );
      ensure((await replayAll(store, 100)).length === 3, 'replay holds exactly the 3 stored events');
      await ensureRejectsWithCode(
        () => store.storeEvents([event('order', 'o1', { id: stored!.id, created: new Date(Date.UTC(2030, 0, 1)) })]),
        'STORE/DUPLICATE_EVENT_ID',
        'same id with another date',
      );
    }),
};

/** Concurrent writers: without expectations all succeed gaplessly; with the same expectation exactly one wins. */
export const concurrentWritersCheck: EventStoreCheck = {
  name: '16 concurrent writers: all succeed gaplessly without expectedSequence, exactly one wins each contested sequence; 64 writers on 8 streams',
  group: 'concurrency',
  run: (factory) =>
    withFixture(factory, async (open) => {
      const first = await open();
      // A second instance on the same table behaves like a second process: its head cache is independent.
      const second = await open({ sameTableAs: first });
      const writers = Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? first : second));
      const ids = writers.map(() => freshId());
      await Promise.all(writers.map((store, index) => store.storeEvents([event('race', 'r', { id: ids[index]! })])));
      const stream = await first.getStreamEvents('race', 'r');
      const mine = stream.map((stored) => stored.sequence);
      ensure(stream.length === 16, `the stream holds all 16 acknowledged events (${stream.length})`);
      ensure(
        new Set(stream.map((stored) => stored.id)).size === 16 && ids.every((id) => stream.some((stored) => stored.id === id)),
        'each acknowledged event stored once',
      );
      ensure(
        mine.every((sequence, index) => sequence === index + 1),
        `gapless sequences: ${mine.join(',')}`,
      );
      // Contested sequences: each round, 16 writers (two instances) expect the same sequence; exactly one wins.
      for (let round = 0; round < 4; round++) {
        const contenders = Array.from({ length: 16 }, (_, index) => ({
          store: index % 2 === 0 ? first : second,
          event: event('contest', 'c'),
        }));
        const results = await Promise.allSettled(
          contenders.map(({ store, event: contender }) => store.storeEvents([contender], { expectedSequence: round })),
        );
        const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [contenders[index]!.event.id] : []));
        const losers = results.filter(
          (result) =>
            result.status === 'rejected' && (result.reason as { name?: string; actualSequence?: number }).name === 'ConcurrencyError',
        ).length;
        ensure(
          winners.length === 1 && losers === 15,
          `round ${round}: exactly one winner (${winners.length} won, ${losers} ConcurrencyError)`,
        );
        const stored = await first.getStreamEvents('contest', 'c', round);
        ensure(
          stored.length === 1 && stored[0]!.id === winners[0] && stored[0]!.sequence === round + 1,
          `round ${round}: the winner holds sequence ${round + 1}`,
        );
      }
      // Many streams at once: 64 writers, each a 2-event batch across two of 8 streams.
      const batches = Array.from({ length: 64 }, (_, index) => [event('many', `m${index % 8}`), event('many', `m${(index + 3) % 8}`)]);
      await Promise.all(batches.map((batch, index) => (index % 2 === 0 ? first : second).storeEvents(batch)));
      const acknowledged = new Set(batches.flat().map((stored) => stored.id));
      let total = 0;
      for (let stream = 0; stream < 8; stream++) {
        const events = await second.getStreamEvents('many', `m${stream}`);
        ensure(
          events.every((stored, index) => stored.sequence === index + 1 && acknowledged.has(stored.id)),
          `stream m${stream} gapless and acknowledged`,
        );
        total += events.length;
      }
      const replayedIds = (await replayAll(first, 1000)).map((stored) => stored.id).filter((id) => acknowledged.has(id));
      ensure(
        total === 128 && replayedIds.length === 128 && new Set(replayedIds).size === 128,
        `128 acknowledged events stored once (streams ${total}, replay ${replayedIds.length})`,
      );
    }),
};

/** A batch larger than one transaction is written in order, gapless, and fully readable. */
export const largeBatchCheck: EventStoreCheck = {
  name: 'a batch larger than one transaction is stored whole, in order, gapless',
  group: 'writes',
  run: (factory) =>
    withStore(factory, async (store) => {
      const batch = Array.from({ length: 130 }, (_, index) => event('bulk', index % 3 === 0 ? 'b' : 'a', { payload: { index } }));
      await store.storeEvents(batch);
      const streamA = await store.getStreamEvents('bulk', 'a');
      const streamB = await store.getStreamEvents('bulk', 'b');
      ensure(streamA.length + streamB.length === 130, 'all 130 stored');
      ensure(
        streamA.every((stored, index) => stored.sequence === index + 1) && streamB.every((stored, index) => stored.sequence === index + 1),
        'gapless per stream',
      );
      ensure(
        streamA
          .map((stored) => (stored.payload as { index: number }).index)
          .every((value, index, all) => index === 0 || value > all[index - 1]!),
        'batch order kept within a stream',
      );
      ensure((await replayAll(store, 50)).length === 130, 'replay returns all 130');
    }),
};

/** A stored batch is recognised only when identical: a retry succeeds without writing twice; other content with the same ids is a duplicate. */
export const storedBatchIdentityCheck: EventStoreCheck = {
  name: 'an identical batch stored again succeeds without writing twice; the same ids with other content are DUPLICATE_EVENT_ID',
  group: 'writes',
  run: (factory) =>
    withStore(factory, async (store) => {
      const batch = [
        event('same', 's1', { payload: { n: 1 }, meta: { m: 1 }, correlationId: 'corr', causationId: 'cause' }),
        event('same', 's2', { payload: [1, 2] }),
      ];
      await store.storeEvents(batch);
      const again = await store.appendEvents(batch.map((stored) => ({ ...stored })));
      ensure(
        again.length === 2 && again.every((stored, index) => stored.id === batch[index]!.id && stored.sequence === 1),
        'the identical retry returns the stored events',
      );
      ensure(
        (await store.getStreamSequence('same', 's1')) === 1 && (await store.getStreamSequence('same', 's2')) === 1,
        'the identical retry wrote nothing',
      );
      const changes: [string, (stored: CreatedEvent) => CreatedEvent][] = [
        ['another payload', (stored) => ({ ...stored, payload: { n: 2 } })],
        ['a falsy payload', (stored) => ({ ...stored, payload: 0 })],
        ['another meta', (stored) => ({ ...stored, meta: { m: 2 } })],
        ['another type', (stored) => ({ ...stored, type: 'other' })],
        ['another stream', (stored) => ({ ...stored, identifier: 's3' })],
        ['another causation id', (stored) => ({ ...stored, causationId: 'other-cause' })],
      ];
      for (const [what, change] of changes) {
        await ensureRejectsWithCode(
          () => store.storeEvents([change(batch[0]!), batch[1]!]),
          'STORE/DUPLICATE_EVENT_ID',
          `the stored ids with ${what}`,
        );
      }
      ensure(
        (await store.getStreamSequence('same', 's1')) === 1 && (await store.getStreamSequence('same', 's3')) === 0,
        'the conflicting retries wrote nothing',
      );
      ensure((await replayAll(store, 10)).length === 2, 'replay holds the batch once');
    }),
};
