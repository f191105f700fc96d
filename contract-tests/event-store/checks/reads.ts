/** Reads: exact fields, falsy payloads, any key characters, snapshots, lifecycle (init, reset, bad input). */
import fc from 'fast-check';
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { ErrorCodes } from '../../../src/errors/index.js';
import { storedShape } from '../../../src/layout/codecs/event.js';
import { ContractViolation, ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
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
      const events: CreatedEvent[] = payloads.map((payload, index) => ({
        id: freshId(),
        domain: 'f',
        type: 't',
        identifier: 'i',
        payload,
        created: at,
        ...(index === 1 ? { causationId: null, correlationId: 'corr', meta: { when: new Date(at) } } : {}),
      }));
      const minimal: CreatedEvent = { id: freshId(), domain: 'f', type: 't', payload: 1, created: at };
      await store.storeEvents([...events, minimal]);
      // null correlation/causation ids mean absent; a Date in meta comes back as its ISO text (JSON).
      const expected = events.map((event, index) => ({
        ...storedShape(event, index + 1),
        ...(event.meta ? { meta: { when: at.toISOString() } } : {}),
      }));
      ensure(!('causationId' in expected[1]!), 'the expectation itself drops the null causation id');
      ensureSameEvents(await store.getStreamEvents('f', 'i'), expected, 'getStreamEvents');
      ensureSameEvents(await store.getEventById(minimal.id), { ...minimal, sequence: 1 }, 'event without identifier');
      ensureSameEvents(
        await store.getStreamEvents('f', ''),
        [{ ...minimal, sequence: 1 }],
        'missing identifier is the stream (domain, "")',
      );
      const replayed = await replayAll(store, 4);
      for (const event of replayed)
        ensure(
          !Object.keys(event).some(
            (key) =>
              !['id', 'domain', 'type', 'payload', 'meta', 'identifier', 'correlationId', 'causationId', 'created', 'sequence'].includes(
                key,
              ),
          ),
          () => `storage fields leaked: ${Object.keys(event).join(',')}`,
        );
      ensure(
        replayed.every((event) => event.created instanceof Date),
        'created is a Date',
      );
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
          ensure(
            stream.length === seen.get(key) &&
              stream.every((event) => JSON.stringify(event.payload) === JSON.stringify([domain, identifier])),
            () => `stream ${key} holds ${stream.length} events, expected ${seen.get(key)}`,
          );
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
      await ensureRejectsWithCode(
        () => store.saveSnapshot({ domain: '', identifier: '1', state: 1, sequence: 1, created: at }),
        'INPUT/INVALID_SNAPSHOT',
        'empty domain',
      );
    }),
};

/**
 * A snapshot never goes back in time and never tears (its state is always the one saved with its sequence):
 * an older save after a newer one leaves the newer one whole; of concurrent saves the stored one is consistent.
 * States carry their own sequence; with a blob store they are over the offload threshold (so live in blobs).
 */
export const snapshotHistoryCheck: EventStoreCheck = {
  name: 'an older snapshot saved after a newer one leaves it whole; concurrent saves never tear (offloaded states included)',
  group: 'snapshots',
  run: (factory) =>
    withStore(
      factory,
      async (store, fixture) => {
        const pad = fixture.blobs ? 'é'.repeat(1500) : '';
        const snapshotAt = (sequence: number) => ({ domain: 'hist', identifier: 'h', state: { sequence, pad }, sequence, created: at });
        const latest = async (what: string) => {
          try {
            return await store.getSnapshot<{ sequence: number; pad: string }>('hist', 'h');
          } catch (error) {
            throw new ContractViolation(`${what}: getSnapshot failed: ${String((error as { code?: unknown }).code)} ${String(error)}`);
          }
        };
        await store.saveSnapshot(snapshotAt(5));
        await store.saveSnapshot(snapshotAt(3));
        const kept = await latest('after an older save');
        ensure(
          kept?.sequence === 5 && kept.state.sequence === 5 && kept.state.pad === pad,
          () => `after an older save: the newer snapshot stays whole (sequence ${kept?.sequence}, state of ${kept?.state.sequence})`,
        );
        await store.saveSnapshot(snapshotAt(5));
        const again = await latest('after saving the same sequence again');
        ensure(again?.sequence === 5 && again.state.sequence === 5, 'saving the same sequence again keeps it whole');
        const sequences = [9, 7, 12, 8, 11, 6];
        const results = await Promise.allSettled(sequences.map((sequence) => store.saveSnapshot(snapshotAt(sequence))));
        for (const result of results) {
          const code = result.status === 'rejected' ? (result.reason as { code?: string }).code : undefined;
          // A save may give up under contention (the core's round or retry limit); it must never fail otherwise.
          ensure(
            result.status === 'fulfilled' || code === ErrorCodes.TRANSACTION_CONFLICT || code === ErrorCodes.RETRIES_EXHAUSTED,
            () => `a concurrent save failed with ${String((result as PromiseRejectedResult).reason)}`,
          );
        }
        const saved = sequences.filter((_, index) => results[index]!.status === 'fulfilled');
        const final = await latest('after concurrent saves');
        ensure(
          final !== null && final.state.sequence === final.sequence && final.state.pad === pad,
          () => `after concurrent saves: a torn snapshot (sequence ${final?.sequence}, state of ${final?.state.sequence})`,
        );
        ensure(
          final.sequence >= Math.max(5, ...saved),
          () => `after concurrent saves: went back to ${final.sequence} (saved: ${saved.join(',')})`,
        );
      },
      { offloadThresholdBytes: 2048 },
    ),
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
          const batch = [
            { ...good, id: freshId() },
            { ...good, id: freshId(), ...change },
          ];
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
