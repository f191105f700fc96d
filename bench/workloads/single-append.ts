/** Workload 1: single-event appends (`storeEvents([event])`) across many streams, sequential and concurrent. */
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun } from '../harness/measure.js';
import { inParallel } from '../harness/timing.js';
import { describeRun, repeat, type Workload } from './workload.js';

export const singleAppendWorkload: Workload = {
  id: 'single-append',
  title: 'Single-event appends across many streams',
  async measure(backend, config, log) {
    const variants = [
      { name: 'sequential', concurrency: 1 },
      { name: `concurrent, ${config.concurrency} in flight`, concurrency: config.concurrency },
    ];
    const measurements = [];
    for (const variant of variants) {
      const runs = await repeat(config.runs, async (run) => {
        const store = await backend.createStore({ label: 'single' });
        const factory = new EventFactory(`single-${run}-`);
        const events = Array.from({ length: config.singleEvents }, (_, index) => factory.next({ stream: streamName(index % config.streams) }));
        try {
          const result = await timeRun(store.repo, events.length, (probe) =>
            inParallel(events, variant.concurrency, async (event) => {
              await store.repo.storeEvents([event]);
              probe.tick();
            }),
          );
          log(`  ${variant.name} run ${run + 1}: ${describeRun(result)}`);
          return result;
        } finally {
          await store.dispose();
        }
      });
      measurements.push(summarize(this.id, variant.name, backend.name, runs));
    }
    return measurements;
  },
};
