/** Offloading: items over the threshold (by DynamoDB's UTF-8 size) and batches over the transaction limit move payloads to blobs and read back identical. */
import fc from 'fast-check';
import { planEvent } from '../../../src/write/append-plan.js';
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { storedShape } from '../../../src/layout/codecs/event.js';
import type { EventStore } from '../../../src/event-store.js';
import { itemSize } from '../../../src/layout/item-size.js';
import type { StoreContext } from '../../../src/runtime/store-context.js';
import { validateEvents } from '../../../src/write/validation.js';
import { ensure, ensureRejectsWithCode, propertyParameters } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import { ensureSameEvents, replayAll, withFixture, withStore, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2025, 5, 1));

/**
 * The checks below pin the offload rule on the stored size of PLAIN text (padding payloads sized to the byte). With
 * the payload codecs on (a fixture's `storeOptions`), the stored size is the encoded one (compressed padding fits
 * anywhere), so these checks open their stores with the codecs off; test/codecs covers offloading with them on.
 */
const PLAIN_SIZING = { compression: false, encryption: undefined } as const;

/** Random payload/meta sizes and alphabets around a small threshold: every read method returns the event whole. */
export const offloadRoundTripCheck: EventStoreCheck = {
  name: 'events over the offload threshold (UTF-8 size, payload and meta) read back identical from every read',
  group: 'offload',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      const store = await open({ offloadThresholdBytes: 4096 });
      const textArb = fc
        .record({ char: fc.constantFrom('a', 'é', '日', '😀'), length: fc.integer({ min: 0, max: 3000 }) })
        .map(({ char, length }) => char.repeat(length));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ payload: textArb, meta: fc.option(textArb, { nil: undefined }), identifier: fc.constantFrom('1', '2') }), {
            minLength: 1,
            maxLength: 4,
          }),
          async (drafts) => {
            const events: CreatedEvent[] = drafts.map((draft) => ({
              id: freshId(),
              domain: 'big',
              type: 't',
              identifier: draft.identifier,
              payload: { text: draft.payload },
              ...(draft.meta === undefined ? {} : { meta: { note: draft.meta } }),
              created: at,
              causationId: 'root-cause',
            }));
            const before = { one: await store.getStreamSequence('big', '1'), two: await store.getStreamSequence('big', '2') };
            await store.storeEvents(events);
            const next = { one: before.one, two: before.two };
            const stored = events.map((event) => ({ ...event, sequence: event.identifier === '1' ? ++next.one : ++next.two }));
            for (const expected of stored)
              ensureSameEvents(await store.getEventById(expected.id), expected, `getEventById(${expected.id})`);
            ensureSameEvents(
              await store.getStreamEvents('big', '1', before.one),
              stored.filter((event) => event.identifier === '1'),
              'getStreamEvents',
            );
            const replayed = await replayAll(store, 3);
            for (const expected of stored)
              ensureSameEvents(
                replayed.find((event) => event.id === expected.id),
                expected,
                `replayed ${expected.id}`,
              );
            const caused = await store.findByCausationId('root-cause');
            for (const expected of stored)
              ensureSameEvents(
                caused.find((event) => event.id === expected.id),
                expected,
                `caused ${expected.id}`,
              );
          },
        ),
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
    withStore(
      factory,
      async (store, fixture) => {
        const { maxTransactionBytes, maxItemBytes } = fixture.kv.capabilities;
        const payloadBytes = Math.min(store.options.offloadThresholdBytes - 2_000, maxItemBytes - 2_000);
        const count = Math.min(40, Math.ceil((maxTransactionBytes * 1.2) / payloadBytes));
        const events: CreatedEvent[] = Array.from({ length: count }, (_, index) => ({
          id: freshId(),
          domain: 'bulk',
          type: 't',
          identifier: 'one',
          payload: 'x'.repeat(payloadBytes - (index % 7)),
          created: at,
        }));
        store.resetStats();
        await store.storeEvents(events);
        ensure(store.stats().transactWrite.requests === 1, () => `one transaction expected, saw ${store.stats().transactWrite.requests}`);
        const stream = await store.getStreamEvents('bulk', 'one');
        ensure(
          stream.length === count &&
            stream.every((event, index) => event.payload === events[index]!.payload && event.sequence === index + 1),
          'all read back whole, in order',
        );
      },
      PLAIN_SIZING,
    ),
};

/** Without a blob store, an event that needs offloading is refused with a typed error and nothing is written. */
export const blobStoreRequiredCheck: EventStoreCheck = {
  name: 'without a blob store an oversized event is refused (BLOB_STORE_REQUIRED) and nothing is written',
  group: 'offload',
  run: (factory) =>
    withStore(
      factory,
      async (store, fixture) => {
        const huge = {
          id: freshId(),
          domain: 'big',
          type: 't',
          identifier: 'x',
          payload: '日'.repeat(Math.ceil(fixture.kv.capabilities.maxItemBytes / 3) + 10),
          created: at,
        };
        await ensureRejectsWithCode(
          () => store.storeEvents([{ id: freshId(), domain: 'big', type: 't', identifier: 'x', payload: 1, created: at }, huge]),
          'STORE/BLOB_STORE_REQUIRED',
          'oversized event without blobs',
        );
        ensure((await store.getStreamSequence('big', 'x')) === 0, 'nothing written');
      },
      { withoutBlobs: true, ...PLAIN_SIZING },
    ),
};

/**
 * The size the core decides offloading by: the event item as planned (src/write/append-plan.ts `planEvent`, which
 * encodes it at a placeholder sequence because sequences are assigned only when the transaction commits).
 */
function plannedItemBytes(store: EventStore, event: CreatedEvent): number {
  const [validated] = validateEvents([event]);
  return itemSize(planEvent({ options: store.options } as unknown as StoreContext, validated!, '', '').draft);
}

/** Event shapes for the boundary: plain; every optional field; a payload of 2-byte characters. */
const BOUNDARY_SHAPES: readonly {
  readonly name: string;
  readonly event: (payload: string) => CreatedEvent;
  readonly fill: (bytes: number) => string;
}[] = [
  {
    name: 'plain',
    event: (payload) => ({ id: freshId(), domain: 'edge', type: 't', identifier: 'b', payload, created: at }),
    fill: (bytes) => 'a'.repeat(bytes),
  },
  {
    name: 'every field',
    event: (payload) => ({
      id: freshId('😀'),
      domain: 'edge',
      type: 't',
      payload,
      meta: { note: 'm' },
      correlationId: 'corr',
      causationId: 'edge-cause',
      created: at,
    }),
    fill: (bytes) => 'a'.repeat(bytes),
  },
  {
    name: 'UTF-8',
    event: (payload) => ({ id: freshId(), domain: 'edge', type: 't', identifier: 'é', payload, created: at }),
    fill: (bytes) => 'é'.repeat(Math.floor(bytes / 4)) + 'a'.repeat(bytes - 2 * Math.floor(bytes / 4)),
  },
];

/** The offload boundary is exact: at the threshold an item stays inline, one byte over it is offloaded. */
export const offloadBoundaryCheck: EventStoreCheck = {
  name: 'an event item of exactly offloadThresholdBytes stays inline; one byte more is offloaded; both read back identical',
  group: 'offload',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: (factory) =>
    withFixture(factory, async (open) => {
      for (const threshold of [1024, 4096]) {
        const store = await open({ offloadThresholdBytes: threshold, ...PLAIN_SIZING });
        for (const shape of BOUNDARY_SHAPES) {
          for (const over of [0, 1]) {
            const probe = shape.event('');
            const bytes = threshold + over - plannedItemBytes(store, probe);
            const event = { ...probe, payload: shape.fill(bytes) };
            const size = plannedItemBytes(store, event);
            ensure(size === threshold + over, () => `calibration: ${shape.name} item of ${size} bytes, wanted ${threshold + over}`);
            store.resetStats();
            await store.storeEvents([event]);
            const puts = store.stats().blobPut.requests;
            const what = `${shape.name} item of ${size} bytes at threshold ${threshold}`;
            ensure(
              over === 0 ? puts === 0 : puts >= 1,
              () => `${what}: ${over === 0 ? 'must stay inline' : 'must be offloaded'} (${puts} blob put(s))`,
            );
            const sequence = await store.getStreamSequence(event.domain, event.identifier ?? '');
            ensureSameEvents(await store.getEventById(event.id), storedShape(event, sequence), `${what}: read back`);
          }
        }
      }
    }),
};
