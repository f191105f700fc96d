/**
 * Run by replay-memory.test.ts as `node --expose-gc --import tsx test/read/replay-memory.probe.ts <events>...`:
 * seeds the in-memory twin with each count of small events, 2,500 a month (so every run spans several buckets),
 * replays with the framework's page size (200) while forcing collections at 10% checkpoints, and prints the largest
 * LIVE heap growth per count as JSON.
 *
 * Steady state only: the first store is replayed once unmeasured (the optimising compiler's code and feedback land
 * in the same heap, a one-time cost), and each count is then measured over {@link PASSES} replays, keeping the
 * largest growth seen, so that a checkpoint that happens to miss the page in flight does not understate a count.
 * (Measured without these, 5,000 events sat below that one-time floor: 0.7-0.9 MB against 1.0-1.4 MB for 50,000
 * and 1.0 MB for 200,000, and the ratio flickered around 1.5.)
 */
import { EventStore } from '../../src/event-store.js';
import { MemoryKvDriver } from '../../drivers/memory/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** Same density in every run, so only the number of events differs. */
const EVENTS_PER_MONTH = 2_500;
/** Measured replays per count. */
const PASSES = 2;

/** The largest live heap growth at the 10% checkpoints of one replay of `store` (`count` events). */
async function replayGrowth(store: EventStore, count: number): Promise<number> {
  gc!();
  const baseline = process.memoryUsage().heapUsed;
  let seen = 0;
  let next = 0;
  let peak = 0;
  for await (const page of await store.getAllEvents(200)) {
    seen += page.length;
    if (seen < next) continue;
    gc!();
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    next += count / 10;
  }
  if (seen !== count) throw new Error(`replayed ${seen} of ${count}`);
  return peak;
}

const results: Record<string, number> = {};
for (const [index, count] of process.argv.slice(2).map(Number).entries()) {
  const store = new EventStore({ kv: new MemoryKvDriver() });
  for (let start = 0; start < count; start += 40) {
    const batch = Array.from({ length: Math.min(40, count - start) }, (_, offset) => {
      const n = start + offset;
      return {
        id: `m${String(n).padStart(9, '0')}`,
        domain: 'probe',
        identifier: `s${n % 50}`,
        type: 't',
        payload: { n },
        created: new Date(Date.UTC(2024, Math.floor(n / EVENTS_PER_MONTH), 1) + n),
      };
    });
    await store.storeEvents(batch);
  }
  if (index === 0) await replayGrowth(store, count); // warm-up, not measured
  let peak = 0;
  for (let pass = 0; pass < PASSES; pass++) peak = Math.max(peak, await replayGrowth(store, count));
  results[count] = peak;
}
console.log(JSON.stringify(results));
