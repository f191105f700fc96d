/**
 * One schedule of the change-feed workload on the lagging twin under faults (test/feed/workload.ts): virtual time
 * that the consumers' polls advance, seeded index lag (long tail, out of order), stale eventual reads, and random
 * throttling, transient errors, conflicts and lost responses on every driver call of the two writer instances.
 * `Store` is the event-store class to run (the real one, or a mutant's).
 */
import fc from 'fast-check';
import { MemoryBlobDriver, MemoryKvDriver, Prng } from '../../drivers/memory/index.js';
import type { EventStore, EventStoreCoreOptions } from '../../src/event-store.js';
import type { Sleep } from '../../src/runtime/retry.js';
import { FaultGate, FaultyBlobs, FaultyKv, seedMathRandom, turns } from '../helpers/fault-gate.js';
import { runFeedSchedule, type FeedRunCounts, type FeedSchedule } from './workload.js';

/** Virtual ms per tick (a consumer poll or a writer's step). */
const TICK_MS = 20;
/** The lag distribution's tail: the drain must deliver within a few multiples of it. */
export const TAIL_MS = 3_000;

/** Fault rates, index lag and table settings of one schedule. */
export const twinFaultsArb = fc.record({
  throttleRate: fc.constantFrom(0, 0.03, 0.08),
  transientRate: fc.constantFrom(0, 0.03, 0.06),
  conflictRate: fc.constantFrom(0, 0.05, 0.1),
  unprocessedRate: fc.constantFrom(0, 0.1, 0.2),
  lostResponseRate: fc.constantFrom(0, 0.05, 0.15),
  maxTurns: fc.integer({ min: 0, max: 2 }),
  shards: fc.constantFrom(1, 2, 5, 63),
  medianMs: fc.constantFrom(5, 50, 300),
  tailProbability: fc.constantFrom(0.01, 0.1, 0.3),
  smallTransactions: fc.boolean(),
});

export type TwinFaults = typeof twinFaultsArb extends fc.Arbitrary<infer T> ? T : never;

type StoreClass = new (options: EventStoreCoreOptions, internals?: { sleep?: Sleep }) => EventStore;

/** Run `schedule` on a fresh lagging, faulty twin; resolves to its counts and the faults the drivers injected (throws what the workload's checks throw). */
export async function runOnLaggingTwin(
  Store: StoreClass,
  schedule: FeedSchedule,
  faults: TwinFaults,
  tag: string,
): Promise<FeedRunCounts & { faultsInjected: number }> {
  const restore = seedMathRandom(schedule.seed);
  let now = Date.UTC(2026, 11, 1);
  const clock = () => now;
  const kv = new MemoryKvDriver({
    clock,
    indexLag: { seed: schedule.seed, medianMs: faults.medianMs, tailMs: TAIL_MS, tailProbability: faults.tailProbability },
    eventualReads: true,
    ...(faults.smallTransactions ? { capabilities: { maxTransactionActions: 12 } } : {}),
  });
  const blobs = new MemoryBlobDriver({ clock });
  const gate = new FaultGate(schedule.seed ^ 0x5eed, faults);
  const random = new Prng(schedule.seed ^ 0xfeed);
  const options = {
    tableName: 'feed',
    changeFeed: { shards: faults.shards },
    retry: { maxAttempts: 4, baseDelayMs: 0, maxDelayMs: 0 },
    deadlineMs: 3_600_000,
    onWarning: () => undefined,
  };
  const sleep = (ms: number) => turns(ms > 0 ? 1 : 0);
  // Two "processes" whose own clocks are 4 s behind and ahead (deadlines, blob stamps); writers skew `created` on top.
  const stores = [-4000, 4000].map(
    (skew) =>
      new Store({ ...options, kv: new FaultyKv(kv, gate), blobs: new FaultyBlobs(blobs, gate), clock: () => now + skew }, { sleep }),
  ) as [EventStore, EventStore];
  const audit = new Store({ ...options, kv, blobs, clock });
  try {
    gate.enabled = false;
    await Promise.all([...stores.map((store) => store.init()), audit.init()]);
    gate.enabled = true;
    const counts = await runFeedSchedule(
      schedule,
      {
        stores,
        audit,
        now: clock,
        tick: async () => {
          now += TICK_MS;
          await turns(1);
        },
        maxDrainTicks: Math.ceil((20 * TAIL_MS) / TICK_MS) + 2_000,
        settleTicks: Math.ceil((1.5 * TAIL_MS) / TICK_MS),
        random: () => random.next(),
      },
      tag,
    );
    const injected = [kv.faultCounts(), blobs.faultCounts()]
      .flatMap((count) => Object.values(count))
      .reduce((sum, count) => sum + count, 0);
    return { ...counts, faultsInjected: injected };
  } finally {
    restore();
    await Promise.all([...stores, audit].map((store) => store.close()));
  }
}
