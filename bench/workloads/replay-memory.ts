/**
 * Replay-memory probe (twin only): peak heap growth while replaying a small and a large timeline of small events
 * with the framework's page size (200). Bounded replay memory means the ratio stays near 1 while the event count
 * grows tenfold. The twin keeps the data itself in the heap; it is in the post-GC baseline, so only the replay's
 * own allocations count. The sampled peak includes garbage V8 has not collected yet, and V8 lets more garbage pile
 * up when the heap (here: the twin's data) is larger; so one more, untimed pass forces a collection every 10% of
 * the replay and records the LIVE heap growth (`liveHeapPeakBytes`), which is what bounded memory means.
 */
import type { EventStoreRepo } from '../../src/index.js';
import { collectGarbage, heapUsed } from '../harness/heap.js';
import { summarize, timeRun } from '../harness/measure.js';
import { timelineBatches } from './seeding.js';
import { describeRun, repeat, type Workload } from './workload.js';

/** The framework's replay page size. */
export const FRAMEWORK_PAGE_SIZE = 200;
/**
 * Events per month: both timelines have the same density, so the queries read pages of the same size and only the
 * event count differs (a sparser small case would read smaller pages and flatter the ratio). 2,500 a month makes
 * even the small case span several months, so both keep the next month's first page in flight as replay does.
 */
const EVENTS_PER_MONTH = 2_500;

export const replayMemoryWorkload: Workload = {
  id: 'replay-memory',
  title: `Replay memory probe: getAllEvents(${FRAMEWORK_PAGE_SIZE}) heap growth, small vs large timeline`,
  backends: ['twin'],
  async measure(backend, config, log) {
    const measurements = [];
    for (const count of config.memoryProbeEvents) {
      const store = await backend.createStore({ label: 'memory' });
      try {
        await store.load(timelineBatches(count, Math.max(1, Math.round(count / EVENTS_PER_MONTH)), config.streams, `memory-${count}-`));
        const variant = `${count.toLocaleString('en-US')} events`;
        const runs = await repeat(config.runs, async (run) => {
          const repo = await store.reopen();
          const result = await timeRun(repo, count, async (probe) => {
            let seen = 0;
            for await (const page of await repo.getAllEvents(FRAMEWORK_PAGE_SIZE)) {
              seen += page.length;
              probe.sample();
            }
            if (seen !== count) throw new Error(`replay yielded ${seen} events, expected ${count}`);
          });
          log(`  ${variant} run ${run + 1}: ${describeRun(result)}`);
          return result;
        });
        const liveHeapPeakBytes = await liveHeapGrowth(await store.reopen(), count);
        log(`  ${variant}: live heap growth at 10% checkpoints ${(liveHeapPeakBytes / 2 ** 20).toFixed(1)} MB`);
        measurements.push(summarize(this.id, variant, backend.name, runs, { liveHeapPeakBytes }));
      } finally {
        await store.dispose();
      }
    }
    return measurements;
  },
};

/** Checkpoints per replay at which the live heap is measured (each forces a full collection). */
const LIVE_CHECKPOINTS = 10;

/** Largest live (post-GC) heap growth over the pre-replay baseline, at {@link LIVE_CHECKPOINTS} points of a replay. */
async function liveHeapGrowth(repo: EventStoreRepo, count: number): Promise<number> {
  collectGarbage();
  const baseline = heapUsed();
  let seen = 0;
  let next = 0;
  let peak = 0;
  for await (const page of await repo.getAllEvents(FRAMEWORK_PAGE_SIZE)) {
    seen += page.length;
    if (seen < next) continue;
    collectGarbage();
    peak = Math.max(peak, heapUsed() - baseline);
    next += count / LIVE_CHECKPOINTS;
  }
  return peak;
}
