/** Replay: global order across any dates, exact exclusive cursors from every position, bounded pages, unknown cursors refused. */
import fc from 'fast-check';
import type { CreatedEvent } from '../../../src/contract-types.js';
import { ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { eventArb } from '../arbitraries.js';
import { ensureSameEvents, globalOrder, replayAll, withFixture, type EventStoreCheck } from '../fixture.js';

/** Every page at most pageSize, concatenation == model order, resuming after ANY event is exact. */
export const replayOrderCheck: EventStoreCheck = {
  name: 'replay returns every event once in created/id order, resuming exactly after any cursor',
  group: 'replay',
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(eventArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }), async (batches, pageSize, shards) => {
          const store = await open({ bucketShards: shards });
          for (const batch of batches) await store.storeEvents(batch);
          const ordered = batches.flat().map((event, index) => ({ event, index })).sort((a, b) => globalOrder(a.event, b.event)).map(({ event }) => event);
          const replayed = await replayAll(store, pageSize);
          ensureSameEvents(replayed.map(stripSequence), ordered, `getAllEvents(${pageSize}) with ${shards} shard(s)`);
          for (const [position, cursor] of ordered.entries()) {
            const resumed = await replayAll(store, pageSize, cursor.id);
            ensureSameEvents(resumed.map(stripSequence), ordered.slice(position + 1), `getAllEvents(${pageSize}, ${cursor.id})`);
          }
        }),
        propertyParameters(options, 0.5),
      );
    }),
};

function stripSequence(event: CreatedEvent & { sequence?: number }): CreatedEvent {
  const { sequence, ...rest } = event;
  ensure(typeof sequence === 'number' && sequence >= 1, 'replayed events carry their sequence');
  return rest;
}

/** Empty store, unknown cursor, absurd page sizes. */
export const replayEdgesCheck: EventStoreCheck = {
  name: 'replay of an empty store is empty; unknown cursors and bad page sizes are typed errors',
  group: 'replay',
  run: (factory) =>
    withFixture(factory, async (open) => {
      const store = await open();
      ensure((await replayAll(store, 200)).length === 0, 'an empty store replays nothing');
      await ensureRejectsWithCode(() => store.getAllEvents(10, 'never-stored'), 'INPUT/UNKNOWN_CURSOR', 'unknown cursor');
      for (const size of [0, -1, 1.5, Number.NaN, 1e9]) {
        await ensureRejectsWithCode(() => store.getAllEvents(size), 'INPUT/INVALID_PAGE_SIZE', `page size ${size}`);
      }
    }),
};
