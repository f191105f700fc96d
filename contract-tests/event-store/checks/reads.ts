/** Reads: exact fields, falsy payloads, any key characters, snapshots, lifecycle (init, reset, bad input). */
import fc from 'fast-check';
import type { CreatedEvent } from '../../../src/contract-types.js';
import { storedShape } from '../../../src/event-codec.js';
import { ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { freshId, trickyStrings } from '../arbitraries.js';
import { ensureSameEvents, replayAll, withFixture, withStore, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2024, 1, 29, 12));

/** Exactly the event fields plus sequence; falsy payloads, null causation and Dates in meta survive. */
export const exactFieldsCheck: EventStoreCheck = {
  name: 'stored events come back with exactly their fields plus sequence; falsy payloads survive',
  group: 'reads',
  run: (factory) =>
    withStore(factory, async (store) => {
      const payloads: unknown[] = [0, false, '', null, [], {}, 'x', { nested: [1, { a: null }] }];
      const events: CreatedEvent[] = payloads.map((payload, index) => ({ id: freshId(), domain: 'f', type: 't', identifier: 'i', payload, created: at, ...(index === 1 ? { causationId: null, correlationId: 'corr', meta: { when: new Date(at) } } : {}) }));
      const minimal: CreatedEvent = { id: freshId(), domain: 'f', type: 't', payload: 1, created: at };
      await store.storeEvents([...events, minimal]);
      // null correlation/causation ids mean absent; a Date in meta comes back as its ISO text (JSON).
      const expected = events.map((event, index) => ({ ...storedShape(event, index + 1), ...(event.meta ? { meta: { when: at.toISOString() } } : {}) }));
      ensure(!('causationId' in expected[1]!), 'the expectation itself drops the null causation id');
      ensureSameEvents(await store.getStreamEvents('f', 'i'), expected, 'getStreamEvents');
      ensureSameEvents(await store.getEventById(minimal.id), { ...minimal, sequence: 1 }, 'event without identifier');
      ensureSameEvents(await store.getStreamEvents('f', ''), [{ ...minimal, sequence: 1 }], 'missing identifier is the stream (domain, "")');
      const replayed = await replayAll(store, 4);
      for (const event of replayed) ensure(!Object.keys(event).some((key) => !['id', 'domain', 'type', 'payload', 'meta', 'identifier', 'correlationId', 'causationId', 'created', 'sequence'].includes(key)), () => `storage fields leaked: ${Object.keys(event).join(',')}`);
      ensure(replayed.every((event) => event.created instanceof Date), 'created is a Date');
    }),
};

/** Domains and identifiers with separators, percent signs and unicode never collide. */
export const keyEncodingCheck: EventStoreCheck = {
  name: 'any domain/identifier characters keep streams distinct',
  group: 'reads',
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      const store = await open();
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...trickyStrings), fc.constantFrom(...trickyStrings, ''), async (domain, identifier) => {
          await store.storeEvents([{ id: freshId('|#:'), domain, identifier, type: 't', payload: [domain, identifier], created: at }]);
          const key = JSON.stringify([domain, identifier]);
          seen.set(key, (seen.get(key) ?? 0) + 1);
          const stream = await store.getStreamEvents(domain, identifier);
          ensure(stream.length === seen.get(key) && stream.every((event) => JSON.stringify(event.payload) === JSON.stringify([domain, identifier])), () => `stream ${key} holds ${stream.length} events, expected ${seen.get(key)}`);
        }),
        propertyParameters(options),
      );
    }),
};

/** Snapshots round-trip, read their own writes, and large states are offloaded when a blob store exists. */
export const snapshotCheck: EventStoreCheck = {
  name: 'snapshots round-trip (large states included) and read their own writes',
  group: 'snapshots',
  run: (factory) =>
    withStore(factory, async (store, fixture) => {
      ensure((await store.getSnapshot('acct', '1')) === null, 'no snapshot yet');
      await store.saveSnapshot({ domain: 'acct', identifier: '1', state: { balance: 0 }, sequence: 0, created: at });
      await store.saveSnapshot({ domain: 'acct', identifier: '1', state: { balance: 10 }, sequence: 3, created: at });
      const snapshot = await store.getSnapshot('acct', '1');
      ensureSameEvents(snapshot, { domain: 'acct', identifier: '1', state: { balance: 10 }, sequence: 3, created: at }, 'latest snapshot');
      if (fixture.blobs) {
        const big = { text: '😀'.repeat(120_000) };
        await store.saveSnapshot({ domain: 'acct', identifier: '2', state: big, sequence: 9, created: at });
        ensure(JSON.stringify((await store.getSnapshot('acct', '2'))?.state) === JSON.stringify(big), 'a 480 KB state round-trips');
      }
      await ensureRejectsWithCode(() => store.saveSnapshot({ domain: '', identifier: '1', state: 1, sequence: 1, created: at }), 'INPUT/INVALID_SNAPSHOT', 'empty domain');
    }),
};

/** init is idempotent under concurrency; resetStore empties everything (blobs included) and leaves a working store; bad events are refused before any write. */
export const lifecycleCheck: EventStoreCheck = {
  name: 'concurrent init, resetStore (blobs included), bad input refused before any write',
  group: 'lifecycle',
  run: (factory) =>
    withStore(
      factory,
      async (store, fixture) => {
        await Promise.all([store.init(), store.init(), store.init()]);
        const good: CreatedEvent = { id: freshId(), domain: 'l', type: 't', identifier: '1', payload: 'é'.repeat(3000), created: at };
        await store.storeEvents([good]);
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        const bad: [string, Partial<CreatedEvent>][] = [
          ['no id', { id: '' }],
          ['no domain', { domain: undefined as unknown as string }],
          ['no type', { type: '' }],
          ['invalid created', { created: new Date(Number.NaN) }],
          ['created as text', { created: '2024-01-01' as unknown as Date }],
          ['circular payload', { payload: circular }],
          ['BigInt payload', { payload: 10n }],
        ];
        for (const [what, change] of bad) {
          const batch = [{ ...good, id: freshId() }, { ...good, id: freshId(), ...change }];
          await ensureRejectsWithCode(() => store.storeEvents(batch as CreatedEvent[]), 'INPUT/INVALID_EVENT', what);
        }
        ensure((await store.getStreamSequence('l', '1')) === 1, 'bad batches wrote nothing');
        await store.resetStore();
        ensure((await replayAll(store, 10)).length === 0 && (await store.getEventById(good.id)) === null, 'reset empties the store');
        if (fixture.blobs) {
          const left = await fixture.blobs.list(store.options.blobKeyPrefix);
          ensure(left.keys.length === 0, () => `reset leaves no blobs (found ${left.keys.length})`);
        }
        await store.storeEvents([{ ...good, id: freshId() }], { expectedSequence: 0 });
        ensure((await store.getStreamSequence('l', '1')) === 1, 'the reset store works');
      },
      { offloadThresholdBytes: 2048 },
    ),
};
