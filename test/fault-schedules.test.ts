/**
 * Random operation sequences under random fault schedules on the in-memory twin: throttling, transient errors,
 * transaction conflicts, unprocessed keys, latency, and writes whose response is lost after they committed.
 *
 * Invariants, checked through a second store instance with a generous retry budget (it suffers the same faults):
 * - every store either succeeds exactly once, or fails with a typed error having stored nothing;
 * - a retried store never duplicates; replay returns every acknowledged event exactly once, in global order;
 * - stream sequences stay gapless.
 * `FAULT_SCHEDULES` (default 200) sets the number of schedules, e.g. `FAULT_SCHEDULES=1000 npx vitest run test/fault-schedules.test.ts`.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryBlobDriver, MemoryKvDriver, type FaultCounts } from '../drivers/memory/index.js';
import type { CreatedEvent, StoredEvent } from '../src/contract-types.js';
import { EventStoreAdapterError } from '../src/errors.js';
import { EventStore } from '../src/event-store.js';
import { globalOrder } from '../contract-tests/event-store/fixture.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES ?? 200);
const noSleep = async () => {};

type Op =
  | { kind: 'store'; stream: number; count: number; expect: 'none' | 'right' | 'wrong'; big: boolean; createdAt: number }
  | { kind: 'read'; stream: number }
  | { kind: 'replay'; pageSize: number; from: number | undefined }
  | { kind: 'snapshot'; stream: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('store' as const), stream: fc.nat(3), count: fc.integer({ min: 1, max: 4 }), expect: fc.constantFrom('none', 'right', 'wrong') as fc.Arbitrary<'none' | 'right' | 'wrong'>, big: fc.boolean(), createdAt: fc.constantFrom(Date.UTC(1999, 0, 1), Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 1), Date.UTC(2090, 0, 1)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), stream: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), pageSize: fc.integer({ min: 1, max: 6 }), from: fc.option(fc.nat(200), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), stream: fc.nat(3) }) },
);

const faultArb = fc.record({
  seed: fc.integer(),
  throttleRate: fc.double({ min: 0, max: 0.15, noNaN: true }),
  transientRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
  conflictRate: fc.double({ min: 0, max: 0.15, noNaN: true }),
  unprocessedRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
  lostResponseRate: fc.double({ min: 0, max: 0.15, noNaN: true }),
});

const totals = { schedules: 0, operations: 0, stores: 0, storesFailed: 0, events: 0, losses: 0, duplicates: 0, failuresByCode: {} as Record<string, number>, faults: {} as Record<string, number> };

describe('fault schedules', () => {
  afterAll(() => {
    console.info(`[fault-schedules] ${JSON.stringify(totals)}`);
  });

  it(`${SCHEDULES} random schedules: nothing lost, nothing duplicated, failures write nothing`, async () => {
    let idCounter = 0;
    await fc.assert(
      fc.asyncProperty(faultArb, fc.array(opArb, { minLength: 10, maxLength: 25 }), async (faults, ops) => {
        const kv = new MemoryKvDriver({ faults: { ...faults, latencyMs: { min: 0, max: 1 } } });
        const blobs = new MemoryBlobDriver({ faults: { seed: faults.seed ^ 0x5bd1e995, throttleRate: faults.throttleRate, transientRate: faults.transientRate, lostResponseRate: faults.lostResponseRate } });
        const store = new EventStore({ kv, blobs, offloadThresholdBytes: 2048, retry: { maxAttempts: 6 } }, { sleep: noSleep });
        const verifier = new EventStore({ kv, blobs, tableName: store.options.tableName, retry: { maxAttempts: 60 } }, { sleep: noSleep });
        await verifier.init();
        const acknowledged: StoredEvent[] = [];
        const sequenceOf = (stream: number) => acknowledged.filter((event) => event.identifier === `s${stream}`).length;

        for (const op of ops) {
          totals.operations += 1;
          if (op.kind === 'store') {
            totals.stores += 1;
            const events: CreatedEvent[] = Array.from({ length: op.count }, (_, index) => ({
              id: `f${++idCounter}`,
              domain: 'bank',
              identifier: `s${(op.stream + index) % 4}`,
              type: 'moved',
              payload: op.big && index === 0 ? { blob: 'z'.repeat(3000) } : { n: idCounter },
              created: new Date(op.createdAt),
            }));
            const current = sequenceOf(op.stream);
            const expectedSequence = op.expect === 'none' ? undefined : op.expect === 'right' ? current : current + 5;
            try {
              const stored = await store.appendEvents(events, expectedSequence === undefined ? {} : { expectedSequence });
              expect(op.expect).not.toBe('wrong');
              for (const event of stored) {
                expect(event.sequence).toBe(sequenceOf(Number(event.identifier!.slice(1))) + 1);
                acknowledged.push(event);
              }
              totals.events += stored.length;
            } catch (error) {
              totals.storesFailed += 1;
              expect(error).toBeInstanceOf(EventStoreAdapterError);
              const code = (error as EventStoreAdapterError).code;
              totals.failuresByCode[code] = (totals.failuresByCode[code] ?? 0) + 1;
              expect((error as EventStoreAdapterError).details.outcome).not.toBe('unknown');
              for (const event of events) expect(await verifier.getEventById(event.id)).toBeNull();
              if (op.expect === 'wrong') expect((error as EventStoreAdapterError).code).toBe('STORE/CONCURRENCY');
            }
          } else if (op.kind === 'read') {
            const stream = await attempt(() => store.getStreamEvents('bank', `s${op.stream}`));
            if (stream) expect(stream.map((event) => event.id)).toEqual(acknowledged.filter((event) => event.identifier === `s${op.stream}`).map((event) => event.id));
          } else if (op.kind === 'replay') {
            const ordered = [...acknowledged].sort(globalOrder);
            const cursor = op.from === undefined || ordered.length === 0 ? undefined : ordered[op.from % ordered.length];
            const replayed = await attempt(async () => {
              const ids: string[] = [];
              for await (const page of await store.getAllEvents(op.pageSize, cursor?.id)) ids.push(...page.map((event) => event.id));
              return ids;
            });
            if (replayed) expect(replayed).toEqual(ordered.slice(cursor ? ordered.indexOf(cursor) + 1 : 0).map((event) => event.id));
          } else {
            const sequence = sequenceOf(op.stream);
            const saved = await attempt(() => store.saveSnapshot({ domain: 'bank', identifier: `s${op.stream}`, state: { sequence }, sequence, created: new Date() }));
            if (saved !== undefined) expect((await verifier.getSnapshot('bank', `s${op.stream}`))?.sequence).toBe(sequence);
          }
        }

        // Final audit through the verifier: exactly the acknowledged events, once each, in order, gapless.
        const replayed: StoredEvent[] = [];
        for await (const page of await verifier.getAllEvents(7)) replayed.push(...page);
        const ids = replayed.map((event) => event.id);
        const expectedIds = [...acknowledged].sort(globalOrder).map((event) => event.id);
        totals.duplicates += ids.length - new Set(ids).size;
        totals.losses += expectedIds.filter((id) => !ids.includes(id)).length;
        expect(ids).toEqual(expectedIds);
        for (let stream = 0; stream < 4; stream++) {
          const sequences = (await verifier.getStreamEvents('bank', `s${stream}`)).map((event) => event.sequence);
          expect(sequences).toEqual(sequences.map((_, index) => index + 1));
        }
        addCounts(kv.faultCounts());
        addCounts(blobs.faultCounts());
        totals.schedules += 1;
      }),
      { numRuns: SCHEDULES },
    );
    expect(totals.losses).toBe(0);
    expect(totals.duplicates).toBe(0);
    for (const kind of ['throttle', 'transient', 'conflict', 'unprocessed', 'lostResponse']) expect(totals.faults[kind] ?? 0, kind).toBeGreaterThan(0);
  }, 600_000);
});

/** Run a read; a typed retry-exhaustion under faults is allowed (it must be typed), anything else fails the test. */
async function attempt<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreAdapterError);
    expect(['RETRY/EXHAUSTED', 'RETRY/UNPROCESSED_LEFT']).toContain((error as EventStoreAdapterError).code);
    return undefined;
  }
}

function addCounts(counts: FaultCounts): void {
  for (const [kind, count] of Object.entries(counts)) totals.faults[kind] = (totals.faults[kind] ?? 0) + count;
}
