/**
 * Workload: the change feed (`changeFeed`). Variants, each on a fresh table:
 * - `sequential appends, S shards`: single-event appends one after another, round-robin over `streams` streams
 *   (compare with single-append `sequential`: the cost of the counter and the log index entry);
 * - `W writers, disjoint streams, S shards`: W writers each appending to its own stream, all in flight (contention on
 *   the shard counters: with 1 shard every writer meets every other);
 * - `getLogPage(100) drain, S shards`: the events of the append variant read back through chained `getLogPage`.
 */
import type { EventStoreRepo, ExpectedStreamVersion } from '../../src/index.js';
import type { Backend } from '../backends.js';
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement } from '../harness/measure.js';
import { describeRun, repeat, type Workload } from './workload.js';

const SHARDS = [1, 4];

export const changeFeedWorkload: Workload = {
  id: 'change-feed',
  title: 'Change feed: appends with changeFeed (sequential, W writers on disjoint streams) and a getLogPage drain',
  async measure(backend, config, log) {
    const measurements: Measurement[] = [];
    for (const shards of SHARDS) {
      const changeFeed = { shards };
      const sequential = `sequential appends, ${shards} shard${shards === 1 ? '' : 's'}`;
      const drain = `getLogPage(100) drain, ${shards} shard${shards === 1 ? '' : 's'}`;
      const drainRuns: Awaited<ReturnType<typeof timeRun>>[] = [];
      const runs = await repeat(config.runs, async (run) => {
        const store = await (backend as Backend).createStore({ label: 'feed', changeFeed });
        try {
          const repo = store.repo as EventStoreRepo;
          const factory = new EventFactory(`feed-${shards}-${run}-`);
          const events = Array.from({ length: config.singleEvents }, (_, index) =>
            factory.next({ stream: streamName(index % config.streams) }),
          );
          await repo.init();
          const result = await timeRun(repo, events.length, async (probe) => {
            for (const event of events) {
              await repo.storeEvents([event]);
              probe.tick();
            }
          });
          log(`  ${sequential} run ${run + 1} (${backend.name}): ${describeRun(result)}`);
          const read = await timeRun(repo, events.length, async (probe) => {
            let cursor: ExpectedStreamVersion[] | undefined;
            let delivered = 0;
            for (;;) {
              const page = await repo.getLogPage(cursor, 100);
              cursor = page.cursor;
              if (page.events.length === 0) break;
              delivered += page.events.length;
              for (const _ of page.events) probe.tick();
            }
            if (delivered !== events.length) throw new Error(`getLogPage delivered ${delivered} of ${events.length}`);
          });
          log(`  ${drain} run ${run + 1} (${backend.name}): ${describeRun(read)}`);
          drainRuns.push(read);
          return result;
        } finally {
          await store.dispose();
        }
      });
      measurements.push(summarize(this.id, sequential, backend.name, runs), summarize(this.id, drain, backend.name, drainRuns));

      const writersVariant = `${config.writers} writers, disjoint streams, ${shards} shard${shards === 1 ? '' : 's'}`;
      const perWriter = Math.max(1, Math.floor(config.singleEvents / config.writers));
      const writerRuns = await repeat(config.runs, async (run) => {
        const store = await (backend as Backend).createStore({ label: 'feedw', changeFeed });
        try {
          const repo = store.repo as EventStoreRepo;
          const factory = new EventFactory(`feedw-${shards}-${run}-`);
          const groups = Array.from({ length: config.writers }, (_, writer) =>
            Array.from({ length: perWriter }, () => factory.next({ stream: streamName(writer) })),
          );
          await repo.init();
          const result = await timeRun(repo, perWriter * config.writers, async (probe) => {
            await Promise.all(
              groups.map(async (group) => {
                for (const event of group) {
                  await repo.storeEvents([event]);
                  probe.tick();
                }
              }),
            );
          });
          log(`  ${writersVariant} run ${run + 1} (${backend.name}): ${describeRun(result)}`);
          return result;
        } finally {
          await store.dispose();
        }
      });
      measurements.push(summarize(this.id, writersVariant, backend.name, writerRuns));
    }
    return measurements;
  },
};
