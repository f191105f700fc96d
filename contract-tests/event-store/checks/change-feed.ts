/**
 * The change feed (`changeFeed`, `getLogPage`): on any driver pair, chained pages deliver every committed event
 * exactly once, each stream in sequence order, whatever its `created`, written concurrently by two store
 * instances; the cursor survives JSON and an empty page returns it unchanged; a store without the feed refuses.
 * On a lagging driver the check polls until the fixture's `indexSettleMs` has passed since the last write (bounded).
 */
import fc from 'fast-check';
import type { ExpectedStreamVersion, StoredEvent } from '../../../src/compat/contract-types.js';
import { canonical, ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { eventArb } from '../arbitraries.js';
import { settled, withFixture, type EventStoreCheck } from '../fixture.js';

/** An event's canonical text with its date as ISO text (canonical() sees a Date as an empty object). */
const comparable = (event: StoredEvent): string => canonical({ ...event, created: event.created.toISOString() });

/** Pause after an empty page while events are still missing (an index that lags past `indexSettleMs`). */
const EMPTY_PAGE_PAUSE_MS = 20;

export const changeFeedCheck: EventStoreCheck = {
  name: 'change feed: chained getLogPage delivers every event exactly once, each stream in order, across two writing instances',
  group: 'change feed',
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      const plain = await open();
      await ensureRejectsWithCode(() => plain.getLogPage(), 'STORE/CHANGE_FEED_DISABLED', 'getLogPage without changeFeed');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(eventArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 7 }),
          fc.constantFrom(1, 3, 63),
          async (batches, pageSize, shards) => {
            const first = await open({ changeFeed: { shards } });
            const second = await open({ sameTableAs: first, changeFeed: { shards } });
            const start = await first.getLogPage();
            ensure(
              start.events.length === 0 && start.cursor.length === shards + 1,
              () => `an empty log: no events, ${shards + 1} cursor entries (got ${start.events.length}, ${start.cursor.length})`,
            );
            // Two "processes" write their halves concurrently (batches of a stream may then interleave).
            await Promise.all(
              [first, second].map((store, half) =>
                (async () => {
                  for (const [index, batch] of batches.entries()) if (index % 2 === half) await store.storeEvents(batch);
                })(),
              ),
            );
            const streams = new Map(batches.flat().map((event) => [`${event.domain}\u0000${event.identifier ?? ''}`, event]));
            const expected: StoredEvent[] = [];
            for (const event of streams.values()) expected.push(...(await first.getStreamEvents(event.domain, event.identifier ?? '')));
            await settled(first);
            const delivered: StoredEvent[] = [];
            let cursor: string = JSON.stringify(start.cursor);
            // After the index settled, each poll delivers at least one event: more polls than that means a lost event.
            const maxPolls = 2 * expected.length + 20;
            for (let polls = 0; delivered.length < expected.length; polls++) {
              ensure(polls < maxPolls, () => `getLogPage delivered ${delivered.length} of ${expected.length} events in ${maxPolls} polls`);
              const page = await second.getLogPage(JSON.parse(cursor) as ExpectedStreamVersion[], pageSize);
              ensure(page.events.length <= pageSize, `a page holds at most ${pageSize} events`);
              if (page.events.length === 0)
                ensure(canonical(page.cursor) === canonical(JSON.parse(cursor)), 'an empty page returns the cursor it was given');
              cursor = JSON.stringify(page.cursor);
              delivered.push(...page.events);
              if (page.events.length === 0) await new Promise((resolve) => setTimeout(resolve, EMPTY_PAGE_PAUSE_MS));
            }
            const after = await first.getLogPage(JSON.parse(cursor) as ExpectedStreamVersion[], pageSize);
            ensure(after.events.length === 0, () => `nothing after the last event, got ${after.events.map((event) => event.id).join(',')}`);
            const ids = delivered.map((event) => event.id);
            ensure(new Set(ids).size === ids.length, () => `each event once: ${ids.join(',')}`);
            ensure(
              canonical([...ids].sort()) === canonical(expected.map((event) => event.id).sort()),
              () => `exactly the stored events: expected ${expected.map((event) => event.id).join(',')}, got ${ids.join(',')}`,
            );
            const byId = new Map(expected.map((event) => [event.id, event]));
            const last = new Map<string, number>();
            for (const event of delivered) {
              ensure(
                comparable(event) === comparable(byId.get(event.id)!),
                () => `${event.id} delivered as stored: expected ${comparable(byId.get(event.id)!)}, got ${comparable(event)}`,
              );
              const stream = `${event.domain}\u0000${event.identifier ?? ''}`;
              ensure(
                event.sequence === (last.get(stream) ?? 0) + 1,
                () =>
                  `stream ${event.domain}/${event.identifier ?? ''} in sequence order: ${event.sequence} after ${last.get(stream) ?? 0}`,
              );
              last.set(stream, event.sequence);
            }
          },
        ),
        propertyParameters(options, 0.5),
      );
    }),
};
