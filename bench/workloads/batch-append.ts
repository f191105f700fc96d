/**
 * Workload 2: batch appends, each batch one `storeEvents` call of N events on one NEW stream (a stream per batch),
 * sequentially, on a fresh table per run. `batches of 20` is compared with the old adapter (which splits batches
 * over 25 events into several transactions, and cannot store more than 25 on a new stream, so larger sizes would
 * not compare like for like).
 */
import type { Backend, BenchRepo } from '../backends.js';
import { EventFactory, streamName } from '../events.js';
import { summarize, timeRun, type Measurement, type RunResult } from '../harness/measure.js';
import { alternate, comparisonSides, describeRun, isOld, type Log, type Side, type Workload } from './workload.js';

/** The batch size compared with the old adapter. */
export const COMPARED_BATCH_SIZE = 20;
export const batchVariant = (size: number): string => `batches of ${size}`;

async function oneRun(side: Side, size: number, run: number, log: Log): Promise<RunResult> {
  const { backend, config } = side;
  const store = await backend.createStore({ label: 'batch' });
  const factory = new EventFactory(`batch-${size}-${run}-`);
  const batchCount = Math.max(1, Math.floor(config.batchEvents / size));
  const batches = Array.from({ length: batchCount }, (_, batch) =>
    Array.from({ length: size }, () => factory.next({ stream: streamName(batch) })),
  );
  try {
    const result = await timeRun(store.repo, batchCount * size, async (probe) => {
      for (const batch of batches) {
        await store.repo.storeEvents(batch);
        probe.tick();
      }
    });
    log(`  ${batchVariant(size)} run ${run + 1} (${backend.name}): ${describeRun(result)}`);
    return result;
  } finally {
    await store.dispose();
  }
}

async function measureSides(sides: readonly Side[], log: Log): Promise<Measurement[]> {
  const sizesOf = (side: Side): readonly number[] => (isOld(side) ? [COMPARED_BATCH_SIZE] : side.config.batchSizes);
  const sizes = [...new Set(sides.flatMap(sizesOf))];
  const measurements: Measurement[] = [];
  for (const size of sizes) {
    const taking = sides.filter((side) => sizesOf(side).includes(size));
    const results = await alternate(taking, (side, run) => oneRun(side, size, run, log));
    taking.forEach((side, index) =>
      measurements.push(summarize(batchAppendWorkload.id, batchVariant(size), side.backend.name, results[index]!)),
    );
  }
  return measurements;
}

export const batchAppendWorkload: Workload = {
  id: 'batch-append',
  title: 'Batch appends (a new stream per batch, sequential)',
  measure: (backend, config, log) => measureSides([{ backend: backend as Backend<BenchRepo>, runs: config.runs, config }], log),
  compare: (ours, old, config, log) => measureSides(comparisonSides(ours, old, config, config, config.legacyRuns), log),
};
