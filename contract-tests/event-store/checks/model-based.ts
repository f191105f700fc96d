/**
 * Model-based run: random sequences of appends (with and without expected sequence, across streams, with reused
 * ids), stream reads, sequence reads, lookups by id, causation lookups and replays from random cursors, each
 * compared with a plain in-memory model of what must be stored.
 */
import fc from 'fast-check';
import type { CreatedEvent, StoredEvent } from '../../../src/compat/contract-types.js';
import { storedShape } from '../../../src/layout/codecs/event.js';
import type { EventStore } from '../../../src/event-store.js';
import { ensure, ensureEqual, propertyParameters } from '../../harness.js';
import { createdArb, freshId, payloadArb, streamArb } from '../arbitraries.js';
import { ensureSameEvents, globalOrder, replayAll, withFixture, type EventStoreCheck } from '../fixture.js';

interface Model {
  events: StoredEvent[];
  sequences: Map<string, number>;
}

const keyOf = (domain: string, identifier: string | undefined) => JSON.stringify([domain, identifier ?? '']);

type Cmd = fc.AsyncCommand<Model, EventStore>;

class Append implements Cmd {
  constructor(
    readonly drafts: { domain: string; identifier: string; payload: unknown; created: Date; reuse: number | undefined; caused: boolean }[],
    readonly expected: 'none' | 'right' | 'wrong',
  ) {}
  check = () => true;
  async run(model: Model, store: EventStore): Promise<void> {
    const events: CreatedEvent[] = this.drafts.map((draft) => ({
      id: draft.reuse !== undefined && model.events.length > 0 ? model.events[draft.reuse % model.events.length]!.id : freshId(),
      domain: draft.domain,
      identifier: draft.identifier,
      type: 'happened',
      payload: draft.payload,
      created: draft.created,
      ...(draft.caused && model.events.length > 0 ? { causationId: model.events[0]!.id } : {}),
    }));
    const first = events[0]!;
    const current = model.sequences.get(keyOf(first.domain, first.identifier)) ?? 0;
    const expectedSequence = this.expected === 'none' ? undefined : this.expected === 'right' ? current : current + 1;
    const ids = events.map((event) => event.id);
    const duplicate = new Set(ids).size !== ids.length || ids.some((id) => model.events.some((stored) => stored.id === id));
    let error: unknown;
    try {
      await store.storeEvents(events, expectedSequence === undefined ? {} : { expectedSequence });
    } catch (caught) {
      error = caught;
    }
    if (duplicate) {
      ensure((error as { code?: string })?.code === 'STORE/DUPLICATE_EVENT_ID', () => `expected DUPLICATE_EVENT_ID, got ${String(error)}`);
      return;
    }
    if (this.expected === 'wrong') {
      const concurrency = error as { name?: string; actualSequence?: number; expectedSequence?: number };
      ensure(concurrency?.name === 'ConcurrencyError', () => `expected ConcurrencyError, got ${String(error)}`);
      ensure(
        concurrency.actualSequence === current && concurrency.expectedSequence === current + 1,
        'ConcurrencyError carries the real sequence',
      );
      return;
    }
    ensure(error === undefined, () => `append failed: ${String(error)}`);
    for (const event of events) {
      const key = keyOf(event.domain, event.identifier);
      const sequence = (model.sequences.get(key) ?? 0) + 1;
      model.sequences.set(key, sequence);
      model.events.push(storedShape(event, sequence));
    }
  }
  toString = () => `Append(${this.drafts.length}, ${this.expected})`;
}

class ReadStream implements Cmd {
  constructor(
    readonly stream: { domain: string; identifier: string },
    readonly from: number,
  ) {}
  check = () => true;
  async run(model: Model, store: EventStore): Promise<void> {
    const { domain, identifier } = this.stream;
    const expected = model.events.filter(
      (event) => event.domain === domain && (event.identifier ?? '') === identifier && event.sequence > this.from,
    );
    ensureSameEvents(
      await store.getStreamEvents(domain, identifier, this.from),
      expected,
      `getStreamEvents(${domain}, ${identifier}, ${this.from})`,
    );
    ensureEqual(
      await store.getStreamSequence(domain, identifier),
      model.sequences.get(keyOf(domain, identifier)) ?? 0,
      'getStreamSequence',
    );
  }
  toString = () => `ReadStream(${JSON.stringify(this.stream)}, ${this.from})`;
}

class GetById implements Cmd {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: Model, store: EventStore): Promise<void> {
    if (model.events.length === 0) {
      ensure((await store.getEventById('no-such-event')) === null, 'getEventById of a missing id is null');
      return;
    }
    const event = model.events[this.pick % model.events.length]!;
    ensureSameEvents(await store.getEventById(event.id), event, `getEventById(${event.id})`);
    const caused = model.events.filter((candidate) => candidate.causationId === event.id).sort(globalOrder);
    ensureSameEvents(await store.findByCausationId(event.id), caused, `findByCausationId(${event.id})`);
  }
  toString = () => `GetById(${this.pick})`;
}

class Replay implements Cmd {
  constructor(
    readonly pageSize: number,
    readonly from: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, store: EventStore): Promise<void> {
    const ordered = [...model.events].sort(globalOrder);
    const cursor = this.from === undefined || ordered.length === 0 ? undefined : ordered[this.from % ordered.length]!;
    const expected = cursor ? ordered.slice(ordered.indexOf(cursor) + 1) : ordered;
    ensureSameEvents(await replayAll(store, this.pageSize, cursor?.id), expected, `getAllEvents(${this.pageSize}, ${cursor?.id})`);
  }
  toString = () => `Replay(${this.pageSize}, ${this.from})`;
}

const draftArb = fc.record({
  domain: streamArb.map((stream) => stream.domain),
  identifier: streamArb.map((stream) => stream.identifier),
  payload: payloadArb,
  created: createdArb,
  reuse: fc.option(fc.nat(50), { nil: undefined, freq: 8 }),
  caused: fc.boolean(),
});

const commands = [
  fc
    .tuple(
      fc.array(draftArb, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('none', 'right', 'wrong') as fc.Arbitrary<'none' | 'right' | 'wrong'>,
    )
    .map(([drafts, expected]) => new Append(drafts, expected)),
  fc.tuple(streamArb, fc.nat(3)).map(([stream, from]) => new ReadStream(stream, from)),
  fc.nat(100).map((pick) => new GetById(pick)),
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.option(fc.nat(100), { nil: undefined }))
    .map(([pageSize, from]) => new Replay(pageSize, from)),
];

/** The model-based check. */
export const eventStoreModelCheck: EventStoreCheck = {
  name: 'model-based: appends, stream reads, lookups and replays agree with a model',
  group: 'model',
  run: (factory, options) =>
    withFixture(factory, async (open) => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
          const store = await open();
          await fc.asyncModelRun(() => ({ model: { events: [], sequences: new Map() }, real: store }), cmds);
        }),
        propertyParameters(options, 0.5),
      );
    }),
};
