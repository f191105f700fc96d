/**
 * Workload 4: replay with `getAllEvents(pageSize)` of a timeline spread over several months, with 1 and with N
 * write shards per bucket. The data set is seeded once per shard count (untimed); each timed run replays it with a
 * NEW repo instance (empty caches), as a restarting process would.
 */
import { summarize, timeRun } from '../harness/measure.js';
import { timelineBatches } from './seeding.js';
import { describeRun, repeat, type Workload } from './workload.js';

export const replayWorkload: Workload = {
  id: 'replay',
  title: 'Replay with getAllEvents over several months',
  async measure(backend, config, log) {
    const measurements = [];
    for (const shards of config.replayShards) {
      const store = await backend.createStore({ label: 'replay', bucketShards: shards });
      try {
        log(`  seeding ${config.replayEvents} events over ${config.replayMonths} months, ${shards} shard(s)…`);
        await store.load(timelineBatches(config.replayEvents, config.replayMonths, config.streams, `replay-${shards}-`));
        for (const pageSize of config.replayPageSizes) {
          const variant = `getAllEvents(${pageSize}), ${shards} shard${shards === 1 ? '' : 's'}`;
          const runs = await repeat(config.runs, async (run) => {
            const repo = await store.reopen();
            const result = await timeRun(repo, config.replayEvents, async (probe) => {
              let seen = 0;
              for await (const page of await repo.getAllEvents(pageSize)) {
                seen += page.length;
                probe.tick();
              }
              if (seen !== config.replayEvents) throw new Error(`replay yielded ${seen} events, expected ${config.replayEvents}`);
            });
            log(`  ${variant} run ${run + 1}: ${describeRun(result)}`);
            return result;
          });
          measurements.push(summarize(this.id, variant, backend.name, runs));
        }
      } finally {
        await store.dispose();
      }
    }
    return measurements;
  },
};
