/**
 * Workload 5: stream reads. Seeds `readStreams` streams of `readStreamLength` events (untimed), then each timed run
 * reads every stream whole with `getStreamEvents` (sequentially, a new repo instance per run).
 */
import { BENCH_DOMAIN, EventFactory, streamName } from '../events.js';
import { summarize, timeRun } from '../harness/measure.js';
import { SEED_BATCH_SIZE } from './seeding.js';
import { chunk, describeRun, repeat, type Workload } from './workload.js';

export const streamReadWorkload: Workload = {
  id: 'stream-read',
  title: 'Stream reads (getStreamEvents of whole streams)',
  async measure(backend, config, log) {
    const variant = `${config.readStreams} streams of ${config.readStreamLength} events`;
    const store = await backend.createStore({ label: 'streams' });
    try {
      const factory = new EventFactory('stream-');
      const streams = Array.from({ length: config.readStreams }, (_, index) => streamName(index));
      const batches = streams.flatMap((stream) =>
        chunk(
          Array.from({ length: config.readStreamLength }, () => factory.next({ stream })),
          SEED_BATCH_SIZE,
        ),
      );
      await store.load(batches);
      const total = config.readStreams * config.readStreamLength;
      const runs = await repeat(config.runs, async (run) => {
        const repo = await store.reopen();
        const result = await timeRun(repo, total, async (probe) => {
          for (const stream of streams) {
            const events = await repo.getStreamEvents(BENCH_DOMAIN, stream);
            if (events.length !== config.readStreamLength)
              throw new Error(`stream ${stream} has ${events.length} events, expected ${config.readStreamLength}`);
            probe.tick();
          }
        });
        log(`  ${variant} run ${run + 1}: ${describeRun(result)}`);
        return result;
      });
      return [summarize(this.id, variant, backend.name, runs)];
    } finally {
      await store.dispose();
    }
  },
};
