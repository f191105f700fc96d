/**
 * Workload 2: batch appends, each batch one `storeEvents` call of N events on one NEW stream (a stream per batch),
 * sequentially, on a fresh table per run. `batches of 20` is compared with the old adapter (which splits batches
 * over 25 events into several transactions, so larger sizes would not compare like for like).
 */
import type { Backend, BenchRepo } from '../backends.js';
import type { BenchConfig } from '../config.js';
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement } from '../harness/measure.js';
import { describeRun, repeat, type Log, type Workload } from './workload.js';

/** The batch size compared with the old adapter. */
export const COMPARED_BATCH_SIZE = 20;
export const batchVariant = (size: number): string => `batches of ${size}`;

async function measureOn<R extends BenchRepo>(backend: Backend<R>, sizes: readonly number[], runsPerFigure: number, config: BenchConfig, log: Log): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const size of sizes) {
    const variant = batchVariant(size);
    const runs = await repeat(runsPerFigure, async (run) => {
      const store = await backend.createStore({ label: 'batch' });
      const factory = new EventFactory(`batch-${size}-${run}-`);
      const batchCount = Math.max(1, Math.floor(config.batchEvents / size));
      const batches = Array.from({ length: batchCount }, (_, batch) => Array.from({ length: size }, () => factory.next({ stream: streamName(batch) })));
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
    measurements.push(summarize(batchAppendWorkload.id, variant, backend.name, runs));
  }
  return measurements;
}

export const batchAppendWorkload: Workload = {
  id: 'batch-append',
  title: 'Batch appends (a new stream per batch, sequential)',
  measure: (backend, config, log) => measureOn(backend, config.batchSizes, config.runs, config, log),
  measureLegacy: (backend, config, log) => measureOn(backend, [COMPARED_BATCH_SIZE], config.legacyRuns, config, log),
};
