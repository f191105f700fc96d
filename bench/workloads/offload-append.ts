/** Workload 3: sequential single appends whose payload is too large for an item, so it is offloaded to the blob store. */
import { EventFactory, largePayload, streamName } from '../events.js';
import { summarize, timeRun } from '../harness/measure.js';
import { describeRun, repeat, type Workload } from './workload.js';

export const offloadAppendWorkload: Workload = {
  id: 'offload-append',
  title: 'Appends with offloaded payloads (payload to S3, reference in the item)',
  async measure(backend, config, log) {
    const variant = `${Math.round(config.offloadBytes / 1000)} KB payloads, sequential`;
    const payloads = Array.from({ length: config.offloadEvents }, (_, index) => largePayload(config.offloadBytes, index));
    const runs = await repeat(config.runs, async (run) => {
      const store = await backend.createStore({ label: 'offload' });
      const factory = new EventFactory(`offload-${run}-`);
      const events = payloads.map((payload, index) => factory.next({ stream: streamName(index % config.streams), payload }));
      try {
        const result = await timeRun(store.repo, events.length, async (probe) => {
          for (const event of events) {
            await store.repo.storeEvents([event]);
            probe.tick();
          }
        });
        log(`  ${variant} run ${run + 1}: ${describeRun(result)}`);
        return result;
      } finally {
        await store.dispose();
      }
    });
    return [summarize(this.id, variant, backend.name, runs)];
  },
};
