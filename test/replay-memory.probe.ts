/**
 * Run by replay-memory.test.ts as `node --expose-gc --import tsx test/replay-memory.probe.ts <events>...`:
 * seeds the in-memory twin with each count of small events, 2,500 a month (so both runs span several buckets), replays with the framework's page
 * size (200) while forcing collections at 10% checkpoints, and prints the largest LIVE heap growth per count as JSON.
 */
import { EventStore } from '../src/event-store.js';
import { MemoryKvDriver } from '../drivers/memory/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** Same density in every run (full 1 MB pages in both), so only the number of events differs. */
const EVENTS_PER_MONTH = 2_500;
const results: Record<string, number> = {};
for (const count of process.argv.slice(2).map(Number)) {
  const store = new EventStore({ kv: new MemoryKvDriver() });
  for (let start = 0; start < count; start += 40) {
    const batch = Array.from({ length: Math.min(40, count - start) }, (_, index) => {
      const n = start + index;
      return { id: `m${String(n).padStart(9, '0')}`, domain: 'probe', identifier: `s${n % 50}`, type: 't', payload: { n }, created: new Date(Date.UTC(2024, Math.floor(n / EVENTS_PER_MONTH), 1) + n) };
    });
    await store.storeEvents(batch);
  }
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let seen = 0;
  let next = 0;
  let peak = 0;
  for await (const page of await store.getAllEvents(200)) {
    seen += page.length;
    if (seen < next) continue;
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    next += count / 10;
  }
  if (seen !== count) throw new Error(`replayed ${seen} of ${count}`);
  results[count] = peak;
}
console.log(JSON.stringify(results));
