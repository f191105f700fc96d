/**
 * Issue 16 defect 7, as a property on any backend (the twin in test/inputs/read-inputs.test.ts, DynamoDB Local + the S3
 * server in test/inputs/read-inputs.real.test.ts): every public read method (and the change feed's name and cursor
 * arguments) given random text (any code point, lone surrogates, `|` and `%` that the key encoding triples,
 * multi-byte characters, keys past DynamoDB's 2,048-byte partition key) or a value of the wrong type answers as for
 * a missing item (null / empty / 0) or throws a typed `INPUT/*` error: never a `DRIVER/*` error, never an untyped
 * one, and never another item than the one asked for.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CreatedEvent, ExpectedStreamVersion, StoredEvent } from '../../src/compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { EventStore } from '../../src/event-store.js';
import type { SafetyBackend } from '../safety/backends.js';
import { caught } from '../helpers/caught.js';

/** Characters the inputs are made of: the key separator and escape (3 bytes each once encoded), multi-byte ones, lone surrogates. */
const unit = fc.constantFrom('a', 'Z', '0', '|', '%', ':', '#', '/', ' ', 'é', '€', '😀', '\u0000', '\uD800', '\uDC00', '\uFFFD');
/** A text argument: short and arbitrary, or long enough that its encoded key passes DynamoDB's limits. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit, maxLength: 30 }),
  fc.string({ unit, minLength: 300, maxLength: 1_500 }),
  fc.integer({ min: 600, max: 2_100 }).map((length) => '|'.repeat(length)),
  fc.integer({ min: 1_000, max: 3_200 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 300, max: 800 }).map((length) => '😀'.repeat(length)),
);
/** A text argument, now and then one of the wrong type. */
const argument = fc.oneof({ weight: 12, arbitrary: text }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 42, {}, [], true) });

/** One call of a read method with its arguments. */
type Call =
  | { readonly method: 'getEventById'; readonly id: unknown }
  | { readonly method: 'getAllEvents'; readonly startFromId: unknown }
  | { readonly method: 'findByCausationId'; readonly causationId: unknown }
  | {
      readonly method: 'getStreamEvents' | 'getStreamSequence' | 'getSnapshot' | 'getStreamVersions';
      readonly domain: unknown;
      readonly identifier: unknown;
    }
  | { readonly method: 'getLogPage'; readonly identifier: unknown; readonly entry: number }
  | { readonly method: 'subscribe' | 'resetConsumer'; readonly name: unknown };

const callArb: fc.Arbitrary<Call> = fc.oneof(
  argument.map((id) => ({ method: 'getEventById' as const, id })),
  argument.map((startFromId) => ({ method: 'getAllEvents' as const, startFromId })),
  argument.map((causationId) => ({ method: 'findByCausationId' as const, causationId })),
  fc.record({
    method: fc.constantFrom('getStreamEvents' as const, 'getStreamSequence' as const, 'getSnapshot' as const, 'getStreamVersions' as const),
    domain: argument,
    identifier: argument,
  }),
  fc.record({ method: fc.constant('getLogPage' as const), identifier: argument, entry: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ method: fc.constantFrom('subscribe' as const, 'resetConsumer' as const), name: argument }),
);

let counter = 0;
const seedEvent = (domain: string, identifier: string, causationId: string | undefined): CreatedEvent => ({
  id: `input-${++counter}-${identifier}`,
  domain,
  identifier,
  type: 'seeded',
  payload: { n: counter },
  created: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)),
  ...(causationId === undefined ? {} : { causationId }),
});

/** Register the property for the backend `make` opens, `runs` random calls. */
export function readInputProperty(make: () => SafetyBackend, runs: number): void {
  let backend: SafetyBackend;
  let store: EventStore;
  let seeded: CreatedEvent[];
  beforeAll(async () => {
    backend = make();
    store = backend.store(backend.table('read-inputs'), { changeFeed: { shards: 2 } });
    // Streams and ids with the characters the inputs use, so some inputs name stored items.
    seeded = [
      seedEvent('acct', '1', 'cause'),
      seedEvent('acct', '|%😀é', '|%😀'),
      seedEvent('|', '%', undefined),
      seedEvent('acct', '1', undefined),
    ];
    await store.storeEvents(seeded);
    await store.saveSnapshot({ domain: 'acct', identifier: '1', state: { seeded: true }, sequence: 2, created: new Date() });
  });
  afterAll(async () => {
    await store.close();
    await backend.dispose();
  });

  /** Run `call`; its answer (for a text argument naming nothing stored: missing) or the typed INPUT error it threw. */
  async function attempt(call: Call): Promise<void> {
    const known = (value: unknown) => seeded.some((event) => event.id === value);
    try {
      switch (call.method) {
        case 'getEventById': {
          const found = await store.getEventById(call.id as string);
          if (found === null) expect(known(call.id)).toBe(false);
          else expect(found.id).toBe(call.id);
          return;
        }
        case 'getAllEvents': {
          const events: StoredEvent[] = [];
          for await (const page of await store.getAllEvents(100, call.startFromId as string)) events.push(...page);
          expect(known(call.startFromId)).toBe(true);
          return;
        }
        case 'findByCausationId': {
          const events = await store.findByCausationId(call.causationId as string);
          expect(events.map((event) => event.id).sort()).toEqual(
            seeded
              .filter((event) => event.causationId === call.causationId)
              .map((event) => event.id)
              .sort(),
          );
          return;
        }
        case 'getStreamEvents': {
          const events = await store.getStreamEvents(call.domain as string, call.identifier as string);
          expect(events.map((event) => event.id)).toEqual(
            seeded.filter((event) => event.domain === call.domain && event.identifier === (call.identifier ?? '')).map((event) => event.id),
          );
          return;
        }
        case 'getStreamSequence': {
          const sequence = await store.getStreamSequence(call.domain as string, call.identifier as string);
          expect(sequence).toBe(
            seeded.filter((event) => event.domain === call.domain && event.identifier === (call.identifier ?? '')).length,
          );
          return;
        }
        case 'getSnapshot': {
          const snapshot = await store.getSnapshot(call.domain as string, call.identifier as string);
          expect(snapshot === null).toBe(!(call.domain === 'acct' && call.identifier === '1'));
          return;
        }
        case 'getStreamVersions': {
          const [version] = await store.getStreamVersions([{ domain: call.domain as string, identifier: call.identifier as string }]);
          expect(version!.expectedVersion).toBe(
            seeded.filter((event) => event.domain === call.domain && event.identifier === (call.identifier ?? '')).length,
          );
          return;
        }
        case 'getLogPage': {
          const { cursor } = await store.getLogPage(undefined, 1);
          const changed = cursor.map((entry, index) =>
            index === call.entry ? { ...entry, identifier: call.identifier } : entry,
          ) as ExpectedStreamVersion[];
          await store.getLogPage(changed, 1);
          expect(changed).toEqual(cursor); // only an unchanged cursor is accepted
          return;
        }
        case 'subscribe': {
          const subscription = await store.subscribe({ name: call.name as string, pollIntervalMs: 1_000, handler: () => undefined });
          await subscription.stop();
          await subscription.done;
          return;
        }
        case 'resetConsumer': {
          const stored = await store.resetConsumer(call.name as string, 'end');
          expect(stored).toHaveLength(3);
          return;
        }
      }
    } catch (error) {
      // The one allowed failure: a typed INPUT/* error. Anything else (DRIVER/*, a TypeError, an assertion) fails the property.
      if (!(error instanceof EventStoreAdapterError) || !error.code.startsWith('INPUT/')) throw error;
      if (call.method === 'getAllEvents' && typeof call.startFromId === 'string') expect(error.code).toBe(ErrorCodes.UNKNOWN_CURSOR);
    }
  }

  it(`${runs} random calls of the read methods with over-long, unicode and mistyped arguments: answered or INPUT/*, never DRIVER/*`, async () => {
    await fc.assert(fc.asyncProperty(callArb, attempt), { numRuns: runs, seed: Number(process.env.READ_INPUTS_SEED ?? 20261207) });
  }, 300_000);

  it('the reproductions of the issue: 3 KB arguments and a 1,000-"|" consumer name', async () => {
    const long = 'x'.repeat(3_000);
    expect(await store.getEventById(long)).toBeNull();
    expect((await caught(store.getAllEvents(10, long))).code).toBe(ErrorCodes.UNKNOWN_CURSOR);
    expect(await store.findByCausationId(long)).toEqual([]);
    expect(await store.getStreamEvents('acct', long)).toEqual([]);
    expect(await store.getStreamEvents(long, '1')).toEqual([]);
    expect(await store.getStreamSequence('acct', long)).toBe(0);
    expect(await store.getSnapshot('acct', long)).toBeNull();
    const named = await caught(store.subscribe({ name: '|'.repeat(1_000), handler: () => undefined }));
    expect(named.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(named.details.field).toBe('name');
    // A lone surrogate names nothing stored: never the item whose text has U+FFFD there (what the SDK would send).
    const replaced = seedEvent('acct', 'x\uFFFDy', 'c\uFFFD');
    await store.storeEvents([replaced]);
    seeded.push(replaced);
    expect(await store.getStreamEvents('acct', 'x\uD800y')).toEqual([]);
    expect(await store.getStreamSequence('acct', 'x\uD800y')).toBe(0);
    expect(await store.findByCausationId('c\uDC00')).toEqual([]);
    expect(await store.getEventById(replaced.id.replace('\uFFFD', '\uD800'))).toBeNull();
    const surrogate = await caught(store.getStreamVersions([{ domain: 'acct', identifier: 'x\uD800y' }]));
    expect(surrogate.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect((await caught(store.getEventById(42 as never))).details.field).toBe('id');
  });

  it("stream references of writes refuse lone surrogates by field (the SDK would check ANOTHER stream's head); nothing written", async () => {
    const write = seedEvent('acct', '1', undefined);
    const batch = await caught(
      store.appendBatch(
        [write],
        [
          { domain: 'acct', identifier: '1', expectedVersion: 2 },
          { domain: 'acct', identifier: 'q\uDC00', expectedVersion: 0 },
        ],
      ),
    );
    expect(batch.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(batch.details.field).toBe('expectedVersions[1].identifier');
    const sequences = await caught(store.storeEvents([write], { expectedSequences: [{ domain: 'acct\uD800', expectedSequence: 0 }] }));
    expect(sequences.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(sequences.details.field).toBe('expectedSequences[0].domain');
    expect(await store.getEventById(write.id)).toBeNull();
  });
}
