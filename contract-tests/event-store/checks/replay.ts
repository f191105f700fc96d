/** Replay: global order across any dates, exact exclusive cursors from every position, bounded pages, unknown cursors refused. */
import fc from 'fast-check';
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { compareUtf8, ensure, ensureEqual, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { eventArb } from '../arbitraries.js';
import { ensureSameEvents, globalOrder, replayAll, withFixture, type EventStoreCheck } from '../fixture.js';

/** Every page at most pageSize, concatenation == model order, resuming after ANY event is exact. */
export const replayOrderCheck: EventStoreCheck = {
  name: 'replay returns every event once in created/id order, resuming exactly after any cursor',
  group: 'replay',
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(eventArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 7 }),
          fc.integer({ min: 1, max: 4 }),
          async (batches, pageSize, shards) => {
            const store = await open({ bucketShards: shards });
            for (const batch of batches) await store.storeEvents(batch);
            const ordered = batches
              .flat()
              .map((event, index) => ({ event, index }))
              .sort((a, b) => globalOrder(a.event, b.event))
              .map(({ event }) => event);
            const replayed = await replayAll(store, pageSize);
            ensureSameEvents(replayed.map(stripSequence), ordered, `getAllEvents(${pageSize}) with ${shards} shard(s)`);
            for (const [position, cursor] of ordered.entries()) {
              const resumed = await replayAll(store, pageSize, cursor.id);
              ensureSameEvents(resumed.map(stripSequence), ordered.slice(position + 1), `getAllEvents(${pageSize}, ${cursor.id})`);
            }
          },
        ),
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

/**
 * Ids that differ at a character above U+FFFF (UTF-16 surrogates) vs one in U+E000..U+FFFF: UTF-8 (code point)
 * order and UTF-16 code-unit order disagree on every such pair. The random ids of the other checks differ earlier.
 */
const CODE_POINT_IDS: readonly string[] = ['\uE000', '\uFFFD', '\uFFFF', '\u{10000}', '😀', '\u{10FFFF}'].flatMap((char) => [
  `cp${char}`,
  `cp${char}z`,
  `cp${char}\u{1F600}`,
]);

/** Every shard count from 1 to 4: the merge of shards must compare ids by code point, as each shard is ordered. */
export const replayCodePointOrderCheck: EventStoreCheck = {
  name: 'replay (1-4 shards) and causation lookups order ids by code point (UTF-8), not by UTF-16 code unit',
  group: 'replay',
  run: (factory) =>
    withFixture(factory, async (open) => {
      const at = new Date(Date.UTC(2025, 2, 3, 4, 5, 6, 7));
      const expected = [...CODE_POINT_IDS].sort(compareUtf8);
      const stores = [];
      for (let shards = 1; shards <= 4; shards++) {
        const store = await open({ bucketShards: shards });
        stores.push(store);
        // Stored in reverse order, one stream per id, all at the same instant and caused by one event.
        const events: CreatedEvent[] = [...CODE_POINT_IDS]
          .reverse()
          .map((id) => ({ id, domain: 'cp', identifier: id, type: 't', payload: id, created: at, causationId: 'cp-cause' }));
        await store.storeEvents(events);
        for (const pageSize of [1, 4, 100]) {
          ensureEqual(
            (await replayAll(store, pageSize)).map((event) => event.id),
            expected,
            `getAllEvents(${pageSize}) with ${shards} shard(s): ids in code point order`,
          );
        }
        for (const [position, cursor] of expected.entries()) {
          ensureEqual(
            (await replayAll(store, 5, cursor)).map((event) => event.id),
            expected.slice(position + 1),
            `getAllEvents(5, ${JSON.stringify(cursor)}) with ${shards} shard(s)`,
          );
        }
      }
      for (const [index, store] of stores.entries()) {
        ensureEqual(
          (await store.findByCausationId('cp-cause')).map((event) => event.id),
          expected,
          `findByCausationId with ${index + 1} shard(s): ids in code point order`,
        );
      }
    }),
};
