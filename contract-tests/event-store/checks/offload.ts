/** Offloading: items over the threshold (by DynamoDB's UTF-8 size) and batches over the transaction limit move payloads to blobs and read back identical. */
import fc from 'fast-check';
import type { CreatedEvent } from '../../../src/contract-types.js';
import { ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import { ensureSameEvents, replayAll, withFixture, withStore, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2025, 5, 1));

/** Random payload/meta sizes and alphabets around a small threshold: every read method returns the event whole. */
export const offloadRoundTripCheck: EventStoreCheck = {
  name: 'events over the offload threshold (UTF-8 size, payload and meta) read back identical from every read',
  group: 'offload',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      const store = await open({ offloadThresholdBytes: 4096 });
      const textArb = fc.record({ char: fc.constantFrom('a', 'é', '日', '😀'), length: fc.integer({ min: 0, max: 3000 }) }).map(({ char, length }) => char.repeat(length));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ payload: textArb, meta: fc.option(textArb, { nil: undefined }), identifier: fc.constantFrom('1', '2') }), { minLength: 1, maxLength: 4 }), async (drafts) => {
          const events: CreatedEvent[] = drafts.map((draft) => ({ id: freshId(), domain: 'big', type: 't', identifier: draft.identifier, payload: { text: draft.payload }, ...(draft.meta === undefined ? {} : { meta: { note: draft.meta } }), created: at, causationId: 'root-cause' }));
          const before = { one: await store.getStreamSequence('big', '1'), two: await store.getStreamSequence('big', '2') };
          await store.storeEvents(events);
          const next = { one: before.one, two: before.two };
          const stored = events.map((event) => ({ ...event, sequence: event.identifier === '1' ? ++next.one : ++next.two }));
          for (const expected of stored) ensureSameEvents(await store.getEventById(expected.id), expected, `getEventById(${expected.id})`);
          ensureSameEvents((await store.getStreamEvents('big', '1', before.one)), stored.filter((event) => event.identifier === '1'), 'getStreamEvents');
          const replayed = await replayAll(store, 3);
          for (const expected of stored) ensureSameEvents(replayed.find((event) => event.id === expected.id), expected, `replayed ${expected.id}`);
          const caused = await store.findByCausationId('root-cause');
          for (const expected of stored) ensureSameEvents(caused.find((event) => event.id === expected.id), expected, `caused ${expected.id}`);
        }),
        propertyParameters(options, 0.3),
      );
    }),
};

/** A batch whose inline size passes the transaction byte limit still commits as ONE transaction. */
export const transactionBudgetCheck: EventStoreCheck = {
  name: 'a batch over the transaction byte limit offloads its largest payloads and stays one transaction',
  group: 'offload',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: (factory) =>
    withStore(factory, async (store, fixture) => {
      const { maxTransactionBytes, maxItemBytes } = fixture.kv.capabilities;
      const payloadBytes = Math.min(store.options.offloadThresholdBytes - 2_000, maxItemBytes - 2_000);
      const count = Math.min(40, Math.ceil((maxTransactionBytes * 1.2) / payloadBytes));
      const events: CreatedEvent[] = Array.from({ length: count }, (_, index) => ({ id: freshId(), domain: 'bulk', type: 't', identifier: 'one', payload: 'x'.repeat(payloadBytes - (index % 7)), created: at }));
      store.resetStats();
      await store.storeEvents(events);
      ensure(store.stats().transactWrite.requests === 1, () => `one transaction expected, saw ${store.stats().transactWrite.requests}`);
      const stream = await store.getStreamEvents('bulk', 'one');
      ensure(stream.length === count && stream.every((event, index) => event.payload === events[index]!.payload && event.sequence === index + 1), 'all read back whole, in order');
    }),
};

/** Without a blob store, an event that needs offloading is refused with a typed error and nothing is written. */
export const blobStoreRequiredCheck: EventStoreCheck = {
  name: 'without a blob store an oversized event is refused (BLOB_STORE_REQUIRED) and nothing is written',
  group: 'offload',
  run: (factory) =>
    withStore(
      factory,
      async (store, fixture) => {
        const huge = { id: freshId(), domain: 'big', type: 't', identifier: 'x', payload: '日'.repeat(Math.ceil(fixture.kv.capabilities.maxItemBytes / 3) + 10), created: at };
        await ensureRejectsWithCode(() => store.storeEvents([{ id: freshId(), domain: 'big', type: 't', identifier: 'x', payload: 1, created: at }, huge]), 'STORE/BLOB_STORE_REQUIRED', 'oversized event without blobs');
        ensure((await store.getStreamSequence('big', 'x')) === 0, 'nothing written');
      },
      { withoutBlobs: true },
    ),
};
