/** Workload 2: batch appends, each batch one `storeEvents` call of N events on one stream (one transaction). */
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun } from '../harness/measure.js';
import { describeRun, repeat, type Workload } from './workload.js';

export const batchAppendWorkload: Workload = {
  id: 'batch-append',
  title: 'Batch appends (one stream per batch, sequential)',
  async measure(backend, config, log) {
    const measurements = [];
    for (const size of config.batchSizes) {
      const variant = `batches of ${size}`;
      const runs = await repeat(config.runs, async (run) => {
        const store = await backend.createStore({ label: 'batch' });
        const factory = new EventFactory(`batch-${size}-${run}-`);
        const batchCount = Math.max(1, Math.floor(config.batchEvents / size));
        const batches = Array.from({ length: batchCount }, (_, batch) => Array.from({ length: size }, () => factory.next({ stream: streamName(batch % config.streams) })));
        try {
          const result = await timeRun(store.repo, batchCount * size, async (probe) => {
            for (const batch of batches) {
              await store.repo.storeEvents(batch);
              probe.tick();
            }
          });
          log(`  ${variant} run ${run + 1}: ${describeRun(result)}`);
          return result;
        } finally {
          await store.dispose();
        }
      });
      measurements.push(summarize(this.id, variant, backend.name, runs));
    }
    return measurements;
  },
};
