/**
 * Workload 4: replay with `getAllEvents(pageSize)` of a timeline spread over several months, with 1 and with N
 * write shards per bucket. The data set is seeded once per shard count (untimed); each timed run replays it with a
 * NEW repo instance (empty caches), as a restarting process would.
 *
 * The old adapter replays the SAME timeline (same events, same tag as our 1-shard data set), seeded through its own
 * `storeEvents`, with `getAllEvents(100)`; its figure is filed under our variant name `getAllEvents(100), 1 shard`
 * (it has no shards). Its replay is measured as it is: events it does not yield and events yielded out of creation
 * order are counted (`eventsMissed`, `outOfOrder`) instead of failing the run.
 */
import type { Backend, BenchRepo } from '../backends.js';
import type { BenchConfig } from '../config.js';
import { summarize, timeRun, type Measurement } from '../harness/measure.js';
import { now } from '../harness/timing.js';
import { timelineBatches } from './seeding.js';
import { describeRun, repeat, type Log, type Workload } from './workload.js';

/** The page size compared with the old adapter. */
export const COMPARED_PAGE_SIZE = 100;
export const replayVariant = (pageSize: number, shards: number): string => `getAllEvents(${pageSize}), ${shards} shard${shards === 1 ? '' : 's'}`;

async function measureOn<R extends BenchRepo>(
  backend: Backend<R>,
  shardCounts: readonly number[],
  pageSizes: readonly number[],
  runsPerFigure: number,
  strict: boolean,
  config: BenchConfig,
  log: Log,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const shards of shardCounts) {
    const store = await backend.createStore({ label: 'replay', bucketShards: shards });
    try {
      log(`  seeding ${config.replayEvents} events over ${config.replayMonths} months, ${shards} shard(s)…`);
      const seeding = now();
      await store.load(timelineBatches(config.replayEvents, config.replayMonths, config.streams, `replay-${shards}-`));
      log(`  seeded in ${((now() - seeding) / 1000).toFixed(1)} s`);
      for (const pageSize of pageSizes) {
        const variant = replayVariant(pageSize, shards);
        let eventsMissed = 0;
        let outOfOrder = 0;
        const runs = await repeat(runsPerFigure, async (run) => {
          const repo = await store.reopen();
          let seen = 0;
          let disorder = 0;
          const result = await timeRun(repo, config.replayEvents, async (probe) => {
            let previous = '';
            for await (const page of await repo.getAllEvents(pageSize)) {
              seen += page.length;
              // Event ids are `<tag><10-digit counter>` in creation order (`events.ts`): replay order must keep them ascending.
              for (const event of page) {
                if (event.id < previous) disorder += 1;
                previous = event.id;
              }
              probe.tick();
            }
            if (strict && seen !== config.replayEvents) throw new Error(`replay yielded ${seen} events, expected ${config.replayEvents}`);
          });
          eventsMissed = Math.max(eventsMissed, config.replayEvents - seen);
          outOfOrder = Math.max(outOfOrder, disorder);
          log(`  ${variant} run ${run + 1}: ${describeRun(result)}${strict ? '' : `, yielded ${seen}, ${disorder} out of order`}`);
          return result;
        });
        measurements.push(summarize(replayWorkload.id, variant, backend.name, runs, strict ? undefined : { eventsMissed, outOfOrder }));
      }
    } finally {
      await store.dispose();
    }
  }
  return measurements;
}

export const replayWorkload: Workload = {
  id: 'replay',
  title: 'Replay with getAllEvents over several months',
  measure: (backend, config, log) => measureOn(backend, config.replayShards, config.replayPageSizes, config.runs, true, config, log),
  measureLegacy: (backend, config, log) => measureOn(backend, [1], [COMPARED_PAGE_SIZE], config.legacyReplayRuns, false, config, log),
};
